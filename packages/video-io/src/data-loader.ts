/**
 * The data loader: an async iterator of batches of clips with prefetching, a
 * bounded number of concurrent ffmpeg processes, a deterministic order and deterministic
 * augmentation for a given (seed, epoch) whatever the concurrency, per-batch timing, and reads
 * from the clip cache when one is given. Unusable videos are skipped and reported, never replaced.
 */
import { ConfigError, Rng, VideoInputError } from '@ppma/core';
import { centerBox, cropClip, hflipClip, threeCropBoxes } from './clip-geometry.js';
import type { ClipCache } from './clip-cache.js';
import type { ClipStore } from './clip-store.js';
import { decodeClip, evalWindows, trainWindow } from './clip-sampling.js';
import type { Clip, ShortVideoMode } from './clip-sampling.js';
import type { Manifest } from './manifest.js';
import { Semaphore } from './pool.js';
import { probeCached } from './probe-cache.js';
import { toProblem } from './validate.js';
import type { ValidationProblem } from './validate.js';

/** Options of {@link createDataLoader}. */
export interface DataLoaderOptions {
  manifest: Manifest;
  batchSize: number;
  /** Frames per clip (T). */
  frames: number;
  stride?: number;
  /** Side of the square output clips. */
  size: number;
  /** Short side decoded before cropping (default `size` in eval, round(size * 8 / 7) in train). */
  shortSide?: number;
  /** `'train'`: shuffled, random window, random crop (+ flip); `'eval'`: in order, `numClips` uniform windows, centre crop. */
  mode: 'train' | 'eval';
  seed: number;
  epoch: number;
  /** Evaluation windows per video (default 1). */
  numClips?: number;
  /** Evaluation: three crops along the long side per window (2 clips x 3 crops testing); decodes even with a cache, which holds centre crops. */
  threeCrop?: boolean;
  shortMode?: ShortVideoMode;
  /** Random horizontal flip in training (default true; turn off for direction-sensitive tasks). */
  flip?: boolean;
  /** Parallel ffmpeg processes (default 2). */
  concurrency?: number;
  /** Batches decoded ahead of the consumer (default 2). */
  prefetch?: number;
  /** Keep the last partial batch (default: true in eval, false in train). */
  keepLast?: boolean;
  /** Pre-decoded clips; used instead of decoding when given. */
  cache?: ClipCache;
  /**
   * The run's clip store (loaded once at this loader's `shortSide`): windows come from its memory
   * cache, or are decoded on demand by it, and videos it left out are skipped with its reason.
   */
  store?: ClipStore;
  /** Extra per-clip augmentation (RandAugment, erasing, …) with the clip's own seeded stream. */
  transform?: (clip: Clip, rng: Rng) => Clip;
  /** Called for every skipped input. */
  onSkip?: (problem: ValidationProblem) => void;
}

/** Per-batch timing, in milliseconds. */
export interface BatchTiming {
  /** Time the consumer waited for this batch (data-wait time). */
  waitMs: number;
  /** Summed decode/read time of the batch's clips (across parallel workers). */
  loadMs: number;
}

/** One batch: `clips` is `[B, T, H, W, 3]` uint8. */
export interface Batch {
  clips: Uint8Array;
  labels: Int32Array;
  /** Manifest entry index of each clip. */
  indices: number[];
  /** View number of each clip (eval: window * crops + crop; train: 0). */
  views: number[];
  sources: string[];
  batchSize: number;
  frames: number;
  height: number;
  width: number;
  timing: BatchTiming;
}

/** An epoch's iterator plus its skip report. */
export interface DataLoader extends AsyncIterable<Batch> {
  /** Number of items (clips) the epoch will try. */
  readonly items: number;
  /** Clips decoded with ffmpeg and clips read from the cache so far. */
  stats(): { decoded: number; fromCache: number };
  /** Inputs skipped so far, with counts per reason. */
  skipped(): { problems: ValidationProblem[]; counts: Record<string, number> };
}

interface Item {
  entry: number;
  view: number;
}
type Loaded = { clip: Clip; ms: number } | { problem: ValidationProblem; ms: number };

/** What one epoch's loads share: the options, the view layout, the ffmpeg pool and the counters. */
interface LoaderState {
  opts: DataLoaderOptions;
  /** Evaluation windows per video (1 in training). */
  numClips: number;
  /** Crops per window (3 with `threeCrop` in eval, else 1). */
  crops: number;
  shortSide: number;
  sem: Semaphore;
  counts: { decoded: number; fromCache: number };
  /** The crops of one window share a single decode, keyed `entry:window`. */
  shared: Map<string, { clip: Promise<Clip>; uses: number }>;
}

