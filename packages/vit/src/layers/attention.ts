/**
 * Multi-head self-attention (Vaswani et al. 2017) as in docs/ARCHITECTURE.md §4: `qkv = Linear(D, 3D)`,
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
 * A backend with the fused attention kernels (the `native` backend) runs the whole core in one
 * kernel per pass instead (`fused-ops.ts`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { match } from 'ts-pattern';
import { fusedKernel } from '@ppma/core';
import { linear } from './matmul-2d.js';
import { attentionFused } from './fused-ops.js';
import { attentionCore2d, attentionCoreBatched } from './attention-core.js';
import { resolveAttentionMode } from '../attention-mode.js';
import type { AttentionMode } from '../attention-mode.js';
import { reshape } from './tape-ops.js';

export type { AttentionMode } from '../attention-mode.js';

/** Weights of one attention layer (ours: `[in, out]`). */
export interface AttentionWeights {
  readonly qkvW: tf.Tensor2D;
  readonly qkvB: tf.Tensor1D;
  readonly projW: tf.Tensor2D;
  readonly projB: tf.Tensor1D;
}

/** Self-attention over `x: [B*N, D]`, tokens grouped per sample. Returns `[B*N, D]`. */
export function attention(
  x: tf.Tensor2D,
  w: AttentionWeights,
  batch: number,
  heads: number,
  requested: AttentionMode | 'auto',
): tf.Tensor2D {
  const [m, d] = x.shape;
  const n = m / batch;
  const dh = d / heads;
  const mode = resolveAttentionMode(requested, { tokens: n, headDim: dh });
  const bh = batch * heads;
  const scale = 1 / Math.sqrt(dh);
  const qkv = linear(x, w.qkvW, w.qkvB); // [B*N, 3D], columns (3, heads, dh)
  if (fusedKernel('attention') && fusedKernel('attentionGrad'))
    return linear(attentionFused(qkv, batch, heads), w.projW, w.projB); // [B*N, D]
  const heads3 = tf.transpose(reshape(qkv, [batch, n, 3 * heads, dh]), [0, 2, 1, 3]); // [B, 3h, N, dh]
  const out = match(mode)
    .with('batched', () => {
      const grouped =
        batch === 1
          ? reshape(heads3, [3, bh, n, dh])
          : reshape(tf.transpose(reshape(heads3, [batch, 3, heads * n * dh]), [1, 0, 2]), [3, bh, n, dh]); // [3, B*h, N, dh]
      const [q, k, v] = tf.unstack(grouped) as tf.Tensor3D[]; // 3 x [B*h, N, dh]
      return attentionCoreBatched(q, k, v, scale); // [B*h, N, dh]
    })
    .with('split', () => {
      const slices = tf.unstack(reshape(heads3, [batch * 3 * heads, n, dh])) as tf.Tensor2D[]; // B*3h x [N, dh]
      const outs: tf.Tensor2D[] = [];
      for (let b = 0; b < batch; b++) {
        for (let h = 0; h < heads; h++) {
          const base = b * 3 * heads;
          outs.push(
            attentionCore2d(
              slices[base + h],
              tf.transpose(slices[base + heads + h]),
              slices[base + 2 * heads + h],
              scale,
            ),
          ); // [N, dh]
        }
      }
      return tf.stack(outs); // [B*h, N, dh]
    })
    .exhaustive();
  const merged = reshape(tf.transpose(reshape(out, [batch, heads, n, dh]), [0, 2, 1, 3]), [m, d]); // [B*N, D]
  return linear(merged as tf.Tensor2D, w.projW, w.projB); // [B*N, D]
}
