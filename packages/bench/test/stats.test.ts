/**
 * The interval and paired-test code against closed forms: the exact sign test on hand-computed
 * cases and an independent BigInt binomial sum; the clip bootstrap of one seed against the exact
 * Binomial(N, p) quantiles and the Wald interval; the seed part against the closed-form variance
 * of a mean of K seeds drawn with replacement; the paired bootstrap against the normal
 * approximation of a mean of paired differences.
 */
import { describe, expect, it } from 'vitest';
import {
  binomialCdf,
  binomialQuantile,
  bootstrapAccuracy,
  bootstrapReplicates,
  pairedBootstrap,
  pairedSignTest,
  signTest,
  type Correctness,
} from '../src/index.js';

/** Exact two-sided sign-test p with BigInt binomial coefficients (independent of the float code). */
function exactSignP(w: number, l: number): number {
  const n = w + l;
  const k = Math.min(w, l);
  let c = 1n;
  let sum = 0n;
  for (let j = 0; j <= k; j++) {
    sum += c;
    c = (c * BigInt(n - j)) / BigInt(j + 1);
  }
  const p = (2 * Number((sum * 10n ** 15n) / 2n ** BigInt(n))) / 1e15;
  return Math.min(1, p);
}

/** A cell whose `seeds` rows have the given numbers of correct clips out of `clips` (correct ones first, shuffled per row). */
function cell(clips: number, correctPerSeed: number[], shuffle = true): Correctness {
  const correct = new Uint8Array(correctPerSeed.length * clips);
  correctPerSeed.forEach((k, s) => {
    const row: number[] = Array.from({ length: clips }, (_, i) => (i < k ? 1 : 0));
    if (shuffle) {
      let x = 12345 + s * 999;
      for (let i = clips - 1; i > 0; i--) {
        x = (x * 1103515245 + 12345) % 2147483648;
        const j = x % (i + 1);
        [row[i], row[j]] = [row[j], row[i]];
      }
    }
    correct.set(row, s * clips);
  });
  return { seeds: correctPerSeed.length, clips, correct };
}

const sd = (xs: Float64Array): number => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
};

describe('exact sign test', () => {
  it('matches hand-computed cases', () => {
    expect(signTest(1, 9).p).toBeCloseTo(22 / 1024, 12); // 2 (C(10,0) + C(10,1)) / 2^10
    expect(signTest(9, 1).p).toBeCloseTo(22 / 1024, 12);
    expect(signTest(0, 5).p).toBeCloseTo(2 / 32, 12);
    expect(signTest(2, 8).p).toBeCloseTo(112 / 1024, 12); // 2 (1 + 10 + 45) / 1024
    expect(signTest(3, 3).p).toBe(1);
    expect(signTest(0, 0).p).toBe(1);
    expect(signTest(4, 2, 7)).toMatchObject({ wins: 4, losses: 2, ties: 7 });
    expect(signTest(4, 2, 7).p).toBeCloseTo(44 / 64, 12); // 2 (1 + 6 + 15) / 64, ties dropped
    expect(signTest(0, 1).p).toBe(1);
  });

  it('agrees with an exact BigInt sum for large n', () => {
    for (const [w, l] of [
      [60, 30],
      [120, 80],
      [400, 350],
      [5, 40],
    ])
      expect(signTest(w, l).p).toBeCloseTo(exactSignP(w, l), 9);
  });

  it('pairs scores and drops ties', () => {
    const r = pairedSignTest([1, 1, 0, 0.5, 1], [0, 1, 1, 0, 1]);
    expect(r).toMatchObject({ wins: 2, losses: 1, ties: 2 });
    expect(r.p).toBe(1);
    expect(() => signTest(-1, 2)).toThrow(RangeError);
  });

  it('binomial CDF and quantile are consistent', () => {
    expect(binomialCdf(1, 10, 0.5)).toBeCloseTo(11 / 1024, 14);
    expect(binomialCdf(2, 4, 0.3)).toBeCloseTo(0.7 ** 4 + 4 * 0.3 * 0.7 ** 3 + 6 * 0.09 * 0.49, 12);
    const q = binomialQuantile(0.025, 200, 0.7);
    expect(binomialCdf(q, 200, 0.7)).toBeGreaterThanOrEqual(0.025);
    expect(binomialCdf(q - 1, 200, 0.7)).toBeLessThan(0.025);
  });
});

