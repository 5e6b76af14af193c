/**
 * Fused kernels the `native` backend adds under names of its own (no tfjs op issues them):
 * GELU and its gradient, LayerNorm forward and backward, the softmax gradient, and one AdamW
 * update over all parameters. Callers check `tf.getKernel(name, tf.getBackend())` and use the
 * plain tfjs ops otherwise; the names are mirrored in `@ppma/core` (`FUSED_KERNELS`).
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { addon, allocF32, f32, output, sizeOf } from './context.js';

/** The fused kernel names. */
export const FUSED_KERNEL_NAMES = {
  gelu: 'PpmaGelu',
  geluGrad: 'PpmaGeluGrad',
  layerNorm: 'PpmaLayerNorm',
  layerNormGrad: 'PpmaLayerNormGrad',
  softmaxGrad: 'PpmaSoftmaxGrad',
  adamW: 'PpmaAdamW',
  attention: 'PpmaAttention',
  attentionGrad: 'PpmaAttentionGrad',
} as const;

type Inputs = Record<string, TensorInfo>;

function parts(args: Parameters<KernelFunc>[0]): {
  inputs: Inputs;
  backend: MathBackendCPU;
  attrs: Record<string, unknown>;
} {
  return args as unknown as { inputs: Inputs; backend: MathBackendCPU; attrs: Record<string, unknown> };
}

function need(cond: boolean, msg: string): void {
  if (!cond) throw new Error(`native backend: ${msg}`);
}

function float32(name: string, ...ts: TensorInfo[]): void {
  need(
    ts.every((t) => t.dtype === 'float32'),
    `${name} takes float32 tensors`,
  );
}

const gelu: KernelFunc = (args) => {
  const { inputs, backend } = parts(args);
  float32('PpmaGelu', inputs.x);
  const out = allocF32(sizeOf(inputs.x.shape));
  addon().gelu(f32(backend, inputs.x), out);
  return output(backend, [...inputs.x.shape], out);
};

const geluGrad: KernelFunc = (args) => {
  const { inputs, backend } = parts(args);
  const { x, dy } = inputs;
  float32('PpmaGeluGrad', x, dy);
  need(sizeOf(x.shape) === sizeOf(dy.shape), 'PpmaGeluGrad: x and dy differ in size');
  const out = allocF32(sizeOf(x.shape));
  addon().geluGrad(f32(backend, x), f32(backend, dy), out);
  return output(backend, [...x.shape], out);
};

/** `x: [M, D]`, `gamma, beta: [D]` -> `[y: [M, D], xhat: [M, D], rstd: [M, 1]]`. */
const layerNorm: KernelFunc = (args) => {
  const { inputs, backend, attrs } = parts(args);
  const { x, gamma, beta } = inputs;
  float32('PpmaLayerNorm', x, gamma, beta);
  const d = x.shape[x.shape.length - 1];
  need(sizeOf(gamma.shape) === d && sizeOf(beta.shape) === d, 'PpmaLayerNorm: gamma/beta must have the last dim of x');
  const rows = sizeOf(x.shape) / d;
  const y = allocF32(rows * d);
  const xhat = allocF32(rows * d);
  const rstd = allocF32(rows);
  addon().layerNorm(
    f32(backend, x),
    f32(backend, gamma),
    f32(backend, beta),
    y,
    xhat,
    rstd,
    rows,
    d,
    Number(attrs.eps),
  );
  return [output(backend, [...x.shape], y), output(backend, [...x.shape], xhat), output(backend, [rows, 1], rstd)];
};

