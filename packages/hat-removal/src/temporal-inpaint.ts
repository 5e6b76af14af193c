/**
 * Video inpainting (docs/ARCHITECTURE.md §7): (1) temporal propagation, the median of the samples of the same
 * scene point in nearby frames where it is not masked, after aligning frames with the camera path;
 * (2) spatial fill of the pixels no frame shows; (3) seam blending: the difference between the frame
 * and the propagated background on a ring around the hole (lighting, exposure) is spread over the
 * hole as a membrane and added, so the fill meets its border without a visible edge.
 */
import type { FrameBatch, MaskBatch } from './frames.js';
import type { Shift } from './global-motion.js';
import { dilateCross } from './mask-refine.js';
import { membraneFill } from './spatial-fill.js';

/** Options of {@link inpaintWindow}. */
export interface InpaintOptions {
  /** Camera path (scene point = pixel + shift), one per frame of the window; default: static camera. */
  readonly path?: readonly Shift[];
  /** Frames on either side searched for samples (default 24). */
  readonly radius?: number;
  /** Most samples per pixel (default 25; frames are strided evenly when more are in range). */
  readonly maxSamples?: number;
  /** Width in pixels of the seam ring around each hole (default 3; 0 turns seam blending off). */
  readonly seam?: number;
  /** Largest lighting correction the seam blend may add, per channel (default 40). */
  readonly maxSeamOffset?: number;
  /** Shot of each frame of the window: samples come only from frames of the same shot (default: one shot). */
  readonly shots?: readonly number[];
}

/** What {@link inpaintWindow} filled. */
export interface InpaintStats {
  /** Masked pixels filled from other frames. */
  temporal: number;
  /** Masked pixels filled spatially (no frame showed them). */
  spatial: number;
  /** When given, the spatially filled pixels of each inpainted frame are appended. */
  spatialByFrame?: number[];
  /** When given, seconds of the temporal fill, the spatial fill and the seam blend are added. */
  seconds?: { temporal: number; spatial: number; blend: number };
}

/**
 * Inpaints frames `[start, end)` of a window of frames whose masks (255 = remove) are known; the
 * other frames of the window are context. Returns the inpainted frames `[end - start, H, W, 3]`.
 */
export function inpaintWindow(
  frames: FrameBatch,
  masks: MaskBatch,
  start: number,
  end: number,
  opts: InpaintOptions = {},
  stats: InpaintStats = { temporal: 0, spatial: 0 },
): Uint8Array {
  const { frames: T, width: W, height: H } = frames;
  const n = W * H;
  const R = opts.radius ?? 24;
  const maxS = opts.maxSamples ?? 25;
  const seam = opts.seam ?? 3;
  const maxOff = opts.maxSeamOffset ?? 40;
  const path = opts.path ?? Array.from({ length: T }, () => ({ dx: 0, dy: 0 }));
  const out = new Uint8Array((end - start) * n * 3);
  const ring = new Uint8Array(n);
  const values = new Float32Array(n * 3);
  for (let t = start; t < end; t++) {
    const mask = masks.data.subarray(t * n, (t + 1) * n);
    const frame = frames.data.subarray(t * n * 3, (t + 1) * n * 3);
    const dst = out.subarray((t - start) * n * 3, (t - start + 1) * n * 3);
    dst.set(frame);
    let any = false;
    for (let i = 0; i < n; i++)
      if (mask[i]) {
        any = true;
        break;
      }
    if (!any) {
      stats.spatialByFrame?.push(0);
      continue;
    }
    let s0 = performance.now();
    const sampler = new BackgroundSampler(frames, masks, path, t, R, maxS, opts.shots);
    const median = (x: number, y: number, rgb: Float32Array): boolean => sampler.median(x, y, rgb);
    let spatial = 0;
    // The seam ring: unmasked pixels within `seam` of the hole.
    ring.set(mask);
    if (seam > 0) dilateCross(ring, W, H, seam);
    const unknown = new Uint8Array(n);
    const offset = new Float32Array(n * 3);
    const offUnknown = new Uint8Array(n);
    const rgb = new Float32Array(3);
    for (let i = 0; i < n; i++) {
      values[i * 3] = frame[i * 3];
      values[i * 3 + 1] = frame[i * 3 + 1];
      values[i * 3 + 2] = frame[i * 3 + 2];
      if (!ring[i]) continue;
      const x = i % W;
      const y = (i - x) / W;
      if (mask[i]) {
        offUnknown[i] = 1;
        if (median(x, y, rgb)) {
          values[i * 3] = rgb[0];
          values[i * 3 + 1] = rgb[1];
          values[i * 3 + 2] = rgb[2];
          stats.temporal++;
        } else {
          unknown[i] = 1;
          spatial++;
        }
      } else if (median(x, y, rgb)) {
        for (let c = 0; c < 3; c++) offset[i * 3 + c] = Math.max(-maxOff, Math.min(maxOff, frame[i * 3 + c] - rgb[c]));
      }
    }
    stats.spatial += spatial;
    stats.spatialByFrame?.push(spatial);
    const tick = (key: 'temporal' | 'spatial' | 'blend'): void => {
      const now = performance.now();
      if (stats.seconds) stats.seconds[key] += (now - s0) / 1000;
      s0 = now;
    };
    tick('temporal');
    if (seam > 0) {
      membraneFill(offset, 3, W, H, offUnknown, 10);
      for (let i = 0; i < n; i++) {
        if (!mask[i] || unknown[i]) continue;
        for (let c = 0; c < 3; c++) values[i * 3 + c] += offset[i * 3 + c];
      }
    }
    tick('blend');
    membraneFill(values, 3, W, H, unknown, 20);
    tick('spatial');
    for (let i = 0; i < n; i++) {
      if (!mask[i]) continue;
      for (let c = 0; c < 3; c++) dst[i * 3 + c] = Math.max(0, Math.min(255, Math.round(values[i * 3 + c])));
    }
  }
  return out;
}

