/**
 * Tubelet patch embedding (docs/ARCHITECTURE.md §4; VideoMAE, Tong et al. 2022): a Conv3d with kernel =
 * stride = `(t, p, p)`, computed as one rank-2 matmul over flattened patches.
 *
 * Patches are flattened in `(dt, dy, dx, c)` order (the MAE target order), tokens in
 * `(t', h', w')` row-major order. The conv kernel, PyTorch `[D, 3, t, p, p]`, is held as
 * `[t*p*p*3, D]`; {@link patchKernelFromTorch} and {@link patchKernelToTorch} convert.
 */
import type { Rng } from '@ppma/core';
import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from '../param-store.js';

/** Geometry of a clip cut into tubelets. */
export interface PatchGeometry {
  readonly frames: number;
  readonly height: number;
  readonly width: number;
  readonly tubelet: number;
  readonly patch: number;
}

/** Tokens per clip, `(T/t)(H/p)(W/p)`. */
export function tokenCount(g: PatchGeometry): number {
  return (g.frames / g.tubelet) * (g.height / g.patch) * (g.width / g.patch);
}

/** Values per patch, `t*p*p*3`. */
export function patchSize(g: PatchGeometry): number {
  return g.tubelet * g.patch * g.patch * 3;
}

/**
 * Adds the tubelet embedding's parameters under `prefix` (`<prefix>.proj.weight` `[D, 3, t, p, p]`,
 * `<prefix>.proj.bias` `[D]`), both uniform in `±1/sqrt(t*p*p*3)` as PyTorch's Conv3d default, drawn
 * from `rng.split('patch_embed')` and `rng.split('patch_bias')`.
 */
export function addPatchEmbedParams(
  store: ParamStore,
  prefix: string,
  g: Pick<PatchGeometry, 'tubelet' | 'patch'> & { readonly dim: number },
  rng: Rng,
): void {
  const fanIn = patchSize({ frames: 0, height: 0, width: 0, ...g });
  const bound = 1 / Math.sqrt(fanIn);
  const kernel = rng.split('patch_embed').fillUniform(new Float32Array(g.dim * fanIn), -bound, bound);
  store.add(`${prefix}.proj.weight`, [g.dim, 3, g.tubelet, g.patch, g.patch], kernel, {
    kind: 'patch',
    tubelet: g.tubelet,
    patch: g.patch,
  });
  const bias = rng.split('patch_bias').fillUniform(new Float32Array(g.dim), -bound, bound);
  store.add(`${prefix}.proj.bias`, [g.dim], bias);
}

/**
 * Cuts clips `[B, T, H, W, 3]` into patch rows `[B*N, t*p*p*3]` with two rank-4 transposes (a
 * single rank-6 or rank-8 transpose is ~80x slower on wasm).
 */
export function patchify(clip: tf.Tensor, g: PatchGeometry): tf.Tensor2D {
  const [b] = clip.shape;
  const { tubelet: t, patch: p } = g;
  const tt = g.frames / t;
  const hh = g.height / p;
  const ww = g.width / p;
  const x1 = tf.reshape(clip, [b * tt, t, hh, p * g.width * 3]); // [B*T', t, H', p*W*3]
  const x2 = tf.transpose(x1, [0, 2, 1, 3]); // [B*T', H', t, p*W*3]
  const x3 = tf.reshape(x2, [b * tt * hh, t * p, ww, p * 3]); // [B*T'*H', t*p, W', p*3]
  const x4 = tf.transpose(x3, [0, 2, 1, 3]); // [B*T'*H', W', t*p, p*3]
  return tf.reshape(x4, [b * tt * hh * ww, t * p * p * 3]); // [B*N, t*p*p*3]
}

/** PyTorch conv kernel `[D, 3, t, p, p]` to our `[t*p*p*3, D]`. */
export function patchKernelFromTorch(w: Float32Array, d: number, t: number, p: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let o = 0; o < d; o++)
    for (let c = 0; c < 3; c++)
      for (let dt = 0; dt < t; dt++)
        for (let dy = 0; dy < p; dy++)
          for (let dx = 0; dx < p; dx++) {
            const src = (((o * 3 + c) * t + dt) * p + dy) * p + dx;
            const row = ((dt * p + dy) * p + dx) * 3 + c;
            out[row * d + o] = w[src];
          }
  return out;
}

/** Our `[t*p*p*3, D]` kernel back to PyTorch `[D, 3, t, p, p]`. */
export function patchKernelToTorch(w: Float32Array, d: number, t: number, p: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let o = 0; o < d; o++)
    for (let c = 0; c < 3; c++)
      for (let dt = 0; dt < t; dt++)
        for (let dy = 0; dy < p; dy++)
          for (let dx = 0; dx < p; dx++) {
            const dst = (((o * 3 + c) * t + dt) * p + dy) * p + dx;
            const row = ((dt * p + dy) * p + dx) * 3 + c;
            out[dst] = w[row * d + o];
          }
  return out;
}
