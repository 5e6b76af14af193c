/**
 * Human removal for one video (docs/ARCHITECTURE.md §7): decode in chunks, segment (recurrent state carried
 * across chunks), refine the masks, catch missed people, inpaint, and stream the result into the
 * encoder. Only a sliding window of about `2 * radius + chunk` frames is held in memory.
 */
import { decodeFrames, encodeVideo, probeVideo } from '@ppma/video-io';
import type { VideoInfo } from '@ppma/video-io';
import type { Box, FrameBatch, MaskBatch } from './frames.js';
import { estimateShift, type Shift } from './global-motion.js';
import { catchMissedPeople, refineMasks, type CatchOptions, type RefineOptions } from './mask-refine.js';
import type { PersonDetector } from './person-detector.js';
import type { Segmenter } from './segmenter.js';
import { BackgroundSampler, inpaintWindow, type InpaintOptions, type InpaintStats } from './temporal-inpaint.js';

/** Options of {@link removeHumansFromVideo}. */
export interface RemoveVideoOptions {
  readonly segmenter: Segmenter;
  /** Detector for the missed-person catch; none = no catch. */
  readonly catchDetector?: PersonDetector;
  readonly refine?: RefineOptions;
  readonly catch?: CatchOptions;
  readonly inpaint?: Omit<InpaintOptions, 'path'>;
  /** Run the catch detector on every `catchStride`-th frame; the frames between take the union of their neighbours' boxes (default 2). */
  readonly catchStride?: number;
  /** Camera model: `auto` estimates a global translation per frame (phase correlation); `static` assumes none. */
  readonly motion?: 'auto' | 'static';
  /** Frames decoded and segmented at a time (default 16). */
  readonly chunk?: number;
  /** x264 CRF of the output (default 18). */
  readonly crf?: number;
  /** Called after each output frame. */
  readonly onFrame?: (done: number, total: number) => void;
  /** Keep the refined masks (255 = removed) of every frame, e.g. for the audit. */
  readonly keepMasks?: boolean;
}

/** What one video's removal did. */
export interface RemoveVideoResult {
  readonly input: string;
  readonly output: string;
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Mean fraction of each frame that was masked and inpainted. */
  readonly maskedFraction: number;
  readonly filled: InpaintStats;
  /**
   * Seconds spent decoding, segmenting, detecting (the missed-person catch) and inpainting (mask
   * refinement, motion, fill); `total` includes encoding.
   */
  readonly seconds: {
    readonly decode: number;
    readonly segment: number;
    readonly detect: number;
    readonly inpaint: number;
    readonly total: number;
  };
  /** The largest camera shift found, in pixels. */
  readonly maxCameraShift: number;
  /** Refined masks `[T, H, W]`, when `keepMasks`. */
  readonly masks?: MaskBatch;
}

interface Rec {
  rgb: Uint8Array;
  soft: Uint8Array;
  boxes: Box[];
  mask?: Uint8Array;
  path: Shift;
}

/**
 * Removes every person from `input` and writes the result to `output` (H.264, same size and frame
 * count). The output file appears only when the whole video was processed.
 */
