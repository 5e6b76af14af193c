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

/** Creates the loader for one epoch (call again with the next `epoch`). */
export function createDataLoader(opts: DataLoaderOptions): DataLoader {
  const { manifest, batchSize, frames, size, mode, seed, epoch } = opts;
  const numClips = mode === 'eval' ? (opts.numClips ?? 1) : 1;
  const crops = mode === 'eval' && opts.threeCrop ? 3 : 1;
  const items: Item[] = [];
  const order =
    mode === 'train'
      ? new Rng(seed).split('order', epoch).permutation(manifest.entries.length)
      : manifest.entries.map((_, i) => i);
  for (const e of order) for (let v = 0; v < numClips * crops; v++) items.push({ entry: e, view: v });
  // The crops of one window share a single decode.
  const shared = new Map<string, { clip: Promise<Clip>; uses: number }>();
  const sem = new Semaphore(Math.max(1, opts.concurrency ?? 2));
  const counts = { decoded: 0, fromCache: 0 };
  const problems: ValidationProblem[] = [];
  const shortSide = opts.shortSide ?? (mode === 'train' ? Math.round((size * 8) / 7) : size);
  const keepLast = opts.keepLast ?? mode === 'eval';
  if (opts.store && opts.store.shortSide !== shortSide)
    throw new ConfigError(
      'store',
      `the clip store decodes at short side ${opts.store.shortSide}, the loader needs ${shortSide}`,
    );

  const finish = (clip: Clip, rng: Rng, crop: number): Clip => {
    let c = clip;
    if (crops === 3) c = cropClip(c, threeCropBoxes(c, size)[crop]);
    else if (c.width !== size || c.height !== size) {
      const box =
        mode === 'train'
          ? { x: rng.int(0, c.width - size + 1), y: rng.int(0, c.height - size + 1), width: size, height: size }
          : centerBox(c, size);
      c = cropClip(c, box);
    }
    if (mode === 'train' && (opts.flip ?? true) && rng.bernoulli(0.5)) c = hflipClip(c);
    return opts.transform ? opts.transform(c, rng) : c;
  };

  const load = async (it: Item): Promise<Loaded> => {
    const t0 = performance.now();
    const e = manifest.entries[it.entry];
    const rng = new Rng(seed).split('clip', epoch, it.entry, it.view);
    try {
      let clip: Clip;
      const win = Math.floor(it.view / crops);
      if (crops === 1 && opts.cache?.video(it.entry)) {
        const cached = opts.cache.video(it.entry);
        const k =
          mode === 'train' ? rng.int(0, cached?.clips.length ?? 1) : Math.min(it.view, (cached?.clips.length ?? 1) - 1);
        clip = await opts.cache.readClip(it.entry, k);
        counts.fromCache++;
      } else if (opts.store) {
        const h = opts.store.indexOfEntry(it.entry);
        if (h === undefined)
          throw (
            opts.store.loadError(it.entry) ?? new VideoInputError(e.path, 'decoder-failed', 'left out by the store')
          );
        const n = opts.store.info(h).frameCount;
        const w = { frames, stride: opts.stride, shortMode: opts.shortMode };
        const idx = mode === 'train' ? trainWindow(n, w, rng, e.path) : evalWindows(n, { ...w, numClips }, e.path)[win];
        const store = opts.store;
        clip = store.inMemory ? await store.clip(h, idx) : await sem.run(() => store.clip(h, idx));
        if (store.inMemory) counts.fromCache++;
        else counts.decoded++;
      } else {
        const key = `${it.entry}:${win}`;
        let s = shared.get(key);
        if (!s) {
          s = {
            uses: 0,
            clip: sem.run(async () => {
              const info = await probeCached(e.path);
              const idx =
                mode === 'train'
                  ? trainWindow(
                      info.frameCount,
                      { frames, stride: opts.stride, shortMode: opts.shortMode },
                      rng,
                      e.path,
                    )
                  : evalWindows(
                      info.frameCount,
                      { frames, stride: opts.stride, shortMode: opts.shortMode, numClips },
                      e.path,
                    )[win];
              const c = await decodeClip(e.path, idx, { shortSide, info });
              counts.decoded++;
              return c;
            }),
          };
          shared.set(key, s);
        }
        if (++s.uses === crops) shared.delete(key);
        clip = await s.clip;
      }
      return { clip: finish(clip, rng, it.view % crops), ms: performance.now() - t0 };
    } catch (err) {
      return { problem: toProblem(e.path, err), ms: performance.now() - t0 };
    }
  };

  async function* iterate(): AsyncGenerator<Batch> {
    const ahead = Math.max(1, (opts.prefetch ?? 2) * batchSize);
    const pending: Promise<Loaded>[] = [];
    let next = 0;
    const fill = (): void => {
      while (next < items.length && pending.length < ahead) pending.push(load(items[next++]));
    };
    let cur: { clip: Clip; item: Item; ms: number }[] = [];
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
        if (cur.length === batchSize || (pending.length === 0 && keepLast && cur.length > 0)) {
          const waitMs = performance.now() - waitStart;
          const { frames: T, height: H, width: W } = cur[0].clip;
          const per = T * H * W * 3;
          const clips = new Uint8Array(cur.length * per);
          cur.forEach((c, b) => clips.set(c.clip.data, b * per));
          const batch: Batch = {
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

  return {
    items: items.length,
    [Symbol.asyncIterator]: iterate,
    stats: () => ({ ...counts }),
    skipped() {
      const counts: Record<string, number> = {};
      for (const p of problems) counts[p.problem] = (counts[p.problem] ?? 0) + 1;
      return { problems: [...problems], counts };
    },
  };
}
