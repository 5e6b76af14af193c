/**
 * A deliberately simple motion-aware classifier for the mechanism check (docs/ARCHITECTURE.md §9,
 * §12): features are the absolute frame differences of the gray clip, pooled on a coarse grid of
 * cells for every pair of consecutive frames (where and when something moves, nothing about colour
 * or the still scene), standardised, then a ridge-regression classifier on one-hot targets
 * (closed form). It sees the rendered video, never the masks.
 */
import { planClip, renderClip } from '../../src/index.js';
import type { ClipGeometry, DatasetSpec } from '../../src/index.js';

/** Pooled absolute frame differences: `(t - 1) * grid * grid` numbers. */
export function motionEnergy(frames: Uint8Array, t: number, h: number, w: number, grid = 4): number[] {
  const gray = new Float32Array(t * h * w);
  for (let i = 0; i < gray.length; i++)
    gray[i] = 0.299 * frames[3 * i] + 0.587 * frames[3 * i + 1] + 0.114 * frames[3 * i + 2];
  const f = new Array<number>((t - 1) * grid * grid).fill(0);
  for (let k = 0; k < t - 1; k++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const i = (k * h + y) * w + x;
        const cell =
          Math.min(grid - 1, Math.floor((grid * y) / h)) * grid + Math.min(grid - 1, Math.floor((grid * x) / w));
        f[k * grid * grid + cell] += Math.abs(gray[i + h * w] - gray[i]);
      }
  return f.map((v) => v / ((h * w) / (grid * grid)));
}

/** Solves `A x = b` for a symmetric positive definite `A` (`n x n`, row-major) by Cholesky. */
function choleskySolve(a: Float64Array, n: number, b: Float64Array, cols: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = i === j ? Math.sqrt(s) : s / l[j * n + j];
    }
  const x = new Float64Array(n * cols);
  for (let c = 0; c < cols; c++) {
    const y = new Float64Array(n);
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

/** A feature function of a rendered clip. */
export type ClipFeatures = (frames: Uint8Array, t: number, h: number, w: number) => number[];

/**
 * Ridge classifier (one-hot targets, bias column, penalty `lambda` on standardised features):
 * trained on `train` clips per class, the predicted class of each of `val` clips per class.
 */
export function ridgeAccuracy(
  ds: DatasetSpec,
  geom: ClipGeometry,
  seed: number,
  train: number,
  val: number,
  features: ClipFeatures,
  lambda = 10,
): { correct: number; total: number } {
  const classes = ds.classes.length;
  const rows = (split: 'train' | 'val', n: number): { x: number[]; y: number }[] => {
    const out: { x: number[]; y: number }[] = [];
    for (let c = 0; c < classes; c++)
      for (let k = 0; k < n; k++) {
        const clip = renderClip(planClip(ds, geom, seed, split, c, k));
        out.push({ x: features(clip.video, clip.frames, clip.height, clip.width), y: c });
      }
    return out;
  };
  const tr = rows('train', train);
  const te = rows('val', val);
  const d = tr[0].x.length;
  const mean = Array.from({ length: d }, (_, j) => tr.reduce((a, s) => a + s.x[j], 0) / tr.length);
  const std = Array.from(
    { length: d },
    (_, j) => Math.sqrt(tr.reduce((a, s) => a + (s.x[j] - mean[j]) ** 2, 0) / tr.length) || 1,
  );
  const z = (x: number[]): number[] => [...x.map((v, j) => (v - mean[j]) / std[j]), 1];
  const n = d + 1;
  const ata = new Float64Array(n * n);
  const atb = new Float64Array(n * classes);
  for (const s of tr) {
    const x = z(s.x);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) ata[i * n + j] += x[i] * x[j];
      atb[i * classes + s.y] += x[i];
    }
  }
  for (let i = 0; i < d; i++) ata[i * n + i] += lambda;
  ata[n * n - 1] += 1e-6;
  const wts = choleskySolve(ata, n, atb, classes);
  let correct = 0;
  for (const s of te) {
    const x = z(s.x);
    let best = 0;
    let bestV = -Infinity;
    for (let c = 0; c < classes; c++) {
      let v = 0;
      for (let i = 0; i < n; i++) v += x[i] * wts[i * classes + c];
      if (v > bestV) {
        bestV = v;
        best = c;
      }
    }
    if (best === s.y) correct++;
  }
  return { correct, total: te.length };
}
