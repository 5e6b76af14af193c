/**
 * The exact two-sided sign test: under the null hypothesis each non-tied pair is a win for either
 * side with probability 1/2, so the number of wins is Binomial(n, 1/2). The two-sided p-value is
 * the probability of a split at least as lopsided as the one seen: `min(1, 2 * P(X <= min(w, l)))`.
 */

/** `ln(n!)` by summing logs (exact enough for the clip counts of a benchmark, n up to ~1e6). */
function logFactorials(n: number): Float64Array {
  const out = new Float64Array(n + 1);
  for (let k = 1; k <= n; k++) out[k] = out[k - 1] + Math.log(k);
  return out;
}

/** `P(X <= k)` for `X ~ Binomial(n, p)`, summed in log space. */
export function binomialCdf(k: number, n: number, p: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`binomialCdf: n must be a non-negative integer, got ${n}`);
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  const lf = logFactorials(n);
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  let sum = 0;
  for (let j = 0; j <= Math.floor(k); j++) sum += Math.exp(lf[n] - lf[j] - lf[n - j] + j * lp + (n - j) * lq);
  return Math.min(1, sum);
}

/** The smallest `k` with `P(X <= k) >= q` for `X ~ Binomial(n, p)` (the binomial quantile). */
export function binomialQuantile(q: number, n: number, p: number): number {
  const lf = logFactorials(n);
  let sum = 0;
  for (let k = 0; k <= n; k++) {
    sum +=
      p <= 0
        ? k === 0
          ? 1
          : 0
        : p >= 1
          ? k === n
            ? 1
            : 0
          : Math.exp(lf[n] - lf[k] - lf[n - k] + k * Math.log(p) + (n - k) * Math.log1p(-p));
    if (sum >= q - 1e-12) return k;
  }
  return n;
}

/** Result of {@link signTest}. */
export interface SignTestResult {
  /** Pairs where the first side is better, where the second is, and ties (dropped). */
  readonly wins: number;
  readonly losses: number;
  readonly ties: number;
  /** Exact two-sided p-value (1 when there are no untied pairs). */
  readonly p: number;
}

/** Exact two-sided sign test of `wins` against `losses` (ties are dropped, as usual). */
export function signTest(wins: number, losses: number, ties = 0): SignTestResult {
  for (const [k, v] of [
    ['wins', wins],
    ['losses', losses],
    ['ties', ties],
  ] as const)
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`signTest: ${k} must be a non-negative integer, got ${v}`);
  const n = wins + losses;
  const p = n === 0 ? 1 : Math.min(1, 2 * binomialCdf(Math.min(wins, losses), n, 0.5));
  return { wins, losses, ties, p };
}

/** Sign test of paired scores: a pair counts as a win when `a[i] > b[i]`, a loss when `a[i] < b[i]`. */
export function pairedSignTest(a: ArrayLike<number>, b: ArrayLike<number>): SignTestResult {
  if (a.length !== b.length) throw new RangeError(`pairedSignTest: ${a.length} vs ${b.length} pairs`);
  let wins = 0;
  let losses = 0;
  let ties = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] > b[i]) wins++;
    else if (a[i] < b[i]) losses++;
    else ties++;
  }
  return signTest(wins, losses, ties);
}
