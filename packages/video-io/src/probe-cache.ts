/**
 * A small in-memory cache of probe results keyed by path, size and modification time, so that
 * sampling many clips from one video runs ffprobe once.
 */
import { stat } from 'node:fs/promises';
import { probeVideo } from './probe.js';
import type { VideoInfo } from './probe.js';

const MAX_ENTRIES = 10_000;
const cache = new Map<string, { key: string; info: VideoInfo }>();

/** {@link probeVideo} with a cache keyed by (path, size, mtime). */
export async function probeCached(path: string): Promise<VideoInfo> {
  let key: string;
  try {
    const st = await stat(path);
    key = `${st.size}:${st.mtimeMs}`;
  } catch {
    return probeVideo(path); // throws the typed `missing` error
  }
  const hit = cache.get(path);
  if (hit && hit.key === key) return hit.info;
  const info = await probeVideo(path);
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(path, { key, info });
  return info;
}

/** Forgets every cached probe result. */
export function clearProbeCache(): void {
  cache.clear();
}
