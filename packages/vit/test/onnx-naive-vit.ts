/**
 * A deliberately plain float64 forward pass of the docs/ARCHITECTURE.md §4 video ViT, written from the spec
 * with direct index arithmetic (Conv3d over [C,T,H,W], per-head loops), used as an independent
 * reference for configs the PyTorch fixture does not cover. Also random PyTorch-layout state dicts.
 */
import { Rng } from '@ppma/core';

export interface NaiveConfig {
  dim: number;
  depth: number;
  heads: number;
  tubelet: [number, number, number];
  frames: number;
  height: number;
  width: number;
  heads_: Record<string, number>; // state-dict head prefix -> classes
  eps: number;
}

type Dict = Map<string, { shape: number[]; data: Float32Array }>;

/** Random weights with PyTorch names and layouts. */
export function randomStateDict(c: NaiveConfig, seed: number): Dict {
  const rng = new Rng(seed);
  const d = new Map<string, { shape: number[]; data: Float32Array }>();
  const add = (k: string, shape: number[], mean: number, std: number): void => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    rng.split(k).fillNormal(data, mean, std);
    d.set(k, { shape, data });
  };
  const D = c.dim;
  const [t, ph, pw] = c.tubelet;
  add('patch_embed.proj.weight', [D, 3, t, ph, pw], 0, 0.1);
  add('patch_embed.proj.bias', [D], 0, 0.1);
  const ln = (k: string): void => {
    add(`${k}.weight`, [D], 1, 0.1);
    add(`${k}.bias`, [D], 0, 0.1);
  };
  const lin = (k: string, out: number, inp: number): void => {
    add(`${k}.weight`, [out, inp], 0, 1 / Math.sqrt(inp));
    add(`${k}.bias`, [out], 0, 0.05);
  };
  for (let i = 0; i < c.depth; i++) {
    ln(`blocks.${i}.norm1`);
    lin(`blocks.${i}.attn.qkv`, 3 * D, D);
    lin(`blocks.${i}.attn.proj`, D, D);
    ln(`blocks.${i}.norm2`);
    lin(`blocks.${i}.mlp.fc1`, 4 * D, D);
    lin(`blocks.${i}.mlp.fc2`, D, 4 * D);
  }
  ln('fc_norm');
  for (const [k, n] of Object.entries(c.heads_)) lin(k, n, D);
  return d;
}

function erf(x: number): number {
  // Abramowitz-Stegun 7.1.26 is too coarse; use a series / continued fraction accurate to ~1e-15.
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let sum = x;
    let term = x;
    for (let n = 1; n < 80; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction for large |x|
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (ax + f);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
  return Math.sign(x) * (1 - erfc);
}

function layerNorm(x: Float64Array, w: Float32Array, b: Float32Array, eps: number): Float64Array {
  const n = x.length;
  let m = 0;
  for (const v of x) m += v;
  m /= n;
  let s = 0;
  for (const v of x) s += (v - m) ** 2;
  const inv = 1 / Math.sqrt(s / n + eps);
  return x.map((v, i) => (v - m) * inv * w[i] + b[i]);
}

function linear(x: Float64Array, w: Float32Array, b: Float32Array, out: number): Float64Array {
  const inp = x.length;
  const y = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    let s = b[o];
    for (let i = 0; i < inp; i++) s += w[o * inp + i] * x[i];
    y[o] = s;
  }
  return y;
}

/** Forward of one clip `[T,H,W,3]` in [0,1]: returns pooled and per-head logits. */
export function naiveForward(
  c: NaiveConfig,
  d: Dict,
  clip: Float32Array,
): { pooled: Float64Array; logits: Record<string, Float64Array> } {
  const W = (k: string): Float32Array => d.get(k)!.data;
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const [t, ph, pw] = c.tubelet;
  const [gt, gh, gw] = [c.frames / t, c.height / ph, c.width / pw];
  const D = c.dim;
  const px = (f: number, y: number, x: number, ch: number): number =>
    (clip[((f * c.height + y) * c.width + x) * 3 + ch] - mean[ch]) / std[ch];
  const conv = W('patch_embed.proj.weight');
  const tokens: Float64Array[] = [];
  for (let a = 0; a < gt; a++)
    for (let bb = 0; bb < gh; bb++)
      for (let cc = 0; cc < gw; cc++) {
        const n = tokens.length;
        const v = new Float64Array(D);
        for (let o = 0; o < D; o++) {
          let s = W('patch_embed.proj.bias')[o];
          for (let ch = 0; ch < 3; ch++)
            for (let dt = 0; dt < t; dt++)
              for (let dy = 0; dy < ph; dy++)
                for (let dx = 0; dx < pw; dx++)
                  s +=
                    conv[(((o * 3 + ch) * t + dt) * ph + dy) * pw + dx] *
                    px(a * t + dt, bb * ph + dy, cc * pw + dx, ch);
          const j = o;
          const angle = n / Math.pow(10000, (2 * Math.floor(j / 2)) / D);
          v[o] = s + (j % 2 === 0 ? Math.sin(angle) : Math.cos(angle));
        }
        tokens.push(v);
      }
  const N = tokens.length;
  const hd = D / c.heads;
  let x = tokens;
  for (let i = 0; i < c.depth; i++) {
    const k = `blocks.${i}`;
    const qkv = x.map((v) =>
      linear(
        layerNorm(v, W(`${k}.norm1.weight`), W(`${k}.norm1.bias`), c.eps),
        W(`${k}.attn.qkv.weight`),
        W(`${k}.attn.qkv.bias`),
        3 * D,
      ),
    );
    const ctx = x.map(() => new Float64Array(D));
    for (let h = 0; h < c.heads; h++) {
      for (let qi = 0; qi < N; qi++) {
        const scores = new Float64Array(N);
        for (let ki = 0; ki < N; ki++) {
          let s = 0;
          for (let e = 0; e < hd; e++) s += qkv[qi][h * hd + e] * qkv[ki][D + h * hd + e];
          scores[ki] = s / Math.sqrt(hd);
        }
        const mx = Math.max(...scores);
        const ex = scores.map((s) => Math.exp(s - mx));
        const z = ex.reduce((a, b) => a + b, 0);
        for (let ki = 0; ki < N; ki++)
          for (let e = 0; e < hd; e++) ctx[qi][h * hd + e] += (ex[ki] / z) * qkv[ki][2 * D + h * hd + e];
      }
    }
    x = x.map((v, n) => {
      const a = linear(ctx[n], W(`${k}.attn.proj.weight`), W(`${k}.attn.proj.bias`), D);
      const y = v.map((u, j) => u + a[j]);
      const h1 = linear(
        layerNorm(y, W(`${k}.norm2.weight`), W(`${k}.norm2.bias`), c.eps),
        W(`${k}.mlp.fc1.weight`),
        W(`${k}.mlp.fc1.bias`),
        4 * D,
      );
      const g = h1.map((u) => 0.5 * u * (1 + erf(u / Math.SQRT2)));
      const m = linear(g, W(`${k}.mlp.fc2.weight`), W(`${k}.mlp.fc2.bias`), D);
      return y.map((u, j) => u + m[j]);
    });
  }
  const avg = new Float64Array(D);
  for (const v of x) for (let j = 0; j < D; j++) avg[j] += v[j] / N;
  const pooled = layerNorm(avg, W('fc_norm.weight'), W('fc_norm.bias'), c.eps);
  const logits: Record<string, Float64Array> = {};
  for (const [k, n] of Object.entries(c.heads_)) logits[k] = linear(pooled, W(`${k}.weight`), W(`${k}.bias`), n);
  return { pooled, logits };
}
