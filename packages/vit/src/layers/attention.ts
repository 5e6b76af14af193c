/**
 * Multi-head self-attention (Vaswani et al. 2017) as in DESIGN.md §4: `qkv = Linear(D, 3D)`,
 * heads split as `[B, N, 3, heads, D/heads]`, `softmax(q k^T / sqrt(D/heads)) v`, heads merged,
 * `proj = Linear(D, D)`.
 *
 * The checkpoint keeps one `qkv` weight; internally q, k and v are split as columns after one
 * rank-2 product, so no rank-5 transpose is ever needed. The per-head products run in one of two
 * ways:
 * - `batched`: `tf.matMul` over `[B*heads, N, dh]` (fast where a native BatchMatMul kernel is
 *   registered, e.g. tfjs-node or the OpenBLAS wasm extension);
 * - `split`: one rank-2, untransposed product per (sample, head), the only products plain
 *   tfjs-wasm runs through XNNPACK.
 */
import * as tf from '@tensorflow/tfjs-core';
import { match } from 'ts-pattern';
import { linear, matMul2d } from './matmul-2d.js';

/** How the attention products are computed. */
export type AttentionMode = 'batched' | 'split';

/** Weights of one attention layer (ours: `[in, out]`). */
export interface AttentionWeights {
  readonly qkvW: tf.Tensor2D;
  readonly qkvB: tf.Tensor1D;
  readonly projW: tf.Tensor2D;
  readonly projB: tf.Tensor1D;
}

/** Self-attention over `x: [B*N, D]`, tokens grouped per sample. Returns `[B*N, D]`. */
export function attention(x: tf.Tensor2D, w: AttentionWeights, batch: number, heads: number, mode: AttentionMode): tf.Tensor2D {
  const [m, d] = x.shape;
  const n = m / batch;
  const dh = d / heads;
  const bh = batch * heads;
  const qkv = linear(x, w.qkvW, w.qkvB); // [B*N, 3D]
  const [q0, k0, v0] = tf.split(qkv, 3, 1) as tf.Tensor2D[]; // 3 x [B*N, D]
  const q1 = tf.mul(q0, 1 / Math.sqrt(dh)) as tf.Tensor2D; // [B*N, D]
  const toHeads = (t: tf.Tensor2D) => tf.reshape(tf.transpose(tf.reshape(t, [batch, n, heads, dh]), [0, 2, 1, 3]), [bh, n, dh]); // [B*h, N, dh]
  const q = toHeads(q1);
  const kT = tf.reshape(tf.transpose(tf.reshape(k0, [batch, n, heads, dh]), [0, 2, 3, 1]), [bh, dh, n]); // [B*h, dh, N]
  const v = toHeads(v0);
  const out = match(mode)
    .with('batched', () => {
      const s = tf.matMul(q, kT); // [B*h, N, N]
      const p = tf.softmax(s); // [B*h, N, N]
      return tf.matMul(p, v); // [B*h, N, dh]
    })
    .with('split', () => {
      const qs = tf.unstack(q) as tf.Tensor2D[]; // B*h x [N, dh]
      const ks = tf.unstack(kT) as tf.Tensor2D[]; // B*h x [dh, N]
      const vs = tf.unstack(v) as tf.Tensor2D[]; // B*h x [N, dh]
      const outs = qs.map((qi, i) => matMul2d(tf.softmax(matMul2d(qi, ks[i])) as tf.Tensor2D, vs[i])); // B*h x [N, dh]
      return tf.stack(outs); // [B*h, N, dh]
    })
    .exhaustive();
  const merged = tf.reshape(tf.transpose(tf.reshape(out, [batch, heads, n, dh]), [0, 2, 1, 3]), [m, d]); // [B*N, D]
  return linear(merged as tf.Tensor2D, w.projW, w.projB); // [B*N, D]
}
