/**
 * Bootstrap intervals for benchmark accuracies (docs/ARCHITECTURE.md §12). A cell is one model on
 * one task in one mode, run with K seeds on the same N validation clips; its data is the 0/1
 * correctness of every (seed, clip). One bootstrap replicate draws N clips with replacement (the
 * same clips for every seed, since the seeds were scored on the same clips) and K seeds with
 * replacement, and takes the mean over the drawn seeds of the accuracy on the drawn clips. The
 * 95% interval is the 2.5th and 97.5th percentile of the replicates, so it covers both the
 * sampling of validation clips and the spread over training seeds. An average over tasks draws
 * each task independently and averages the replicates. A paired comparison of two models draws
 * the same clips for both (their seeds independently) and bootstraps the difference.
 */
import { Rng } from '@ppma/core';

/** The 0/1 correctness of one cell: `seeds` rows of `clips` values, row-major. */
export interface Correctness {
  readonly seeds: number;
  readonly clips: number;
  readonly correct: Uint8Array;
}

/** How the bootstrap runs. */
export interface BootstrapOptions {
  /** Replicates (default 2000). */
  readonly replicates?: number;
  /** Seed of the resampling (default 0): the same seed and data give the same interval. */
  readonly seed?: number | string;
  /** Confidence level (default 0.95). */
  readonly level?: number;
}

/** A point estimate (in percent) with its interval. */
export interface Interval {
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
}

/** Observed accuracy of a cell in percent: the mean over seeds of the per-seed accuracy. */
export function cellAccuracy(c: Correctness): number {
  let sum = 0;
  for (let i = 0; i < c.correct.length; i++) sum += c.correct[i];
  return (100 * sum) / (c.seeds * c.clips);
}

/** The `q` quantile of sorted values (linear interpolation between order statistics, as numpy's default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function check(c: Correctness): void {
  if (c.seeds < 1 || c.clips < 1 || c.correct.length !== c.seeds * c.clips)
    throw new RangeError(`bootstrap: a cell needs >= 1 seed and >= 1 clip (got ${c.seeds} x ${c.clips})`);
}

/** Per-seed correct counts on the drawn clips `idx`. */
function seedCounts(c: Correctness, idx: Int32Array, out: Float64Array): void {
  for (let s = 0; s < c.seeds; s++) {
    const row = s * c.clips;
    let n = 0;
    for (let i = 0; i < idx.length; i++) n += c.correct[row + idx[i]];
    out[s] = n;
  }
}

/** Mean over `seeds` seeds drawn with replacement of `counts[s] / clips`, in percent. */
function drawSeeds(counts: Float64Array, seeds: number, clips: number, rng: Rng): number {
  if (seeds === 1) return (100 * counts[0]) / clips;
  let sum = 0;
  for (let k = 0; k < seeds; k++) sum += counts[rng.int(0, seeds)];
  return (100 * sum) / (seeds * clips);
}

function drawClips(n: number, rng: Rng, out: Int32Array): void {
  for (let i = 0; i < n; i++) out[i] = rng.int(0, n);
}

function summarise(mean: number, reps: Float64Array, level: number): Interval {
  reps.sort();
  return { mean, lo: quantile(reps, (1 - level) / 2), hi: quantile(reps, 1 - (1 - level) / 2) };
}

/**
 * The replicates of the mean accuracy over `cells` (one per task; a single cell for a table
 * cell), in percent.
 */
export function bootstrapReplicates(cells: readonly Correctness[], o: BootstrapOptions = {}): Float64Array {
  cells.forEach(check);
  const B = o.replicates ?? 2000;
  const rng = new Rng(o.seed ?? 0);
  const reps = new Float64Array(B);
  const idx = cells.map((c) => new Int32Array(c.clips));
  const counts = cells.map((c) => new Float64Array(c.seeds));
  for (let b = 0; b < B; b++) {
    let sum = 0;
    cells.forEach((c, t) => {
      drawClips(c.clips, rng, idx[t]);
      seedCounts(c, idx[t], counts[t]);
      sum += drawSeeds(counts[t], c.seeds, c.clips, rng);
    });
    reps[b] = sum / cells.length;
  }
  return reps;
}

/** Mean accuracy over `cells` (percent) with its bootstrap interval. */
export function bootstrapAccuracy(cells: readonly Correctness[], o: BootstrapOptions = {}): Interval {
  if (cells.length === 0) return { mean: NaN, lo: NaN, hi: NaN };
  const mean = cells.reduce((s, c) => s + cellAccuracy(c), 0) / cells.length;
  return summarise(mean, bootstrapReplicates(cells, o), o.level ?? 0.95);
}

/** One task of a paired comparison: both models scored on the same clips, in the same order. */
export interface PairedCells {
  readonly a: Correctness;
  readonly b: Correctness;
}

/** Result of {@link pairedBootstrap}: the difference a - b in points, its interval and a two-sided p. */
export interface PairedDifference extends Interval {
  /** Two-sided bootstrap p-value of "no difference": `min(1, 2 (1 + #(d* on the far side of 0)) / (B + 1))`. */
  readonly p: number;
}

/** Paired bootstrap of the mean (over tasks) difference in accuracy between two models, in points. */
export function pairedBootstrap(pairs: readonly PairedCells[], o: BootstrapOptions = {}): PairedDifference {
  if (pairs.length === 0) return { mean: NaN, lo: NaN, hi: NaN, p: NaN };
  for (const { a, b } of pairs) {
    check(a);
    check(b);
    if (a.clips !== b.clips) throw new RangeError(`pairedBootstrap: ${a.clips} vs ${b.clips} clips`);
  }
  const B = o.replicates ?? 2000;
  const rng = new Rng(o.seed ?? 0);
  const reps = new Float64Array(B);
  const idx = pairs.map((p) => new Int32Array(p.a.clips));
  const ca = pairs.map((p) => new Float64Array(p.a.seeds));
  const cb = pairs.map((p) => new Float64Array(p.b.seeds));
  for (let r = 0; r < B; r++) {
    let sum = 0;
    pairs.forEach(({ a, b }, t) => {
      drawClips(a.clips, rng, idx[t]);
      seedCounts(a, idx[t], ca[t]);
      seedCounts(b, idx[t], cb[t]);
      sum += drawSeeds(ca[t], a.seeds, a.clips, rng) - drawSeeds(cb[t], b.seeds, b.clips, rng);
    });
    reps[r] = sum / pairs.length;
  }
  const mean = pairs.reduce((s, { a, b }) => s + cellAccuracy(a) - cellAccuracy(b), 0) / pairs.length;
  let below = 0;
  let above = 0;
  for (const d of reps) {
    if (d <= 0) below++;
    if (d >= 0) above++;
  }
  const p = Math.min(1, (2 * (1 + Math.min(below, above))) / (B + 1));
  return { ...summarise(mean, reps, o.level ?? 0.95), p };
}

/** Per-clip score of a cell: the fraction of seeds that got the clip right. */
export function clipScores(c: Correctness): Float64Array {
  const out = new Float64Array(c.clips);
  for (let s = 0; s < c.seeds; s++) for (let i = 0; i < c.clips; i++) out[i] += c.correct[s * c.clips + i] / c.seeds;
  return out;
}
