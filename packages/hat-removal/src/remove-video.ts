/**
 * Human removal for one video (docs/ARCHITECTURE.md §7): decode in chunks (the next chunk decodes while this
 * one is processed), find the shot cuts, segment (recurrent state reset at each cut), detect
 * missed people, refine the masks, inpaint from the same shot only, and stream the result into the
 * encoder. Frames whose background cannot be recovered (a person covers too much of the shot) are
 * dropped or marked, as configured (fail closed). Only a sliding window of about
 * `2 * radius + chunk` frames is held in memory.
 */
import { VideoInputError } from '@ppma/core';
import { decodeFrames, encodeVideo, probeVideo } from '@ppma/video-io';
import type { VideoInfo } from '@ppma/video-io';
import type { BoxTrackOptions } from './box-tracking.js';
import type { MaskBatch } from './frames.js';
import { FrameQueue } from './frame-queue.js';
import { FrameStore, type PreparedChunk } from './frame-store.js';
import type { CatchOptions, RefineOptions } from './mask-refine.js';
import type { PersonDetector } from './person-detector.js';
import { emptyProfile, type RemovalProfile } from './removal-profile.js';
import type { Segmenter } from './segmenter.js';
import type { ShotOptions } from './shot-detect.js';
import type { InpaintOptions, InpaintStats } from './temporal-inpaint.js';

/** What to do with a frame whose background cannot be recovered. */
export type UnrecoverablePolicy = 'drop' | 'mark' | 'keep';

/** Options of {@link removeHumansFromVideo}. */
export interface RemoveVideoOptions {
  readonly segmenter: Segmenter;
  /** Detector for the missed-person catch; none = no catch. Build it with `minScore` <= `boxes.nearScore`. */
  readonly catchDetector?: PersonDetector;
  readonly refine?: RefineOptions;
  readonly catch?: CatchOptions;
  /** How the catch's boxes are carried over time, thresholded and filled. */
  readonly boxes?: BoxTrackOptions;
  readonly inpaint?: Omit<InpaintOptions, 'path' | 'shots'>;
  /**
   * Run the segmenter on every `segmentStride`-th frame (and the first and last of each shot piece);
   * the frames between take the maximum of their neighbours' masks (default 1).
   */
  readonly segmentStride?: number;
  /** Run the catch detector on every `catchStride`-th frame (and the last of each chunk); default 3. */
  readonly catchStride?: number;
  /** Camera model: `auto` estimates a global translation per frame (phase correlation); `static` assumes none. */
  readonly motion?: 'auto' | 'static';
  /** Shot-cut thresholds, or false to treat the video as one shot. */
  readonly shots?: ShotOptions | false;
  /**
   * A frame is unrecoverable when more than this fraction of it had to be filled spatially (no
   * frame of its shot shows the background there; default 0.1).
   */
  readonly maxSpatialFraction?: number;
  /** `drop` (default): not written; `mark`: written as flat grey; `keep`: written as filled. All are counted. */
  readonly unrecoverable?: UnrecoverablePolicy;
  /** Frames decoded and segmented at a time (default 18, a multiple of the strides). */
  readonly chunk?: number;
  /** x264 CRF of the output (default 18). */
  readonly crf?: number;
  /** Progress: called as each frame has been segmented (the per-frame stage), with the count so far. */
  readonly onFrame?: (done: number, total: number) => void;
  /** Keep the refined masks (255 = removed) of every frame, e.g. for the audit. */
  readonly keepMasks?: boolean;
  /**
   * Also write the refined mask of every output frame (255 = removed) to this file, a lossless gray
   * video (`.mkv`: FFV1) with the output's frame count; it appears only with the output.
   */
  readonly masksOutput?: string;
}

/** What one video's removal did. */
export interface RemoveVideoResult {
  readonly input: string;
  readonly output: string;
  /** Frames of the input. */
  readonly frames: number;
  /** Frames in the output (fewer than `frames` when unrecoverable frames were dropped). */
  readonly framesWritten: number;
  /** Input index of each output frame. */
  readonly writtenFrames: readonly number[];
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Mean fraction of each frame that was masked and inpainted. */
  readonly maskedFraction: number;
  readonly filled: InpaintStats;
  /** First frame of each shot after the first (the cuts found). */
  readonly cuts: readonly number[];
  /** Frames whose background could not be recovered, and what was done with them. */
  readonly unrecoverable: { readonly policy: UnrecoverablePolicy; readonly frames: readonly number[] };
  /** Seconds per part of the pipeline. */
  readonly seconds: RemovalProfile;
  /** The largest camera shift found, in pixels. */
  readonly maxCameraShift: number;
  /** Refined masks `[T, H, W]` of the input frames, when `keepMasks`. */
  readonly masks?: MaskBatch;
  /** The mask video (`masksOutput`), when written. */
  readonly maskVideo?: string;
}

