/**
 * `fusedAttention`: multi-head self-attention from the packed projection to the merged heads in
 * one native kernel forward and one backward (docs/ARCHITECTURE.md §3), on the `native` backend.
 * Equal to splitting `qkv: [B*N, 3D]` as `[B, N, 3, heads, dh]`, `softmax(q k^T / sqrt(dh)) v` per
 * head and merging the heads back to `[B*N, D]`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ATTENTION_KERNEL_NAMES } from './backend/attention-kernels.js';

/** Whether the current backend has the fused attention kernels (the `native` backend does). */
export function hasFusedAttention(): boolean {
  const backend = tf.getBackend();
  return (
    tf.getKernel(ATTENTION_KERNEL_NAMES.attention, backend) !== undefined &&
    tf.getKernel(ATTENTION_KERNEL_NAMES.attentionGrad, backend) !== undefined
  );
}

type Op = (qkv: tf.Tensor2D) => tf.Tensor2D;
/** `tf.customGrad`'s declared body type mixes inputs and the save function in one rest array. */
type Body = Parameters<typeof tf.customGrad>[0];
const ops = new Map<string, Op>();

function opFor(batch: number, heads: number): Op {
  const key = `${batch}x${heads}`;
  const cached = ops.get(key);
  if (cached) return cached;
  const attrs = { batch, heads };
  const body = (qkv: tf.Tensor, save: tf.GradSaveFunc) => {
    const [out, p] = tf.engine().runKernel(ATTENTION_KERNEL_NAMES.attention, { qkv }, attrs) as tf.Tensor[];
    save([qkv, p]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [
        tf
          .engine()
          .runKernel(
            ATTENTION_KERNEL_NAMES.attentionGrad,
            { dy: Array.isArray(dy) ? dy[0] : dy, qkv: saved[0], p: saved[1] },
            attrs,
          ) as tf.Tensor,
      ],
    };
  };
  const op = tf.customGrad(body as unknown as Body) as unknown as Op;
  ops.set(key, op);
  return op;
}

/**
 * Self-attention of `batch` samples of `N = qkv.shape[0] / batch` tokens: `qkv: [B*N, 3D]` with
 * columns `(3, heads, dh)` -> `[B*N, D]`. Throws unless {@link hasFusedAttention}.
 */
export function fusedAttention(qkv: tf.Tensor2D, batch: number, heads: number): tf.Tensor2D {
  if (!hasFusedAttention())
    throw new Error(`fusedAttention: backend ${tf.getBackend()} has no ${ATTENTION_KERNEL_NAMES.attention} kernel`);
  return opFor(batch, heads)(qkv);
}
