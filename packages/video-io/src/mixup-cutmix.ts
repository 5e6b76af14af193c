/**
 * Mixup (Zhang et al. 2018) and CutMix (Yun et al. 2019) on batches of clips with soft labels, as
 * timm's `Mixup` in batch mode (docs/ARCHITECTURE.md §5: mixup 0.8, cutmix 1.0, label smoothing 0.1): with
 * probability `prob` a batch is mixed with its reverse, by mixup or (with `switchProb`) cutmix; the
 * cutmix box is the same in every frame and lambda is corrected to the box's true area.
 */
import type { Rng } from '@ppma/core';
import type { Box } from './clip-geometry.js';

/** Options of {@link mixupCutmix}. */
export interface MixupOptions {
  numClasses: number;
  /** Mixup Beta(alpha, alpha) parameter; 0 disables mixup (default 0.8). */
  mixupAlpha?: number;
  /** CutMix Beta parameter; 0 disables cutmix (default 1.0). */
  cutmixAlpha?: number;
  /** Probability of mixing a batch at all (default 1). */
  prob?: number;
  /** Probability of cutmix rather than mixup when both are on (default 0.5). */
  switchProb?: number;
  /** Label smoothing (default 0.1). */
  labelSmoothing?: number;
}

/** A mixed batch: clips `[B, T, H, W, 3]` uint8 and soft targets `[B, numClasses]` (rows sum to 1). */
export interface MixedBatch {
  clips: Uint8Array;
  targets: Float32Array;
  lambda: number;
  kind: 'none' | 'mixup' | 'cutmix';
  box?: Box;
}

/** Gamma(shape, 1) sample (Marsaglia & Tsang 2000). */
export function sampleGamma(shape: number, rng: Rng): number {
  if (shape < 1) return sampleGamma(shape + 1, rng) * Math.pow(1 - rng.float(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.float();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Beta(a, b) sample. */
export function sampleBeta(a: number, b: number, rng: Rng): number {
  const x = sampleGamma(a, rng);
  const y = sampleGamma(b, rng);
  return x / (x + y);
}

/** Smoothed one-hot targets `[B, K]`. */
export function smoothOneHot(labels: Int32Array, numClasses: number, smoothing: number): Float32Array {
  const off = smoothing / numClasses;
  const out = new Float32Array(labels.length * numClasses).fill(off);
  labels.forEach((l, b) => {
    if (l < 0 || l >= numClasses) throw new RangeError(`label ${l} outside ${numClasses} classes`);
    out[b * numClasses + l] = 1 - smoothing + off;
  });
  return out;
}

/** Mixes a batch with its reversed self (sample b with sample B-1-b). */
export function mixupCutmix(
  clips: Uint8Array,
  labels: Int32Array,
  shape: { frames: number; height: number; width: number },
  rng: Rng,
  opts: MixupOptions,
): MixedBatch {
  const { numClasses, mixupAlpha = 0.8, cutmixAlpha = 1.0, prob = 1, switchProb = 0.5, labelSmoothing = 0.1 } = opts;
  const B = labels.length;
  const { frames: T, height: H, width: W } = shape;
  const per = T * H * W * 3;
  if (clips.length !== B * per)
    throw new RangeError(`mixupCutmix: ${clips.length} bytes for ${B} clips of ${T}x${H}x${W}x3`);
  const y = smoothOneHot(labels, numClasses, labelSmoothing);
  const mixTargets = (lam: number): Float32Array => {
    const out = new Float32Array(y.length);
    for (let b = 0; b < B; b++)
      for (let k = 0; k < numClasses; k++)
        out[b * numClasses + k] = lam * y[b * numClasses + k] + (1 - lam) * y[(B - 1 - b) * numClasses + k];
    return out;
  };
  const useMix = mixupAlpha > 0 || cutmixAlpha > 0;
  if (!useMix || !rng.bernoulli(prob)) return { clips, targets: y, lambda: 1, kind: 'none' };
  const cut = cutmixAlpha > 0 && (mixupAlpha <= 0 || rng.bernoulli(switchProb));
  const lam0 = sampleBeta(cut ? cutmixAlpha : mixupAlpha, cut ? cutmixAlpha : mixupAlpha, rng);
  const out = new Uint8Array(clips.length);
  if (!cut) {
    for (let b = 0; b < B; b++) {
      const a = b * per;
      const o = (B - 1 - b) * per;
      for (let i = 0; i < per; i++) out[a + i] = Math.round(lam0 * clips[a + i] + (1 - lam0) * clips[o + i]);
    }
    return { clips: out, targets: mixTargets(lam0), lambda: lam0, kind: 'mixup' };
  }
  const r = Math.sqrt(1 - lam0);
  const ch = Math.round(H * r);
  const cw = Math.round(W * r);
  const cy = rng.int(0, H);
  const cx = rng.int(0, W);
  const y0 = Math.max(0, cy - Math.floor(ch / 2));
  const y1 = Math.min(H, cy + Math.floor(ch / 2));
  const x0 = Math.max(0, cx - Math.floor(cw / 2));
  const x1 = Math.min(W, cx + Math.floor(cw / 2));
  const box: Box = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  const lam = 1 - (box.width * box.height) / (W * H);
  out.set(clips);
  for (let b = 0; b < B; b++) {
    const a = b * per;
    const o = (B - 1 - b) * per;
    for (let t = 0; t < T; t++)
      for (let yy = y0; yy < y1; yy++) {
        const row = ((t * H + yy) * W + x0) * 3;
        out.set(clips.subarray(o + row, o + row + (x1 - x0) * 3), a + row);
      }
  }
  return { clips: out, targets: mixTargets(lam), lambda: lam, kind: 'cutmix', box };
}