/** `dy, xhat: [M, D]`, `rstd: [M, 1]`, `gamma: [D]` -> `[dx, dgamma, dbeta]`. */
const layerNormGrad: KernelFunc = (args) => {
  const { inputs, backend } = parts(args);
  const { dy, xhat, rstd, gamma } = inputs;
  float32('PpmaLayerNormGrad', dy, xhat, rstd, gamma);
  const d = dy.shape[dy.shape.length - 1];
  const rows = sizeOf(dy.shape) / d;
  need(
    sizeOf(xhat.shape) === rows * d && sizeOf(rstd.shape) === rows && sizeOf(gamma.shape) === d,
    'PpmaLayerNormGrad: shapes differ',
  );
  const dx = allocF32(rows * d);
  const dg = allocF32(d);
  const db = allocF32(d);
  addon().layerNormGrad(
    f32(backend, dy),
    f32(backend, xhat),
    f32(backend, rstd),
    f32(backend, gamma),
    dx,
    dg,
    db,
    rows,
    d,
  );
  return [
    output(backend, [...dy.shape], dx),
    output(backend, [...gamma.shape], dg),
    output(backend, [...gamma.shape], db),
  ];
};

/** `p, dp: [..., N]` -> `p * (dp - sum(dp * p, -1))`. */
const softmaxGrad: KernelFunc = (args) => {
  const { inputs, backend } = parts(args);
  const { p, dp } = inputs;
  float32('PpmaSoftmaxGrad', p, dp);
  need(sizeOf(p.shape) === sizeOf(dp.shape), 'PpmaSoftmaxGrad: p and dp differ in size');
  const cols = p.shape[p.shape.length - 1];
  const out = allocF32(sizeOf(p.shape));
  addon().softmaxGrad(f32(backend, p), f32(backend, dp), out, out.length / cols, cols);
  return output(backend, [...p.shape], out);
};

/**
 * Inputs `p0, g0, m0, v0, p1, ...`; attrs `count`, `hyper` (`[lr_i / bc1, 1 - lr_i wd_i]` per
 * parameter), `beta1`, `beta2`, `eps`, `bc2`. Outputs `p0', m0', v0', p1', ...`.
 */
const adamW: KernelFunc = (args) => {
  const { inputs, backend, attrs } = parts(args);
  const count = Number(attrs.count);
  const hyper = Float32Array.from(attrs.hyper as number[]);
  need(hyper.length === 2 * count, 'PpmaAdamW: hyper must hold 2 numbers per parameter');
  const lists: Float32Array[][] = [[], [], [], [], [], [], []];
  const outs: TensorInfo[] = [];
  for (let i = 0; i < count; i++) {
    const ts = ['p', 'g', 'm', 'v'].map((k) => inputs[`${k}${i}`]);
    need(
      ts.every((t) => t !== undefined),
      `PpmaAdamW: parameter ${i} lacks an input`,
    );
    float32('PpmaAdamW', ...ts);
    const n = sizeOf(ts[0].shape);
    need(
      ts.every((t) => sizeOf(t.shape) === n),
      `PpmaAdamW: parameter ${i}: p, g, m and v differ in size`,
    );
    ts.forEach((t, k) => lists[k].push(f32(backend, t)));
    for (let k = 4; k < 7; k++) {
      const o = allocF32(n);
      lists[k].push(o);
      outs.push(output(backend, [...ts[0].shape], o));
    }
  }
  const [p, g, m, v, po, mo, vo] = lists;
  addon().adamw(
    p,
    g,
    m,
    v,
    po,
    mo,
    vo,
    hyper,
    Number(attrs.beta1),
    Number(attrs.beta2),
    Number(attrs.eps),
    Number(attrs.bc2),
  );
  return outs;
};

/** The fused kernel configs for backend `backendName`. */
export function fusedKernelConfigs(backendName: string): KernelConfig[] {
  const funcs: [string, KernelFunc][] = [
    [FUSED_KERNEL_NAMES.gelu, gelu],
    [FUSED_KERNEL_NAMES.geluGrad, geluGrad],
    [FUSED_KERNEL_NAMES.layerNorm, layerNorm],
    [FUSED_KERNEL_NAMES.layerNormGrad, layerNormGrad],
    [FUSED_KERNEL_NAMES.softmaxGrad, softmaxGrad],
    [FUSED_KERNEL_NAMES.adamW, adamW],
  ];
  return funcs.map(([kernelName, kernelFunc]) => ({ kernelName, backendName, kernelFunc }));
}
