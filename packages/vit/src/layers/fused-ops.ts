/**
 * GELU, LayerNorm and the softmax backward pass as single fused kernels, for backends that provide
 * them (the `native` backend of @ppma/native; `fusedKernel()` of @ppma/core says which). The
 * formulas are those of `gelu.ts`, `layer-norm.ts` and `attention-core.ts`; here one kernel
 * replaces the 5-10 tfjs ops each would issue per pass.
 */
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_KERNELS } from '@ppma/core';
import { asGradFunc } from './custom-grad.js';

function run(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, number> = {}): tf.Tensor[] {
  const out = tf.engine().runKernel(name, inputs, attrs) as tf.Tensor | tf.Tensor[];
  return Array.isArray(out) ? out : [out];
}

const geluOp = tf.customGrad(
  asGradFunc((x: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x]);
    return {
      value: run(FUSED_KERNELS.gelu, { x })[0], // [..]
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => run(FUSED_KERNELS.geluGrad, { x: saved[0], dy }),
    };
  }),
);

/** Exact GELU in one kernel forward and one backward. */
export function geluFused<T extends tf.Tensor>(x: T): T {
  return geluOp(x) as T;
}

function makeLayerNorm(eps: number) {
  return tf.customGrad(
    asGradFunc((x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, save: tf.GradSaveFunc) => {
      const [y, xhat, rstd] = run(FUSED_KERNELS.layerNorm, { x, gamma, beta }, { eps }); // [M, D], [M, D], [M, 1]
      save([xhat, rstd, gamma]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sx, sr, sg] = saved;
          return run(FUSED_KERNELS.layerNormGrad, { dy, xhat: sx, rstd: sr, gamma: sg }); // dx, dgamma, dbeta
        },
      };
    }),
  );
}

const lnCache = new Map<number, ReturnType<typeof makeLayerNorm>>();

/** LayerNorm of `x: [M, D]` with affine `g, b: [D]`, one kernel per pass. */
export function layerNormFused(x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D, eps: number): tf.Tensor2D {
  let op = lnCache.get(eps);
  if (!op) {
    op = makeLayerNorm(eps);
    lnCache.set(eps, op);
  }
  return op(x, g, b) as tf.Tensor2D;
}

/** `p * (dp - rowsum(dp * p))`: the gradient of softmax rows `p` given `dp`. */
export function softmaxGradFused<T extends tf.Tensor>(p: T, dp: T): T {
  return run(FUSED_KERNELS.softmaxGrad, { p, dp })[0] as T;
}

function makeAttention(batch: number, heads: number) {
  const attrs = { batch, heads };
  return tf.customGrad(
    asGradFunc((qkv: tf.Tensor, save: tf.GradSaveFunc) => {
      const [out, p] = run(FUSED_KERNELS.attention, { qkv }, attrs); // [B*N, D], [B*heads, N, N]
      save([qkv, p]);
      return {
        value: out,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
          run(FUSED_KERNELS.attentionGrad, { dy, qkv: saved[0], p: saved[1] }, attrs), // dqkv [B*N, 3D]
      };
    }),
  );
}

const attentionCache = new Map<string, ReturnType<typeof makeAttention>>();

/**
 * Multi-head self-attention from the packed projection `qkv: [B*N, 3D]` (columns q, k, v, each
 * `heads x dh`) to the merged heads `[B*N, D]`, one kernel forward and one backward: the same
 * result as the split/softmax/merge path of `attention.ts`, without a head tensor in between.
 */
export function attentionFused(qkv: tf.Tensor2D, batch: number, heads: number): tf.Tensor2D {
  const key = `${batch}x${heads}`;
  let op = attentionCache.get(key);
  if (!op) {
    op = makeAttention(batch, heads);
    attentionCache.set(key, op);
  }
  return op(qkv) as tf.Tensor2D;
}
