/**
 * The epoch schedule of multi-dataset alignment (PPMA §3.2, docs/ARCHITECTURE.md §5 "Stage 2"): every batch
 * holds examples of ONE dataset, every epoch visits every example of every dataset exactly once,
 * and the datasets' batches are interleaved in a seeded random order. The schedule depends only on
 * the epoch's random stream, so a resumed run replays it.
 */
import type { Rng } from '@ppma/core';

/** One batch of the schedule: a dataset and the indices of its examples. */
export interface ScheduledBatch {
  /** Index of the dataset (position in the dataset list). */
  readonly dataset: number;
  /** Example indices within that dataset. */
  readonly indices: readonly number[];
}

/** Batches per epoch for datasets of the given sizes (the last batch of a dataset may be smaller). */
export function batchesPerEpoch(sizes: readonly number[], batchSize: number): number {
  return sizes.reduce((s, n) => s + Math.ceil(n / batchSize), 0);
}

/**
 * The batches of one epoch: each dataset's examples are shuffled and cut into batches of
 * `batchSize` (the last one may be smaller; none is dropped), then all datasets' batches are
 * interleaved by a seeded shuffle.
 */
export function epochSchedule(sizes: readonly number[], batchSize: number, rng: Rng): ScheduledBatch[] {
  if (!Number.isInteger(batchSize) || batchSize <= 0)
    throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  const batches: ScheduledBatch[] = [];
  sizes.forEach((n, d) => {
    const order = rng.split('order', d).permutation(n);
    for (let i = 0; i < n; i += batchSize) batches.push({ dataset: d, indices: order.slice(i, i + batchSize) });
  });
  return rng.split('interleave').shuffle(batches);
}
