/**
 * Person boxes for the missed-person catch (docs/ARCHITECTURE.md §7): detections carried over time within a
 * shot (a box found at frame u also covers frames u-hold..u+hold, so a detector that flickers or
 * runs on every 2nd frame still covers a walking person), a lower score accepted next to people
 * the segmenter already found, and boxes the masks hardly cover filled whole.
 */
import type { DetectionBox } from './frames.js';

/** Options of the catch's box handling. */
export interface BoxTrackOptions {
  /** Frames on either side a detection is carried to, within its shot (default 2). */
  readonly hold?: number;
  /** Score from which a box counts anywhere (default 0.3). */
  readonly minScore?: number;
  /** Lower score accepted when the box touches a person the segmenter found (default 0.15). */
  readonly nearScore?: number;
  /** Boxes scoring at least this whose pixels the masks cover less than `minCover` are masked whole (default 0.5). */
  readonly fillScore?: number;
  /** See `fillScore` (default 0.3). */
  readonly minCover?: number;
}

/** One frame's detections, its shot and its thresholded person mask (255 = person). */
export interface TrackFrame {
  /** Boxes found at this frame; null when the detector did not run on it. */
  readonly detected: readonly DetectionBox[] | null;
  readonly shot: number;
  readonly known: Uint8Array;
}

/** True when any pixel of `b`, grown by half its size, is set in `known` (`[H, W]`). */
export function touchesKnown(b: DetectionBox, known: Uint8Array, W: number, H: number): boolean {
  const gw = (b.x2 - b.x1) * 0.5;
  const gh = (b.y2 - b.y1) * 0.5;
  const x1 = Math.max(0, Math.floor(b.x1 - gw));
  const x2 = Math.min(W, Math.ceil(b.x2 + gw));
  const y1 = Math.max(0, Math.floor(b.y1 - gh));
  const y2 = Math.min(H, Math.ceil(b.y2 + gh));
  for (let y = y1; y < y2; y += 2) for (let x = x1; x < x2; x += 2) if (known[y * W + x]) return true;
  return false;
}

/**
 * The boxes of frame `t` of `frames`: every detection within `hold` frames of the same shot that
 * scores `minScore`, or `nearScore` next to a known person.
 */
export function trackedBoxes(
  frames: readonly TrackFrame[],
  t: number,
  W: number,
  H: number,
  opts: BoxTrackOptions = {},
): DetectionBox[] {
  const hold = opts.hold ?? 2;
  const minScore = opts.minScore ?? 0.3;
  const nearScore = opts.nearScore ?? 0.15;
  const out: DetectionBox[] = [];
  for (let u = Math.max(0, t - hold); u <= Math.min(frames.length - 1, t + hold); u++) {
    const f = frames[u];
    if (f.shot !== frames[t].shot || !f.detected) continue;
    for (const b of f.detected)
      if (b.score >= minScore || (b.score >= nearScore && touchesKnown(b, f.known, W, H))) out.push(b);
  }
  return out;
}

/**
 * Masks whole (into `extra`, 255) the confident boxes whose pixels `known` and `extra` together
 * cover less than `minCover`: a person the segmenter missed and the clean-plate test cannot catch
 * (someone who stands still, so the plate shows them too). Returns how many boxes it filled.
 */
export function fillUncoveredBoxes(
  extra: Uint8Array,
  known: Uint8Array,
  boxes: readonly DetectionBox[],
  W: number,
  H: number,
  opts: BoxTrackOptions = {},
): number {
  const fillScore = opts.fillScore ?? 0.5;
  const minCover = opts.minCover ?? 0.3;
  let filled = 0;
  for (const b of boxes) {
    if (b.score < fillScore) continue;
    const x1 = Math.max(0, Math.floor(b.x1));
    const x2 = Math.min(W, Math.ceil(b.x2));
    const y1 = Math.max(0, Math.floor(b.y1));
    const y2 = Math.min(H, Math.ceil(b.y2));
    let cov = 0;
    for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) if (known[y * W + x] || extra[y * W + x]) cov++;
    const area = Math.max(1, (x2 - x1) * (y2 - y1));
    if (cov / area >= minCover) continue;
    for (let y = y1; y < y2; y++) extra.fill(255, y * W + x1, y * W + x2);
    filled++;
  }
  return filled;
}
