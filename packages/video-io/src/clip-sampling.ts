/**
 * Clip sampling (docs/ARCHITECTURE.md §6 "Clips"; VideoMAE / PPMA data pipelines): training takes one random
 * window of `frames` frames at `stride`; evaluation takes `numClips` uniform windows; videos shorter
 * than a window loop, repeat their last frame, or fail with `too-short`.
 */
import { VideoInputError } from '@ppma/core';
import type { Rng } from '@ppma/core';
import { match } from 'ts-pattern';
import { decodeFrames } from './decode.js';
import { probeCached } from './probe-cache.js';
import type { VideoInfo } from './probe.js';

/** What to do with a video shorter than one window. */
export type ShortVideoMode = 'loop' | 'repeat-last' | 'error';

/** A decoded clip: `data` is `[frames, height, width, 3]` RGB24 (`[frames, height, width]` when gray). */
export interface Clip {
  data: Uint8Array;
  frames: number;
  height: number;
  width: number;
  /** The video file or frame folder it came from. */
  source: string;
  /** Frame index of each clip frame in the source. */
  indices: number[];
  /** Presentation time of each clip frame, in seconds. */
  timestamps: number[];
}

/** Window geometry shared by training and evaluation sampling. */
export interface WindowOptions {
  /** Frames per clip (T). */
  frames: number;
  /** Frame stride inside a window (default 1). */
  stride?: number;
  /** Videos shorter than a window (default `'loop'`). */
  shortMode?: ShortVideoMode;
}

/** How many source frames a window spans. */
export function windowSpan(opts: WindowOptions): number {
  return (opts.frames - 1) * (opts.stride ?? 1) + 1;
}

function shortIndices(frameCount: number, start: number, opts: WindowOptions, source: string): number[] {
  const s = opts.stride ?? 1;
  return match(opts.shortMode ?? 'loop')
    .with('loop', () => Array.from({ length: opts.frames }, (_, k) => (start + k * s) % frameCount))
    .with('repeat-last', () => Array.from({ length: opts.frames }, (_, k) => Math.min(start + k * s, frameCount - 1)))
    .with('error', () => {
      throw new VideoInputError(
        source,
        'too-short',
        `${frameCount} frames, a ${opts.frames}x${s} window needs ${windowSpan(opts)}`,
      );
    })
    .exhaustive();
}

/** Frame indices of one random training window (seeded by `rng`). */
export function trainWindow(frameCount: number, opts: WindowOptions, rng: Rng, source = '<video>'): number[] {
  const s = opts.stride ?? 1;
  const span = windowSpan(opts);
  if (frameCount >= span) {
    const start = rng.int(0, frameCount - span + 1);
    return Array.from({ length: opts.frames }, (_, k) => start + k * s);
  }
  const mode = opts.shortMode ?? 'loop';
  return shortIndices(frameCount, mode === 'loop' ? rng.int(0, frameCount) : 0, opts, source);
}

/** Frame indices of `numClips` evaluation windows spread uniformly over the video (centred when 1). */
export function evalWindows(
  frameCount: number,
  opts: WindowOptions & { numClips: number },
  source = '<video>',
): number[][] {
  const s = opts.stride ?? 1;
  const span = windowSpan(opts);
  return Array.from({ length: opts.numClips }, (_, k) => {
    if (frameCount < span) return shortIndices(frameCount, 0, opts, source);
    const start = Math.floor(((frameCount - span) * (k + 0.5)) / opts.numClips);
    return Array.from({ length: opts.frames }, (_, j) => start + j * s);
  });
}

/** Output size and colour options for decoded clips. */
export interface ClipDecodeOptions {
  /** Resize (in ffmpeg) so the shorter side has this length. */
  shortSide?: number;
  width?: number;
  height?: number;
  gray?: boolean;
  /** Reuse a probe result. */
  info?: VideoInfo;
}

/** Decodes the given frame indices of `path` as a {@link Clip}. */
export async function decodeClip(path: string, indices: number[], opts: ClipDecodeOptions = {}): Promise<Clip> {
  const info = opts.info ?? (await probeCached(path));
  const d = await decodeFrames(path, { ...opts, info, indices });
  return {
    data: d.data,
    frames: d.frames,
    height: d.height,
    width: d.width,
    source: path,
    indices,
    timestamps: indices.map((i) => info.startTime + i / info.fps),
  };
}

/** Samples one random training clip from `path`. */
export async function sampleTrainClip(path: string, opts: WindowOptions & ClipDecodeOptions, rng: Rng): Promise<Clip> {
  const info = opts.info ?? (await probeCached(path));
  return decodeClip(path, trainWindow(info.frameCount, opts, rng, path), { ...opts, info });
}

/** Samples `numClips` uniform evaluation clips from `path` (one ffmpeg run per window). */
export async function sampleEvalClips(
  path: string,
  opts: WindowOptions & ClipDecodeOptions & { numClips: number },
): Promise<Clip[]> {
  const info = opts.info ?? (await probeCached(path));
  const out: Clip[] = [];
  for (const idx of evalWindows(info.frameCount, opts, path)) out.push(await decodeClip(path, idx, { ...opts, info }));
  return out;
}
