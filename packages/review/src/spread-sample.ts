/**
 * The review sample (docs/ARCHITECTURE.md §7 "Privacy audit"; the paper reviewed 150 videos by eye): a
 * seeded, spread sample of `n` videos out of `m`. The list, in dataset order, is cut into `n` equal
 * runs and one video is drawn at random from each run, so the sample covers the whole dataset
 * (and, for manifests grouped by class, every part of the label range) while staying random
 * within each run. The same ids, `n` and seed always give the same sample.
 */
import { ConfigError, Rng } from '@ppma/core';

/**
 * Picks `n` of `ids` (kept in their given order): one uniformly from each of `n` consecutive runs of
 * nearly equal length. With `n >= ids.length` every id is returned.
 * @throws ConfigError when `n` is not a positive integer.
 */
export function spreadSample(ids: readonly string[], n: number, seed: number): string[] {
  if (!Number.isInteger(n) || n < 1)
    throw new ConfigError('sample', `the sample size must be a positive integer, got ${n}`);
  const m = ids.length;
  if (n >= m) return [...ids];
  const rng = new Rng(seed).split('review-sample');
  const out: string[] = [];
  for (let j = 0; j < n; j++) {
    const lo = Math.floor((j * m) / n);
    const hi = Math.floor(((j + 1) * m) / n); // exclusive, hi > lo because n < m
    out.push(ids[rng.int(lo, hi)]!);
  }
  return out;
}
