/**
 * Labelled videos of one dataset, ready for sampling (docs/ARCHITECTURE.md §6 "Clips", "Bad input"): short
 * side resized in ffmpeg, random training windows and uniform evaluation windows. With the
 * `memory` cache every video is decoded once (at the training short side) and later windows are
 * cut from memory, which makes the epochs after the first cheap on small datasets; with `none`,
 * each window is decoded on demand (ffmpeg seeks next to it).
 *
 * A video that cannot be probed or decoded is skipped, counted and reported, never replaced by a
 * dummy clip: at load time it is left out of the dataset (so every epoch still visits every good
 * example exactly once); a decode failure during training removes it from that batch.
 */
import { PpmaError, VideoInputError, createProgress, type Rng } from '@ppma/core';
import { cachedDecode } from './decoded-cache.js';
import { decodeFrames } from './decode.js';
import { evalWindows, trainWindow, type Clip } from './clip-sampling.js';
import type { Manifest, ManifestEntry } from './manifest.js';
import { readPpmaCsv, type ReadPpmaCsvOptions } from './ppma-csv.js';
import { probeCached } from './probe-cache.js';
import type { VideoInfo } from './probe.js';
import { skippedVideo, type SkippedVideo } from './skipped-video.js';
import type { ClipLike } from './to-tensor.js';

/** Temporal sampling and the decode size. */
export interface ClipSampling {
  /** Frames per clip (the model's T). */
  readonly frames: number;
  /** Frame stride inside a window (default 1). */
  readonly stride?: number;
  /** Short side of decoded frames, before cropping. */
  readonly shortSide: number;
}

/**
 * How decoded frames are kept: `memory` (every video decoded once, whole), `none` (each window
 * decoded on demand), or `auto` (memory when the decoded videos would fit in `memoryBudget`).
 */
export type ClipCachePolicy = 'memory' | 'none' | 'auto';

/** Default budget of the `auto` cache, in bytes, per dataset. */
export const DEFAULT_MEMORY_BUDGET = 2 * 1024 ** 3;

interface Held {
  /** Position in the manifest. */
  readonly index: number;
  readonly entry: ManifestEntry;
  readonly info: VideoInfo;
  /** The whole video at `shortSide`, with the `memory` cache. */
  readonly frames?: ClipLike;
}

/**
 * Reads a manifest given as a PPMA CSV path (strictly; `opts` as {@link readPpmaCsv}'s, e.g.
 * `allowOutsideRoot`), or returns one already read as is.
 */
export async function resolveManifest(m: string | Manifest, opts: ReadPpmaCsvOptions = {}): Promise<Manifest> {
  return typeof m === 'string' ? readPpmaCsv(m, opts) : m;
}

function gather(v: ClipLike, indices: readonly number[]): ClipLike {
  const per = v.height * v.width * 3;
  const out = new Uint8Array(indices.length * per);
  indices.forEach((f, k) => out.set(v.data.subarray(f * per, (f + 1) * per), k * per));
  return { data: out, frames: indices.length, height: v.height, width: v.width };
}

/** The videos of one labelled dataset. */
export class ClipStore {
  /** Videos skipped at load time or during training. */
  readonly skipped: SkippedVideo[] = [];
  private readonly failed = new Set<number>();

  private constructor(
    /** The manifest (all entries, including skipped ones). */
    readonly manifest: Manifest,
    private readonly held: Held[],
    private readonly sampling: ClipSampling,
    skipped: SkippedVideo[],
    private readonly memory: boolean,
    /** Load-time errors by manifest entry index. */
    private readonly loadErrors: ReadonlyMap<number, PpmaError> = new Map(),
  ) {
    this.skipped.push(...skipped);
    held.forEach((h, i) => this.byEntry.set(h.index, i));
  }

  private readonly byEntry = new Map<number, number>();