/** Creates the loader for one epoch (call again with the next `epoch`). */
export function createDataLoader(opts: DataLoaderOptions): DataLoader {
  const { mode, size } = opts;
  const shortSide = opts.shortSide ?? (mode === 'train' ? Math.round((size * 8) / 7) : size);
  if (opts.store && opts.store.shortSide !== shortSide)
    throw new ConfigError(
      'store',
      `the clip store decodes at short side ${opts.store.shortSide}, the loader needs ${shortSide}`,
    );
  const state: LoaderState = {
    opts,
    numClips: mode === 'eval' ? (opts.numClips ?? 1) : 1,
    crops: mode === 'eval' && opts.threeCrop ? 3 : 1,
    shortSide,
    sem: new Semaphore(Math.max(1, opts.concurrency ?? 2)),
    counts: { decoded: 0, fromCache: 0 },
    shared: new Map(),
  };
  const items = epochItems(opts, state.numClips * state.crops);
  const problems: ValidationProblem[] = [];
  return {
    items: items.length,
    [Symbol.asyncIterator]: () => iterate(state, items, problems),
    stats: () => ({ ...state.counts }),
    skipped() {
      const counts: Record<string, number> = {};
      for (const p of problems) counts[p.problem] = (counts[p.problem] ?? 0) + 1;
      return { problems: [...problems], counts };
    },
  };
}

/** The epoch's items: entries shuffled by (seed, epoch) in training, in order in eval; `views` each. */
function epochItems({ manifest, mode, seed, epoch }: DataLoaderOptions, views: number): Item[] {
  const order =
    mode === 'train'
      ? new Rng(seed).split('order', epoch).permutation(manifest.entries.length)
      : manifest.entries.map((_, i) => i);
  const items: Item[] = [];
  for (const e of order) for (let v = 0; v < views; v++) items.push({ entry: e, view: v });
  return items;
}

/** Batches in item order, `prefetch` batches of loads in flight; skipped inputs go to `problems`. */
async function* iterate(state: LoaderState, items: Item[], problems: ValidationProblem[]): AsyncGenerator<Batch> {
  const { opts } = state;
  const keepLast = opts.keepLast ?? opts.mode === 'eval';
  const ahead = Math.max(1, (opts.prefetch ?? 2) * opts.batchSize);
  const pending: Promise<Loaded>[] = [];
  let next = 0;
  const fill = (): void => {
    while (next < items.length && pending.length < ahead) pending.push(loadItem(state, items[next++]));
  };
  let cur: LoadedClip[] = [];
  let k = 0;
  let waitStart = performance.now();
  try {
    fill();
    while (pending.length > 0) {
      const item = items[k++];
      const r = await (pending.shift() as Promise<Loaded>);
      fill();
      if ('problem' in r) {
        problems.push(r.problem);
        opts.onSkip?.(r.problem);
      } else cur.push({ clip: r.clip, item, ms: r.ms });
      if (cur.length === opts.batchSize || (pending.length === 0 && keepLast && cur.length > 0)) {
        const batch = packBatch(opts.manifest, cur, performance.now() - waitStart);
        cur = [];
        yield batch;
        waitStart = performance.now();
      }
    }
  } finally {
    // Early exit: let in-flight decodes finish so no ffmpeg process outlives the loop.
    await Promise.allSettled(pending);
  }
}

interface LoadedClip {
  clip: Clip;
  item: Item;
  ms: number;
}

/** Packs loaded clips into one `[B, T, H, W, 3]` batch. */
function packBatch(manifest: Manifest, cur: LoadedClip[], waitMs: number): Batch {
  const { frames: T, height: H, width: W } = cur[0].clip;
  const per = T * H * W * 3;
  const clips = new Uint8Array(cur.length * per);
  cur.forEach((c, b) => clips.set(c.clip.data, b * per));
  return {
    clips,
    labels: Int32Array.from(cur.map((c) => manifest.entries[c.item.entry].label)),
    indices: cur.map((c) => c.item.entry),
    views: cur.map((c) => c.item.view),
    sources: cur.map((c) => c.clip.source),
    batchSize: cur.length,
    frames: T,
    height: H,
    width: W,
    timing: { waitMs, loadMs: cur.reduce((s, c) => s + c.ms, 0) },
  };
}

