/**
 * A process-wide cache of whole decoded videos (at a given short side), shared by every
 * {@link ClipStore} with the memory cache: running several models on the same data in one process
 * (stage 2 from several inits, FT of several checkpoints on one task) decodes each video once.
 * Keyed by path, short side, size and modification time; least recently used entries are evicted
 * beyond the byte budget.
 */
import { stat } from 'node:fs/promises';
import type { ClipLike } from './to-tensor.js';

const entries = new Map<string, ClipLike>();
let bytes = 0;
let budget = 1024 ** 3;

/** Sets the byte budget of the shared decoded-video cache (default 1 GiB; 0 disables it). */
export function setDecodedCacheBudget(maxBytes: number): void {
  budget = Math.max(0, maxBytes);
  evict();
}

/** Empties the shared decoded-video cache. */
export function clearDecodedCache(): void {
  entries.clear();
  bytes = 0;
}

function evict(): void {
  for (const [k, v] of entries) {
    if (bytes <= budget) break;
    entries.delete(k);
    bytes -= v.data.length;
  }
}

async function keyOf(path: string, shortSide: number): Promise<string> {
  const s = await stat(path);
  return `${path}|${shortSide}|${s.size}|${s.mtimeMs}`;
}

/** The decoded video from the cache, or `decode()` (then cached). */
export async function cachedDecode(
  path: string,
  shortSide: number,
  decode: () => Promise<ClipLike>,
): Promise<ClipLike> {
  if (budget === 0) return decode();
  const key = await keyOf(path, shortSide);
  const hit = entries.get(key);
  if (hit) {
    entries.delete(key); // refresh: most recently used last
    entries.set(key, hit);
    return hit;
  }
  const v = await decode();
  if (v.data.length <= budget) {
    entries.set(key, v);
    bytes += v.data.length;
    evict();
  }
  return v;
}