  /**
   * Probes every video of `manifest` and, with the `memory` cache (or `auto` within budget),
   * decodes it whole at `sampling.shortSide`; `concurrency` ffmpeg processes at a time (default 2).
   * Bad videos are skipped. The order of the manifest is kept.
   */
  static async load(
    manifest: Manifest,
    sampling: ClipSampling,
    options: {
      cache?: ClipCachePolicy;
      memoryBudget?: number;
      label?: string;
      progress?: boolean;
      concurrency?: number;
    } = {},
  ): Promise<ClipStore> {
    const entries = manifest.entries;
    const results: (Held | SkippedVideo)[] = new Array(entries.length);
    const pool = async (label: string, todo: number[], f: (i: number) => Promise<Held | SkippedVideo>) => {
      const bar = createProgress({ label, total: todo.length, unit: 'video', enabled: options.progress });
      let next = 0;
      const worker = async () => {
        while (next < todo.length) {
          const i = todo[next++];
          results[i] = await f(i);
          bar.tick(1);
        }
      };
      try {
        await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
      } finally {
        bar.stop();
      }
    };
    const errors = new Map<number, PpmaError>();
    const guard = async (i: number, f: () => Promise<Held>): Promise<Held | SkippedVideo> => {
      try {
        return await f();
      } catch (e) {
        if (!(e instanceof PpmaError)) throw e; // a bug, not a bad video
        errors.set(i, e);
        return skippedVideo(entries[i].path, e);
      }
    };
    const label = options.label ?? 'load clips';
    await pool(
      `${label} (probe)`,
      entries.map((_, i) => i),
      (i) =>
        guard(i, async () => {
          const info = await probeCached(entries[i].path);
          if (info.frameCount < 1) throw new VideoInputError(entries[i].path, 'empty', 'no frames');
          return { index: i, entry: entries[i], info };
        }),
    );
    const probed = results.map((r, i) => ('entry' in r ? i : -1)).filter((i) => i >= 0);
    const bytes = probed.reduce((sum, i) => {
      const { info } = results[i] as Held;
      const scale = sampling.shortSide / Math.min(info.width, info.height);
      return sum + info.frameCount * Math.round(info.width * scale) * Math.round(info.height * scale) * 3;
    }, 0);
    const cache = options.cache ?? 'auto';
    const inMemory =
      cache === 'memory' || (cache === 'auto' && bytes <= (options.memoryBudget ?? DEFAULT_MEMORY_BUDGET));
    if (inMemory) {
      await pool(`${label} (decode)`, probed, (i) =>
        guard(i, async () => {
          const { info } = results[i] as Held;
          const frames = await cachedDecode(entries[i].path, sampling.shortSide, async () => {
            const d = await decodeFrames(entries[i].path, { info, shortSide: sampling.shortSide });
            return { data: d.data, frames: d.frames, height: d.height, width: d.width };
          });
          return { index: i, entry: entries[i], info: { ...info, frameCount: frames.frames }, frames };
        }),
      );
    }
    const held = results.filter((r): r is Held => 'entry' in r);
    const skipped = results.filter((r): r is SkippedVideo => !('entry' in r));
    return new ClipStore(manifest, held, sampling, skipped, inMemory, errors);
  }

  /** Short side the videos are decoded at. */
  get shortSide(): number {
    return this.sampling.shortSide;
  }

  /** True when the videos are held decoded in memory. */
  get inMemory(): boolean {
    return this.memory;
  }

  /** Number of usable videos. */
  get size(): number {
    return this.held.length;
  }

  /** Number of classes of the manifest. */
  get numClasses(): number {
    return this.manifest.labels.length;
  }

  /** Label id of usable video `i`. */
  label(i: number): number {
    return this.held[i].entry.label;
  }

  /** Path of usable video `i`. */
  path(i: number): string {
    return this.held[i].entry.path;
  }

  private async window(i: number, indices: number[]): Promise<ClipLike> {
    const h = this.held[i];
    if (h.frames) return gather(h.frames, indices);
    const d = await decodeFrames(h.entry.path, { info: h.info, indices, shortSide: this.sampling.shortSide });
    return { data: d.data, frames: d.frames, height: d.height, width: d.width };
  }

  private async guarded<T>(i: number, f: () => Promise<T>): Promise<T | null> {
    if (this.failed.has(i)) return null;
    try {
      return await f();
    } catch (e) {
      if (!(e instanceof PpmaError)) throw e; // a bug, not a bad video
      this.failed.add(i);
      this.skipped.push(skippedVideo(this.path(i), e));
      return null;
    }
  }

  /** The usable-video index of manifest entry `entry` (undefined when it was skipped at load time). */
  indexOfEntry(entry: number): number | undefined {
    return this.byEntry.get(entry);
  }

  /** Why manifest entry `entry` was left out at load time (undefined when it is usable). */
  loadError(entry: number): PpmaError | undefined {
    return this.loadErrors.get(entry);
  }

  /** Probe facts of usable video `i` (with the memory cache, `frameCount` is the decoded count). */
  info(i: number): VideoInfo {
    return this.held[i].info;
  }

  /** The frames `indices` of usable video `i`, from memory or decoded on demand (errors propagate). */
  async clip(i: number, indices: number[]): Promise<Clip> {
    const w = await this.window(i, indices);
    const info = this.held[i].info;
    return { ...w, source: this.path(i), indices, timestamps: indices.map((f) => info.startTime + f / info.fps) };
  }

  /** A random training window of video `i` (null when it fails to decode: it is then skipped for good). */
  trainClip(i: number, rng: Rng): Promise<ClipLike | null> {
    const w = { frames: this.sampling.frames, stride: this.sampling.stride ?? 1 };
    return this.guarded(i, () => this.window(i, trainWindow(this.held[i].info.frameCount, w, rng, this.path(i))));
  }

  /** `numClips` uniform evaluation windows of video `i` (null when it fails to decode). */
  evalClips(i: number, numClips: number): Promise<ClipLike[] | null> {
    const w = { frames: this.sampling.frames, stride: this.sampling.stride ?? 1, numClips };
    return this.guarded(i, async () => {
      const out: ClipLike[] = [];
      for (const idx of evalWindows(this.held[i].info.frameCount, w, this.path(i))) out.push(await this.window(i, idx));
      return out;
    });
  }
}