describe('bootstrap interval of one cell', () => {
  it('one seed: the replicates are Binomial(N, p)/N, so the percentiles match the exact binomial quantiles and the Wald interval', () => {
    const N = 200;
    const c = cell(N, [140]);
    const iv = bootstrapAccuracy([c], { replicates: 8000, seed: 1 });
    expect(iv.mean).toBe(70);
    const qlo = (100 * binomialQuantile(0.025, N, 0.7)) / N;
    const qhi = (100 * binomialQuantile(0.975, N, 0.7)) / N;
    // Sampling error of a percentile over 8000 replicates is well under one clip (0.5 points).
    expect(Math.abs(iv.lo - qlo)).toBeLessThanOrEqual(0.5 + 1e-9);
    expect(Math.abs(iv.hi - qhi)).toBeLessThanOrEqual(0.5 + 1e-9);
    const half = 196 * Math.sqrt((0.7 * 0.3) / N); // Wald, in points
    expect(Math.abs(iv.lo - (70 - half))).toBeLessThan(1);
    expect(Math.abs(iv.hi - (70 + half))).toBeLessThan(1);
    // The replicate spread is the binomial standard error.
    const reps = bootstrapReplicates([c], { replicates: 8000, seed: 2 });
    expect(sd(reps) / (100 * Math.sqrt((0.7 * 0.3) / N))).toBeGreaterThan(0.95);
    expect(sd(reps) / (100 * Math.sqrt((0.7 * 0.3) / N))).toBeLessThan(1.05);
  });

  it('identical seeds give the same interval as one seed (drawing seeds adds nothing)', () => {
    const one = cell(150, [60], false);
    const three: Correctness = {
      seeds: 3,
      clips: 150,
      correct: new Uint8Array([...one.correct, ...one.correct, ...one.correct]),
    };
    const a = bootstrapAccuracy([three], { replicates: 6000, seed: 3 });
    const qlo = (100 * binomialQuantile(0.025, 150, 0.4)) / 150;
    const qhi = (100 * binomialQuantile(0.975, 150, 0.4)) / 150;
    expect(a.mean).toBeCloseTo(40, 10);
    expect(Math.abs(a.lo - qlo)).toBeLessThanOrEqual(0.67 + 1e-9);
    expect(Math.abs(a.hi - qhi)).toBeLessThanOrEqual(0.67 + 1e-9);
  });

  it('spread over seeds: with many clips the replicate SD is that of a mean of K seeds drawn with replacement', () => {
    const N = 2000;
    const c = cell(N, [1000, 1400, 1800]); // 50, 70, 90 %
    const reps = bootstrapReplicates([c], { replicates: 4000, seed: 4 });
    const between = (20 ** 2 + 0 + 20 ** 2) / 3; // plug-in variance of the seed accuracies, points^2
    const clipPart = (100 ** 2 * (0.25 + 0.21 + 0.09)) / 3 / N / 3; // mean of the 3 per-seed binomial variances / K, approximately
    const want = Math.sqrt(between / 3 + clipPart);
    expect(Math.abs(sd(reps) - want) / want).toBeLessThan(0.05);
    const iv = bootstrapAccuracy([c], { replicates: 1000, seed: 5 });
    expect(iv.hi - iv.lo).toBeGreaterThan(25); // far wider than the clip-only interval (about 2 points)
  });

  it('an average over tasks draws each task independently: SD = sqrt(sum of variances) / tasks', () => {
    const N = 300;
    const reps = bootstrapReplicates([cell(N, [150]), cell(N, [240])], { replicates: 8000, seed: 6 });
    const want = (100 * Math.sqrt((0.25 + 0.16) / N)) / 2;
    expect(Math.abs(sd(reps) - want) / want).toBeLessThan(0.05);
  });

  it('is reproducible from its seed', () => {
    const c = cell(100, [55, 60]);
    expect(bootstrapAccuracy([c], { seed: 'x' })).toEqual(bootstrapAccuracy([c], { seed: 'x' }));
  });
});

describe('paired bootstrap', () => {
  it('one seed each: matches the normal approximation of a mean of paired differences', () => {
    const N = 300;
    // 60 clips only a gets right, 30 only b, 100 both, 110 neither.
    const a = new Uint8Array(N);
    const b = new Uint8Array(N);
    for (let i = 0; i < N; i++) {
      if (i < 60) a[i] = 1;
      else if (i < 90) b[i] = 1;
      else if (i < 190) a[i] = b[i] = 1;
    }
    const d = pairedBootstrap([{ a: { seeds: 1, clips: N, correct: a }, b: { seeds: 1, clips: N, correct: b } }], {
      replicates: 8000,
      seed: 7,
    });
    expect(d.mean).toBeCloseTo(10, 10);
    const se = 100 * Math.sqrt((90 / N - (30 / N) ** 2) / N); // plug-in SD of d_i in {-1, 0, 1}, over sqrt(N)
    expect(Math.abs(d.lo - (10 - 1.96 * se))).toBeLessThan(0.8);
    expect(Math.abs(d.hi - (10 + 1.96 * se))).toBeLessThan(0.8);
    expect(d.p).toBeLessThan(0.01); // z = 3.2: two-sided normal p = 0.0013
    // The sign test on the same clips: 60 wins, 30 losses.
    const s = pairedSignTest(Array.from(a), Array.from(b));
    expect(s.p).toBeCloseTo(exactSignP(60, 30), 10);
  });

  it('identical models: difference 0, interval [0, 0], p = 1', () => {
    const c = cell(80, [40, 50]);
    const d = pairedBootstrap([{ a: c, b: c }], { replicates: 500, seed: 8 });
    // Seeds are drawn independently for the two sides, so the interval is not a point; it is centred on 0.
    expect(d.mean).toBe(0);
    expect(d.lo).toBeLessThan(0);
    expect(d.hi).toBeGreaterThan(0);
    expect(d.p).toBeGreaterThan(0.5);
    const one = cell(80, [40]);
    const d1 = pairedBootstrap([{ a: one, b: one }], { replicates: 500, seed: 9 });
    expect([d1.mean, d1.lo, d1.hi, d1.p]).toEqual([0, 0, 0, 1]);
  });

  it('rejects cells with different clip counts', () => {
    expect(() => pairedBootstrap([{ a: cell(10, [5]), b: cell(11, [5]) }])).toThrow(RangeError);
  });
});
