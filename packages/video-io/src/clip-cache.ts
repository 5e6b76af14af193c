/**
 * The clip cache (docs/ARCHITECTURE.md §6 "Clip cache"): uint8 clips decoded once at the training resolution
 * (short-side resize + centre crop to `size`x`size`), `clipsPerVideo` uniform windows per video,
 * stored in shards of raw bytes that are read by offset with no decoding. Each shard is committed
 * atomically together with its JSON index, so an interrupted build resumes at the first missing
 * shard. Bad videos are skipped and listed in the index, never replaced by a dummy clip.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite, ManifestError } from '@ppma/core';
import { centerBox, cropClip } from './clip-geometry.js';
import { evalWindows, sampleEvalClips } from './clip-sampling.js';
import type { Clip, ShortVideoMode } from './clip-sampling.js';
import type { Manifest } from './manifest.js';
import { mapPool } from './pool.js';
import { probeCached } from './probe-cache.js';
import { toProblem } from './validate.js';
import type { ValidationProblem } from './validate.js';

/** Options of {@link buildClipCache}. */
export interface ClipCacheOptions {
  /** Output folder. */
  dir: string;
  /** Frames per clip. */
  frames: number;
  /** Side of the square cached clips. */
  size: number;
  /** Uniform windows cached per video (default 1). */
  clipsPerVideo?: number;
  stride?: number;
  shortMode?: ShortVideoMode;
  /** Videos per shard (default 64). */
  videosPerShard?: number;
  /** Parallel ffmpeg processes (default 2). */
  concurrency?: number;
  /** Called after each video. */
  onProgress?: (done: number, total: number) => void;
}

/** Where one cached clip lives. */
export interface CachedClipRef {
  shard: number;
  offset: number;
  indices: number[];
  timestamps: number[];
}

/** One video of the cache index. */
export interface CachedVideo {
  /** Position in the manifest the cache was built from. */
  entry: number;
  path: string;
  label: number;
  clips: CachedClipRef[];
}

/** The index of a built cache (`index.json`). */
export interface ClipCacheIndex {
  version: 1;
  frames: number;
  size: number;
  stride: number;
  clipsPerVideo: number;
  clipBytes: number;
  labels: string[];
  shards: string[];
  videos: CachedVideo[];
  skipped: ValidationProblem[];
}

interface ShardIndex {
  config: string;
  videos: CachedVideo[];
  skipped: ValidationProblem[];
}

function configKey(m: Manifest, o: ClipCacheOptions): string {
  return JSON.stringify({
    f: o.frames,
    s: o.size,
    k: o.clipsPerVideo ?? 1,
    st: o.stride ?? 1,
    sm: o.shortMode ?? 'loop',
    n: m.entries.length,
    first: m.entries[0]?.path,
    last: m.entries[m.entries.length - 1]?.path,
  });
}

async function cacheClips(path: string, o: ClipCacheOptions): Promise<Clip[]> {
  const info = await probeCached(path);
  const clips = await sampleEvalClips(path, {
    frames: o.frames,
    stride: o.stride,
    shortMode: o.shortMode,
    numClips: o.clipsPerVideo ?? 1,
    shortSide: o.size,
    info,
  });
  return clips.map((c) => cropClip(c, centerBox(c, o.size)));
}

/**
 * Builds (or resumes building) a clip cache for `manifest` in `opts.dir`; returns its index.
 * Shards already complete for the same configuration are kept.
 */
