/**
 * The Wilson score interval of a binomial proportion (Wilson 1927): the set of rates `p` for which
 * the observed rate `k/n` lies within `z` standard errors `sqrt(p(1-p)/n)` of `p`. Unlike the
 * normal (Wald) interval it stays inside [0, 1] and is not empty at `k = 0` or `k = n`, which is
 * where a manual review of a good removal lands (docs/ARCHITECTURE.md §7 "Privacy audit").
 */
import { ConfigError } from '@ppma/core';

/** A proportion with its interval. */
export interface RateInterval {
  /** Successes. */
  readonly k: number;
  /** Trials. */
  readonly n: number;
  /** `k / n` (NaN when `n = 0`). */
  readonly rate: number;
  /** Lower bound (NaN when `n = 0`). */
  readonly lo: number;
  /** Upper bound (NaN when `n = 0`). */
  readonly hi: number;
  /** Confidence level, e.g. 0.95. */
  readonly level: number;
  /** Always `wilson`: the method, so reports can say which. */
  readonly method: 'wilson';
}

/** The two-sided standard normal quantile of the levels the review uses. */
const Z: Readonly<Record<string, number>> = {
  '0.9': 1.6448536269514722,
  '0.95': 1.959963984540054,
  '0.99': 2.5758293035489004,
};

/**
 * The Wilson score interval of `k` successes in `n` trials at `level` (0.9, 0.95 or 0.99; default 0.95).
 * @throws ConfigError when `k` or `n` are not integers with `0 <= k <= n`, or the level is not supported.
 */
export function wilsonInterval(k: number, n: number, level = 0.95): RateInterval {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || n < 0 || k > n)
    throw new ConfigError('k', `a binomial count needs integers 0 <= k <= n, got k=${k}, n=${n}`);
  const z = Z[String(level)];
  if (z === undefined) throw new ConfigError('level', `supported levels are 0.9, 0.95 and 0.99, got ${level}`);
  if (n === 0) return { k, n, rate: NaN, lo: NaN, hi: NaN, level, method: 'wilson' };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At k = 0 and k = n one bound is exactly 0 or 1; rounding must not push it past.
  const lo = k === 0 ? 0 : Math.max(0, centre - half);
  const hi = k === n ? 1 : Math.min(1, centre + half);
  return { k, n, rate: p, lo, hi, level, method: 'wilson' };
}

/** `96.3% [93.1, 98.1]` style text of a rate (percent, one decimal), or `n/a` when there are no trials. */
export function formatRate(r: RateInterval): string {
  if (r.n === 0) return 'n/a (none)';
  const pct = (x: number): string => (100 * x).toFixed(1);
  return `${pct(r.rate)}% [${pct(r.lo)}, ${pct(r.hi)}] (${r.k}/${r.n})`;
}