/** Median of the first `m` entries (sorted in place; the mean of the middle two when m is even). */
function medianOf(a: Uint8Array, m: number): number {
  const s = a.subarray(0, m).sort();
  return m % 2 ? s[(m - 1) >> 1] : (s[m / 2 - 1] + s[m / 2]) / 2;
}

/**
 * The background at one frame's pixels: the median of the same scene point (after the camera path)
 * over up to `maxSamples` frames within `radius` where the mask is 0, from the same shot only.
 */
export class BackgroundSampler {
  private readonly us: number[] = [];
  private readonly ox: Int32Array;
  private readonly oy: Int32Array;
  private readonly sr: Uint8Array;
  private readonly sg: Uint8Array;
  private readonly sb: Uint8Array;

  constructor(
    private readonly frames: FrameBatch,
    private readonly masks: MaskBatch,
    path: readonly Shift[],
    t: number,
    radius: number,
    maxSamples: number,
    shots?: readonly number[],
  ) {
    const cand: number[] = [];
    for (let u = Math.max(0, t - radius); u <= Math.min(frames.frames - 1, t + radius); u++)
      if (u !== t && (!shots || shots[u] === shots[t])) cand.push(u);
    const take = Math.min(maxSamples, cand.length);
    for (let k = 0; k < take; k++) this.us.push(cand[Math.floor((k * cand.length) / take)]);
    // scene point of (x, y) in frame t = (x + ox, y + oy) in frame u (rounded once per frame, not per pixel)
    this.ox = Int32Array.from(this.us, (u) => Math.round(path[t].dx - path[u].dx));
    this.oy = Int32Array.from(this.us, (u) => Math.round(path[t].dy - path[u].dy));
    this.sr = new Uint8Array(take);
    this.sg = new Uint8Array(take);
    this.sb = new Uint8Array(take);
  }

  /** Writes the background colour at (x, y) of frame t into `rgb`; false when no frame shows it. */
  median(x: number, y: number, rgb: Float32Array | Uint8Array): boolean {
    const { width: W, height: H } = this.frames;
    const n = W * H;
    const fd = this.frames.data;
    const md = this.masks.data;
    let m = 0;
    for (let k = 0; k < this.us.length; k++) {
      const xu = x + this.ox[k];
      const yu = y + this.oy[k];
      if (xu < 0 || yu < 0 || xu >= W || yu >= H) continue;
      const j = this.us[k] * n + yu * W + xu;
      if (md[j]) continue;
      this.sr[m] = fd[j * 3];
      this.sg[m] = fd[j * 3 + 1];
      this.sb[m] = fd[j * 3 + 2];
      m++;
    }
    if (m === 0) return false;
    rgb[0] = medianOf(this.sr, m);
    rgb[1] = medianOf(this.sg, m);
    rgb[2] = medianOf(this.sb, m);
    return true;
  }
}