/**
 * Removes every person from `input` and writes the result to `output` (H.264, same size). The
 * output file appears only when the whole video was processed.
 * @throws VideoInputError when no frame could be recovered (then nothing is written).
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
  const chunk = opts.chunk ?? 18;
  const R = opts.inpaint?.radius ?? 24;
  const hold = opts.boxes?.hold ?? 2;
  const policy = opts.unrecoverable ?? 'drop';
  const maxSpatial = opts.maxSpatialFraction ?? 0.1;
  const sec = emptyProfile();
  const warm0 = opts.segmenter.stats?.warmupSeconds ?? 0;
  const masks = opts.keepMasks ? new Uint8Array(T * n) : undefined;
  const store = new FrameStore(W, H, T, opts, sec);
  const bad: number[] = [];
  const kept: number[] = [];
  let written = 0; // frames inpainted (and written or dropped)
  let segmented = 0;
  opts.segmenter.reset();

  // Each chunk's segmentation and catch detection start as soon as it is decoded (in the models'
  // worker threads, when they have them), one chunk ahead of the refinement and inpainting.
  const onFrame = (): void => opts.onFrame?.(++segmented, T);
  const prepareAt = (start: number): Promise<PreparedChunk> | null => {
    if (start >= T) return null;
    const count = Math.min(chunk, T - start);
    const p = decodeFrames(input, { start, count, info }).then((dec) => {
      if (dec.frames !== count || dec.width !== W || dec.height !== H) {
        throw new Error(
          `decoded ${dec.frames} frames of ${dec.width}x${dec.height} at ${start}, expected ${count} of ${W}x${H}`,
        );
      }
      return store.prepare(dec, start, onFrame);
    });
    p.catch(() => undefined); // awaited in load(); this only keeps a prefetch that fails early from being "unhandled"
    return p;
  };
  let next = prepareAt(0);
  async function load(): Promise<void> {
    const s = performance.now();
    const prep = await next!;
    sec.decode += (performance.now() - s) / 1000;
    next = prepareAt(prep.first + prep.dec.frames);
    await store.add(prep);
  }

  async function* produce(): AsyncGenerator<Uint8Array> {
    const grey = new Uint8Array(n * 3).fill(128);
    while (written < T) {
      if (store.loaded < T) await load();
      store.refineUpTo(store.loaded === T ? T : store.loaded - 1 - hold, masks);
      const ready = store.refined === T ? T : Math.max(written, store.refined - R);
      if (ready <= written) continue;
      const spatial: number[] = [];
      const out = store.inpaint(written, ready, spatial);
      for (let k = 0; k < ready - written; k++) {
        const t = written + k;
        const lost = spatial[k] / n > maxSpatial;
        if (lost) bad.push(t);
        if (lost && policy === 'drop') continue;
        kept.push(t);
        maskQueue?.push(store.maskOf(t));
        const s = performance.now();
        yield lost && policy === 'mark' ? grey : out.subarray(k * n * 3, (k + 1) * n * 3);
        sec.encode += (performance.now() - s) / 1000;
      }
      written = ready;
      store.forget(written - R);
    }
    if (kept.length === 0)
      throw new VideoInputError(
        input,
        'too-short',
        `no frame could be recovered: a person covers more than ${(100 * maxSpatial).toFixed(0)}% of every frame with no background in its shot; nothing written`,
      );
  }

  const maskQueue = opts.masksOutput ? new FrameQueue() : null;
  const maskDone = maskQueue
    ? encodeVideo(opts.masksOutput!, maskQueue, { width: W, height: H, fps: info.fps, lossless: true, gray: true })
    : Promise.resolve();
  maskDone.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
  try {
    await encodeVideo(output, produce(), { width: W, height: H, fps: info.fps, crf: opts.crf ?? 18 });
    maskQueue?.close();
  } catch (err) {
    maskQueue?.fail(err); // the mask video is not published either
    await maskDone.catch(() => undefined);
    throw err;
  }
  await maskDone;
  sec.warmup = (opts.segmenter.stats?.warmupSeconds ?? 0) - warm0;
  sec.total = (performance.now() - t0) / 1000;
  return {
    input,
    output,
    frames: T,
    framesWritten: kept.length,
    writtenFrames: kept,
    width: W,
    height: H,
    fps: info.fps,
    maskedFraction: T ? store.masked / T : 0,
    filled: { temporal: store.filled.temporal, spatial: store.filled.spatial },
    cuts: store.cuts,
    unrecoverable: { policy, frames: bad },
    seconds: sec,
    maxCameraShift: store.maxShift,
    ...(masks ? { masks: { data: masks, frames: T, width: W, height: H } } : {}),
    ...(opts.masksOutput ? { maskVideo: opts.masksOutput } : {}),
  };
}