/** Loads one item (cache, store or ffmpeg) and finishes it; an unusable video becomes a problem. */
async function loadItem(state: LoaderState, it: Item): Promise<Loaded> {
  const { opts, crops } = state;
  const t0 = performance.now();
  const e = opts.manifest.entries[it.entry];
  const rng = new Rng(opts.seed).split('clip', opts.epoch, it.entry, it.view);
  try {
    const win = Math.floor(it.view / crops);
    const clip =
      crops === 1 && opts.cache?.video(it.entry)
        ? await readCached(state, opts.cache, it, rng)
        : opts.store
          ? await readFromStore(state, opts.store, it.entry, win, rng)
          : await decodeShared(state, it.entry, win, rng);
    return { clip: finishClip(state, clip, rng, it.view % crops), ms: performance.now() - t0 };
  } catch (err) {
    return { problem: toProblem(e.path, err), ms: performance.now() - t0 };
  }
}

/** A clip from the pre-decoded cache: a random one of the video's clips in training, clip `view` in eval. */
async function readCached(state: LoaderState, cache: ClipCache, it: Item, rng: Rng): Promise<Clip> {
  const cached = cache.video(it.entry);
  const k =
    state.opts.mode === 'train'
      ? rng.int(0, cached?.clips.length ?? 1)
      : Math.min(it.view, (cached?.clips.length ?? 1) - 1);
  const clip = await cache.readClip(it.entry, k);
  state.counts.fromCache++;
  return clip;
}

/** The frame indices of window `win` (training: a random window) of a video with `frameCount` frames. */
function windowIndices(state: LoaderState, frameCount: number, path: string, win: number, rng: Rng): number[] {
  const { opts } = state;
  const w = { frames: opts.frames, stride: opts.stride, shortMode: opts.shortMode };
  return opts.mode === 'train'
    ? trainWindow(frameCount, w, rng, path)
    : evalWindows(frameCount, { ...w, numClips: state.numClips }, path)[win];
}

/** A window from the run's clip store (its memory cache, or decoded by it in the pool). */
async function readFromStore(
  state: LoaderState,
  store: ClipStore,
  entry: number,
  win: number,
  rng: Rng,
): Promise<Clip> {
  const path = state.opts.manifest.entries[entry].path;
  const h = store.indexOfEntry(entry);
  if (h === undefined)
    throw store.loadError(entry) ?? new VideoInputError(path, 'decoder-failed', 'left out by the store');
  const idx = windowIndices(state, store.info(h).frameCount, path, win, rng);
  const clip = store.inMemory ? await store.clip(h, idx) : await state.sem.run(() => store.clip(h, idx));
  if (store.inMemory) state.counts.fromCache++;
  else state.counts.decoded++;
  return clip;
}

/** A window decoded with ffmpeg in the pool; the crops of one window share the decode. */
async function decodeShared(state: LoaderState, entry: number, win: number, rng: Rng): Promise<Clip> {
  const path = state.opts.manifest.entries[entry].path;
  const key = `${entry}:${win}`;
  let s = state.shared.get(key);
  if (!s) {
    s = {
      uses: 0,
      clip: state.sem.run(async () => {
        const info = await probeCached(path);
        const idx = windowIndices(state, info.frameCount, path, win, rng);
        const c = await decodeClip(path, idx, { shortSide: state.shortSide, info });
        state.counts.decoded++;
        return c;
      }),
    };
    state.shared.set(key, s);
  }
  if (++s.uses === state.crops) state.shared.delete(key);
  return s.clip;
}

/** Crops to `size` (three crops, a random crop in training, or the centre), flips, then `transform`. */
function finishClip(state: LoaderState, clip: Clip, rng: Rng, crop: number): Clip {
  const { mode, size, flip, transform } = state.opts;
  let c = clip;
  if (state.crops === 3) c = cropClip(c, threeCropBoxes(c, size)[crop]);
  else if (c.width !== size || c.height !== size) {
    const box =
      mode === 'train'
        ? { x: rng.int(0, c.width - size + 1), y: rng.int(0, c.height - size + 1), width: size, height: size }
        : centerBox(c, size);
    c = cropClip(c, box);
  }
  if (mode === 'train' && (flip ?? true) && rng.bernoulli(0.5)) c = hflipClip(c);
  return transform ? transform(c, rng) : c;
}
