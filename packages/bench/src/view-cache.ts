/**
 * Decoded views and frozen-trunk features kept for the whole process (docs/ARCHITECTURE.md §5
 * "Downstream", §12): every model and seed of a benchmark, the learned-beta soup's fine-tuning runs
 * and the leakage probes evaluate the same validation clips with the same views, so each clip is
 * decoded once per process, and the features of a frozen trunk (LP, leakage probes) are computed
 * once per trunk and clip. Both caches are bounded in bytes (oldest entries leave first) and keyed
 * by the file's path, size and modification time, so a rewritten video is decoded again. With
 * `PPMA_VIEW_CACHE_DIR` set, both also keep their entries on disk (`disk-layer.ts`), so that the
 * benchmark's worker processes and the stages after them share what each decoded.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { loadViewBlock, type ViewSpec } from '@ppma/video-io';
import { diskLayer, type DiskLayer, type DiskValue } from './disk-layer.js';

/**
 * Decoded views by video and view spec: `[views, T, H, W, 3]` uint8, or the decode error. Entries
 * are shared: callers never write into a block.
 */
export type ViewCache = Map<string, Uint8Array | Error>;

/** Frozen-trunk features by engine, trunk, video and view spec: `[views, D]` float32 per video. */
export type FeatureMemo = Map<string, Float32Array>;

/**
 * A `Map` that drops its oldest entries once the bytes of its values exceed `maxBytes`. With a
 * {@link DiskLayer} it writes every value (not errors) to disk too, and `get` reads a key it does
 * not hold from disk.
 */
export class BoundedCache<V extends DiskValue | Error> extends Map<string, V> {
  private bytes = 0;
  /** The on-disk layer, if any (set by the shared caches from `PPMA_VIEW_CACHE_DIR`). */
  disk: DiskLayer<Exclude<V, Error>> | undefined;

  /** @param maxBytes Budget of the values' bytes (errors count as 0). */
  constructor(readonly maxBytes: number) {
    super();
  }

  /** Bytes currently held. */
  get heldBytes(): number {
    return this.bytes;
  }

  override get(key: string): V | undefined {
    const held = super.get(key);
    if (held !== undefined || !this.disk) return held;
    const stored = this.disk.read(key);
    if (stored !== undefined) this.hold(key, stored);
    return stored;
  }

  override set(key: string, value: V): this {
    this.hold(key, value);
    if (this.disk && !(value instanceof Error)) this.disk.write(key, value as Exclude<V, Error>);
    return this;
  }

  private hold(key: string, value: V): void {
    this.delete(key);
    super.set(key, value);
    this.bytes += sizeOf(value);
    for (const k of this.keys()) {
      if (this.bytes <= this.maxBytes || k === key) break;
      this.delete(k);
    }
  }

  override delete(key: string): boolean {
    const v = super.get(key);
    if (v !== undefined) this.bytes -= sizeOf(v);
    return super.delete(key);
  }

  override clear(): void {
    super.clear();
    this.bytes = 0;
  }
}

function sizeOf(v: Uint8Array | Float32Array | Error): number {
  return v instanceof Error ? 0 : v.byteLength;
}

/** `PPMA_VIEW_CACHE_MB` (default 1536): the budget of the process-wide decoded views. */
function budgetMb(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v >= 0 ? v : fallback;
}

let views: BoundedCache<Uint8Array | Error> | undefined;
let features: BoundedCache<Float32Array> | undefined;

/**
 * The process-wide decoded views (budget `PPMA_VIEW_CACHE_MB`, default 1536 MB: the default
 * pipeline's downstream clips take about 300 MB).
 */
export function sharedViewCache(): ViewCache {
  views ??= new BoundedCache(budgetMb('PPMA_VIEW_CACHE_MB', 1536) * 2 ** 20);
  const dir = diskDir('views');
  if (views.disk?.dir !== dir) views.disk = dir === undefined ? undefined : diskLayer(dir, 'u8');
  return views;
}

/** The process-wide frozen-trunk features (budget `PPMA_FEATURE_CACHE_MB`, default 256 MB). */
export function sharedFeatureMemo(): FeatureMemo {
  features ??= new BoundedCache(budgetMb('PPMA_FEATURE_CACHE_MB', 256) * 2 ** 20);
  const dir = diskDir('features');
  if (features.disk?.dir !== dir) features.disk = dir === undefined ? undefined : diskLayer(dir, 'f32');
  return features;
}

/**
 * `PPMA_VIEW_CACHE_DIR/<kind>` when the variable is set (read on every call, so a process that
 * sets it later, or a worker that inherits it, gets the disk layer).
 */
function diskDir(kind: 'views' | 'features'): string | undefined {
  const root = process.env.PPMA_VIEW_CACHE_DIR;
  return root ? path.resolve(root, kind) : undefined;
}

/** The cache key of a video's views: path, size, modification time and view spec. */
export function viewKey(path: string, spec: ViewSpec): string {
  let stamp = 'missing';
  try {
    const st = statSync(path);
    stamp = `${st.size}:${st.mtimeMs}`;
  } catch {
    // loadViewBlock reports the missing file
  }
  // Field by field: specs built in another key order are the same views.
  const { frames, height, width, stride, numClips, numCrops } = spec;
  return `${path}\u0000${stamp}\u0000${[frames, height, width, stride, numClips, numCrops].join('x')}`;
}

/**
 * The views of one video through `cache` (decoded on a miss; a decode error is kept and thrown
 * again). The returned block is shared: read it, never write into it.
 */
export async function cachedViewBlock(
  path: string,
  spec: ViewSpec,
  cache: ViewCache | undefined = sharedViewCache(),
): Promise<Uint8Array> {
  const key = viewKey(path, spec);
  const hit = cache?.get(key);
  if (hit instanceof Error) throw hit;
  if (hit) return hit;
  try {
    const block = await loadViewBlock(path, spec);
    cache?.set(key, block);
    return block;
  } catch (e) {
    cache?.set(key, e instanceof Error ? e : new Error(String(e)));
    throw e;
  }
}

/**
 * Views of a list of videos decoded a few ahead of the reader (`ahead`, default 2): the decoder
 * (ffmpeg, its own process) works on the next videos while the caller runs the model on the
 * current one. `get(i)` gives video `i`'s block or its decode error; `null` paths are not decoded.
 */
export function prefetchViews(
  paths: readonly (string | null)[],
  spec: ViewSpec,
  cache: ViewCache | undefined,
  ahead = 2,
): (i: number) => Promise<Uint8Array | Error> {
  const started = new Map<number, Promise<Uint8Array | Error>>();
  const start = (i: number): void => {
    const p = paths[i];
    if (i >= paths.length || p === null || started.has(i)) return;
    started.set(
      i,
      cachedViewBlock(p, spec, cache).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))),
    );
  };
  return (i) => {
    for (let k = i; k <= i + ahead; k++) start(k);
    const r = started.get(i) ?? Promise.resolve(new Error(`video ${i} is not to be decoded`));
    started.delete(i);
    return r;
  };
}