export async function buildClipCache(manifest: Manifest, opts: ClipCacheOptions): Promise<ClipCacheIndex> {
  const per = opts.videosPerShard ?? 64;
  const clipBytes = opts.frames * opts.size * opts.size * 3;
  const config = configKey(manifest, opts);
  const nShards = Math.ceil(manifest.entries.length / per);
  const shards: string[] = [];
  const videos: CachedVideo[] = [];
  const skipped: ValidationProblem[] = [];
  let done = 0;
  for (let s = 0; s < nShards; s++) {
    const name = `shard-${String(s).padStart(5, '0')}`;
    shards.push(`${name}.bin`);
    const idxFile = join(opts.dir, `${name}.json`);
    const prev = await readFile(idxFile, 'utf8').then(
      (t) => JSON.parse(t) as ShardIndex,
      () => undefined,
    );
    if (prev && prev.config === config) {
      videos.push(...prev.videos);
      skipped.push(...prev.skipped);
      done += Math.min(per, manifest.entries.length - s * per);
      opts.onProgress?.(done, manifest.entries.length);
      continue;
    }
    const entries = manifest.entries.slice(s * per, (s + 1) * per);
    const tmp = join(opts.dir, `.${name}.bin.${process.pid}.tmp`);
    await atomicWrite(join(opts.dir, '.building'), [config]);
    const fh = await open(tmp, 'w');
    const shardVideos: CachedVideo[] = [];
    const shardSkipped: ValidationProblem[] = [];
    try {
      let offset = 0;
      // Decode with bounded concurrency, write in manifest order.
      const results = await mapPool(entries, opts.concurrency ?? 2, async (e) => {
        try {
          return await cacheClips(e.path, opts);
        } catch (err) {
          return toProblem(e.path, err);
        } finally {
          opts.onProgress?.(++done, manifest.entries.length);
        }
      });
      for (const [k, r] of results.entries()) {
        const e = entries[k];
        if (!Array.isArray(r)) {
          shardSkipped.push(r);
          continue;
        }
        const refs: CachedClipRef[] = [];
        for (const c of r) {
          await fh.write(c.data, 0, c.data.length, offset);
          refs.push({ shard: s, offset, indices: c.indices, timestamps: c.timestamps });
          offset += c.data.length;
        }
        shardVideos.push({ entry: s * per + k, path: e.path, label: e.label, clips: refs });
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, join(opts.dir, `${name}.bin`));
    await atomicWrite(idxFile, [
      JSON.stringify({ config, videos: shardVideos, skipped: shardSkipped } satisfies ShardIndex),
    ]);
    videos.push(...shardVideos);
    skipped.push(...shardSkipped);
  }
  const index: ClipCacheIndex = {
    version: 1,
    frames: opts.frames,
    size: opts.size,
    stride: opts.stride ?? 1,
    clipsPerVideo: opts.clipsPerVideo ?? 1,
    clipBytes,
    labels: manifest.labels,
    shards,
    videos,
    skipped,
  };
  await atomicWrite(join(opts.dir, 'index.json'), [JSON.stringify(index)]);
  await rm(join(opts.dir, '.building'), { force: true });
  return index;
}

/** A cache opened for reading: clips come back by positional reads, no decoding. */
export interface ClipCache {
  readonly dir: string;
  readonly index: ClipCacheIndex;
  /** Video record by manifest entry position (undefined when skipped). */
  video(entry: number): CachedVideo | undefined;
  /** Reads clip `clip` of manifest entry `entry`. */
  readClip(entry: number, clip?: number, into?: Uint8Array): Promise<Clip>;
  /** Closes the shard files. */
  close(): Promise<void>;
}

/** Opens a built cache. @throws ManifestError when `dir` holds no complete cache. */
export async function openClipCache(dir: string): Promise<ClipCache> {
  const file = join(dir, 'index.json');
  const index = await readFile(file, 'utf8').then(
    (t) => JSON.parse(t) as ClipCacheIndex,
    (e: unknown) => {
      throw new ManifestError(file, 'no clip cache index (build it with buildClipCache)', { cause: e });
    },
  );
  const byEntry = new Map(index.videos.map((v) => [v.entry, v]));
  const handles = new Map<number, Promise<FileHandle>>();
  const shard = (s: number): Promise<FileHandle> => {
    let h = handles.get(s);
    if (!h) {
      h = open(join(dir, index.shards[s]), 'r');
      handles.set(s, h);
    }
    return h;
  };
  return {
    dir,
    index,
    video: (entry) => byEntry.get(entry),
    async readClip(entry, clip = 0, into) {
      const v = byEntry.get(entry);
      const ref = v?.clips[clip];
      if (!v || !ref) throw new ManifestError(file, `entry ${entry} clip ${clip} is not in the cache`);
      const data = into ?? new Uint8Array(index.clipBytes);
      const { bytesRead } = await (await shard(ref.shard)).read(data, 0, index.clipBytes, ref.offset);
      if (bytesRead !== index.clipBytes)
        throw new ManifestError(join(dir, index.shards[ref.shard]), `short read at offset ${ref.offset}`);
      return {
        data,
        frames: index.frames,
        height: index.size,
        width: index.size,
        source: v.path,
        indices: ref.indices,
        timestamps: ref.timestamps,
      };
    },
    async close() {
      const all = [...handles.values()];
      handles.clear();
      await Promise.all(all.map(async (h) => (await h).close()));
    },
  };
}

/** Frame indices the cache would hold for a video of `frameCount` frames (for inspection). */
export function cachedWindows(
  frameCount: number,
  index: Pick<ClipCacheIndex, 'frames' | 'stride' | 'clipsPerVideo'>,
): number[][] {
  return evalWindows(frameCount, { frames: index.frames, stride: index.stride, numClips: index.clipsPerVideo });
}
