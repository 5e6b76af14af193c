/**
 * A closed-form ridge classifier (one-hot targets, standardised features, intercept) with the
 * penalty chosen by 5-fold cross-validation on the training rows only (never on validation clips).
 * Deliberately simple: it is the probe of the issue-13 experiments, not a model of the project.
 */
import { Rng } from '@ppma/core';

/** Feature rows (`n x d`, row-major) and their classes. */
export interface Rows {
  readonly x: Float64Array;
  readonly y: Int32Array;
  readonly n: number;
  readonly d: number;
}

/** Builds {@link Rows} from feature vectors. */
export function rows(features: readonly ArrayLike<number>[], labels: readonly number[]): Rows {
  const n = features.length;
  const d = features[0].length;
  const x = new Float64Array(n * d);
  features.forEach((f, i) => {
    if (f.length !== d) throw new RangeError(`ridge: row ${i} has ${f.length} features, expected ${d}`);
    for (let j = 0; j < d; j++) x[i * d + j] = f[j];
  });
  return { x, y: Int32Array.from(labels), n, d };
}

/** Solves `A X = B` for symmetric positive definite `A` (`n x n`), `B` with `cols` columns, by Cholesky. */
function solveSpd(a: Float64Array, n: number, b: Float64Array, cols: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 0)) throw new RangeError(`ridge: matrix not positive definite at row ${i}`);
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j];
    }
  const x = new Float64Array(n * cols);
  const y = new Float64Array(n);
  for (let c = 0; c < cols; c++) {
    for (let i = 0; i < n; i++) {
      let s = b[i * cols + c];
      for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
      y[i] = s / l[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = y[i];
      for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k * cols + c];
      x[i * cols + c] = s / l[i * n + i];
    }
  }
  return x;
}

/** A fitted probe: scores `[classes]` of one feature row. */
export interface Probe {
  readonly lambda: number;
  scores(x: ArrayLike<number>): Float64Array;
}

/**
 * Fits ridge with penalty `lambda` on rows `idx` of `r` (`classes` outputs): standardised features,
 * an unpenalised intercept (the class means of the one-hot targets, since the features are centred),
 * solved in the primal `(Z'Z + lambda I) W = Z'Y` or, with more features than rows, in the
 * equivalent dual `W = Z' (Z Z' + lambda I)^-1 Y`.
 */
export function fitRidge(r: Rows, idx: readonly number[], classes: number, lambda: number): Probe {
  const { d } = r;
  const n = idx.length;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (const i of idx) for (let j = 0; j < d; j++) mean[j] += r.x[i * d + j] / n;
  for (const i of idx) for (let j = 0; j < d; j++) std[j] += (r.x[i * d + j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) || 1;
  const z = new Float64Array(n * d); // standardised training rows
  idx.forEach((i, a) => {
    for (let j = 0; j < d; j++) z[a * d + j] = (r.x[i * d + j] - mean[j]) / std[j];
  });
  const ybar = new Float64Array(classes);
  for (const i of idx) ybar[r.y[i]] += 1 / n;
  const yc = new Float64Array(n * classes); // centred one-hot targets
  idx.forEach((i, a) => {
    for (let c = 0; c < classes; c++) yc[a * classes + c] = (r.y[i] === c ? 1 : 0) - ybar[c];
  });
  const w = d <= n ? primal(z, n, d, yc, classes, lambda) : dual(z, n, d, yc, classes, lambda);
  const buf = new Float64Array(d);
  return {
    lambda,
    scores(x) {
      for (let j = 0; j < d; j++) buf[j] = (x[j] - mean[j]) / std[j];
      const s = Float64Array.from(ybar);
      for (let j = 0; j < d; j++) for (let c = 0; c < classes; c++) s[c] += buf[j] * w[j * classes + c];
      return s;
    },
  };
}

function primal(z: Float64Array, n: number, d: number, y: Float64Array, classes: number, lambda: number): Float64Array {
  const ztz = new Float64Array(d * d);
  const zty = new Float64Array(d * classes);
  for (let a = 0; a < n; a++)
    for (let i = 0; i < d; i++) {
      const v = z[a * d + i];
      if (v === 0) continue;
      for (let j = 0; j <= i; j++) ztz[i * d + j] += v * z[a * d + j];
      for (let c = 0; c < classes; c++) zty[i * classes + c] += v * y[a * classes + c];
    }
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) ztz[i * d + j] = ztz[j * d + i];
    ztz[i * d + i] += lambda;
  }
  return solveSpd(ztz, d, zty, classes);
}

function dual(z: Float64Array, n: number, d: number, y: Float64Array, classes: number, lambda: number): Float64Array {
  const k = new Float64Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += z[a * d + j] * z[b * d + j];
      k[a * n + b] = s;
      k[b * n + a] = s;
    }
  for (let a = 0; a < n; a++) k[a * n + a] += lambda;
  const alpha = solveSpd(k, n, y, classes);
  const w = new Float64Array(d * classes);
  for (let a = 0; a < n; a++)
    for (let j = 0; j < d; j++)
      for (let c = 0; c < classes; c++) w[j * classes + c] += z[a * d + j] * alpha[a * classes + c];
  return w;
}

function argmax(s: Float64Array): number {
  let best = 0;
  for (let c = 1; c < s.length; c++) if (s[c] > s[best]) best = c;
  return best;
}

/** Penalty grid of the cross-validation. */
export const LAMBDAS = [1, 10, 100, 1000, 10000] as const;

/**
 * Fits on rows `idx`, choosing lambda from {@link LAMBDAS} by 5-fold cross-validated accuracy on
 * those rows (folds drawn with `seed`; ties go to the larger penalty).
 */
export function fitRidgeCv(r: Rows, idx: readonly number[], classes: number, seed: number): Probe {
  const order = [...idx];
  new Rng(`ridge-cv-${seed}`).shuffle(order);
  const folds = 5;
  let bestL: number = LAMBDAS[0];
  let bestAcc = -1;
  for (const lambda of LAMBDAS) {
    let correct = 0;
    for (let f = 0; f < folds; f++) {
      const test = order.filter((_, i) => i % folds === f);
      const train = order.filter((_, i) => i % folds !== f);
      const p = fitRidge(r, train, classes, lambda);
      for (const i of test) if (argmax(p.scores(r.x.subarray(i * r.d, (i + 1) * r.d))) === r.y[i]) correct++;
    }
    if (correct >= bestAcc) {
      bestAcc = correct;
      bestL = lambda;
    }
  }
  return fitRidge(r, idx, classes, bestL);
}

/** 0/1 correctness of a probe on every row of `val`. */
export function correctness(p: Probe, val: Rows): Uint8Array {
  const out = new Uint8Array(val.n);
  for (let i = 0; i < val.n; i++)
    out[i] = argmax(p.scores(val.x.subarray(i * val.d, (i + 1) * val.d))) === val.y[i] ? 1 : 0;
  return out;
}