export async function removeHumansFromVideo(
  input: string,
  output: string,
  opts: RemoveVideoOptions,
): Promise<RemoveVideoResult> {
  const t0 = performance.now();
  const info: VideoInfo = await probeVideo(input);
  const { width: W, height: H, frameCount: T } = info;
  const n = W * H;
  const chunk = opts.chunk ?? 16;
  const R = opts.inpaint?.radius ?? 24;
  const motion = opts.motion ?? 'auto';
  const sec = { decode: 0, segment: 0, detect: 0, inpaint: 0, total: 0 };
  const filled: InpaintStats = { temporal: 0, spatial: 0 };
  const masks = opts.keepMasks ? new Uint8Array(T * n) : undefined;
  let masked = 0;
  let maxShift = 0;
  const recs = new Map<number, Rec>();
  let loaded = 0; // frames decoded and segmented
  let refined = 0; // frames with a refined mask
  let written = 0;
  opts.segmenter.reset();

  const windowOf = (lo: number, hi: number, key: 'rgb' | 'soft' | 'mask'): FrameBatch => {
    const per = key === 'rgb' ? n * 3 : n;
    const data = new Uint8Array((hi - lo) * per);
    for (let t = lo; t < hi; t++) data.set(recs.get(t)![key]!, (t - lo) * per);
    return { data, frames: hi - lo, width: W, height: H };
  };

  async function load(): Promise<void> {
    const count = Math.min(chunk, T - loaded);
    let s = performance.now();
    const dec = await decodeFrames(input, { start: loaded, count, info });
    if (dec.frames !== count || dec.width !== W || dec.height !== H) {
      throw new Error(
        `decoded ${dec.frames} frames of ${dec.width}x${dec.height} at ${loaded}, expected ${count} of ${W}x${H}`,
      );
    }
    sec.decode += (performance.now() - s) / 1000;
    s = performance.now();
    const soft = await opts.segmenter.segment(dec);
    sec.segment += (performance.now() - s) / 1000;
    s = performance.now();
    const boxes = opts.catchDetector ? await detectStrided(opts.catchDetector, dec, loaded, opts.catchStride ?? 2) : [];
    sec.detect += (performance.now() - s) / 1000;
    s = performance.now();
    for (let k = 0; k < count; k++) {
      const t = loaded + k;
      const rgb = dec.data.slice(k * n * 3, (k + 1) * n * 3);
      let path: Shift = { dx: 0, dy: 0 };
      const prev = recs.get(t - 1);
      if (motion === 'auto' && prev) {
        const d = estimateShift(prev.rgb, rgb, W, H, {
          maskA: prev.soft,
          maskB: soft.data.subarray(k * n, (k + 1) * n),
        });
        path = { dx: prev.path.dx - d.dx, dy: prev.path.dy - d.dy };
        maxShift = Math.max(maxShift, Math.hypot(path.dx, path.dy));
      }
      recs.set(t, { rgb, soft: soft.data.slice(k * n, (k + 1) * n), boxes: boxes[k] ?? [], path });
    }
    loaded += count;
    sec.inpaint += (performance.now() - s) / 1000;
  }

  function refineUpTo(end: number): void {
    if (end <= refined) return;
    const s = performance.now();
    const lo = Math.max(0, refined - 1);
    const hi = Math.min(loaded, end + 1);
    const soft = windowOf(lo, hi, 'soft') as MaskBatch;
    let extra: MaskBatch | undefined;
    if (opts.catchDetector) {
      // Clean plate: the background median over the window, with the thresholded segmenter masks.
      const clo = Math.max(0, refined - R);
      const chi = Math.min(loaded, end + R);
      const frames = windowOf(clo, chi, 'rgb');
      const thr = opts.refine?.threshold ?? 64;
      const known = windowOf(clo, chi, 'soft');
      const kd = known.data.map((v) => (v >= thr ? 255 : 0));
      const bin: MaskBatch = { ...known, data: kd };
      const path = Array.from({ length: chi - clo }, (_, k) => recs.get(clo + k)!.path);
      const samplers = new Map<number, BackgroundSampler>();
      const tgt = windowOf(lo, hi, 'rgb');
      extra = catchMissedPeople(
        tgt,
        Array.from({ length: hi - lo }, (_, k) => recs.get(lo + k)!.boxes),
        (t, x, y, rgb) => {
          const tw = t + lo - clo;
          let sm = samplers.get(tw);
          if (!sm) samplers.set(tw, (sm = new BackgroundSampler(frames, bin, path, tw, R, 15)));
          return sm.median(x, y, rgb);
        },
        opts.catch,
      );
    }
    const out = refineMasks(soft, opts.refine, extra);
    for (let t = refined; t < end; t++) {
      const m = out.data.slice((t - lo) * n, (t - lo + 1) * n);
      recs.get(t)!.mask = m;
      let c = 0;
      for (let i = 0; i < n; i++) if (m[i]) c++;
      masked += c / n;
      masks?.set(m, t * n);
    }
    refined = end;
    sec.inpaint += (performance.now() - s) / 1000;
  }

  function inpaintUpTo(end: number): Uint8Array {
    const s = performance.now();
    const lo = Math.max(0, written - R);
    const hi = Math.min(refined, end + R);
    const frames = windowOf(lo, hi, 'rgb');
    const mk = windowOf(lo, hi, 'mask') as MaskBatch;
    const path = Array.from({ length: hi - lo }, (_, k) => recs.get(lo + k)!.path);
    const out = inpaintWindow(frames, mk, written - lo, end - lo, { ...opts.inpaint, path }, filled);
    for (const t of [...recs.keys()]) if (t < end - R) recs.delete(t);
    sec.inpaint += (performance.now() - s) / 1000;
    return out;
  }

  async function* produce(): AsyncGenerator<Uint8Array> {
    while (written < T) {
      if (loaded < T) await load();
      refineUpTo(loaded === T ? T : loaded - 1);
      const ready = refined === T ? T : Math.max(written, refined - R);
      if (ready <= written) continue;
      const out = inpaintUpTo(ready);
      for (let k = 0; k < ready - written; k++) {
        yield out.subarray(k * n * 3, (k + 1) * n * 3);
        opts.onFrame?.(written + k + 1, T);
      }
      written = ready;
    }
  }

  await encodeVideo(output, produce(), { width: W, height: H, fps: info.fps, crf: opts.crf ?? 18 });
  sec.total = (performance.now() - t0) / 1000;
  return {
    input,
    output,
    frames: T,
    width: W,
    height: H,
    fps: info.fps,
    maskedFraction: T ? masked / T : 0,
    filled,
    seconds: sec,
    maxCameraShift: maxShift,
    ...(masks ? { masks: { data: masks, frames: T, width: W, height: H } } : {}),
  };
}

/**
 * Person boxes for every frame of a chunk, detecting only on frames whose video index is a multiple
 * of `stride` (and on the chunk's last frame); the frames between take the boxes of the detected
 * frames on either side, which the catch grows, so a walking person stays covered.
 */
async function detectStrided(det: PersonDetector, frames: FrameBatch, first: number, stride: number): Promise<Box[][]> {
  const T = frames.frames;
  if (stride <= 1) return det.detect(frames);
  const idx = Array.from({ length: T }, (_, k) => k).filter((k) => (first + k) % stride === 0 || k === T - 1);
  const n = frames.width * frames.height * 3;
  const sub = new Uint8Array(idx.length * n);
  idx.forEach((k, j) => sub.set(frames.data.subarray(k * n, (k + 1) * n), j * n));
  const found = await det.detect({ data: sub, frames: idx.length, width: frames.width, height: frames.height });
  const at = new Map(idx.map((k, j) => [k, found[j]]));
  return Array.from({ length: T }, (_, k) => {
    if (at.has(k)) return at.get(k)!;
    const before = idx.filter((i) => i < k).pop();
    const after = idx.find((i) => i > k);
    return [...(before !== undefined ? at.get(before)! : []), ...(after !== undefined ? at.get(after)! : [])];
  });
}
