/**
 * The fused multi-head self-attention kernels of the `native` backend (`native/attention.cc`,
 * docs/ARCHITECTURE.md §3): `PpmaAttention` takes the packed projection `qkv: [B*N, 3D]` (columns
 * q, k, v, each `heads x dh`) and returns the merged heads `[B*N, D]` and the probabilities
 * `p: [B*heads, N, N]`; `PpmaAttentionGrad` turns `dy: [B*N, D]` into `dqkv: [B*N, 3D]`. No head is
 * ever split, transposed or stacked as a tensor.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { addon, allocF32, f32, output } from './context.js';
import { FUSED_KERNEL_NAMES } from './fused-kernels.js';

/** The kernel names (also in `FUSED_KERNEL_NAMES`, which `@ppma/core` mirrors). */
export const ATTENTION_KERNEL_NAMES = {
  attention: FUSED_KERNEL_NAMES.attention,
  attentionGrad: FUSED_KERNEL_NAMES.attentionGrad,
} as const;

type Args = { inputs: Record<string, TensorInfo>; backend: MathBackendCPU; attrs: Record<string, unknown> };

/** `[batch, tokens, heads, headDim]` of `qkv: [B*N, 3D]`, or a thrown error naming the problem. */
function geometry(name: string, qkv: TensorInfo, attrs: Record<string, unknown>): Int32Array {
  const batch = Number(attrs.batch);
  const heads = Number(attrs.heads);
  const [rows, cols] = qkv.shape;
  const ok =
    qkv.dtype === 'float32' &&
    qkv.shape.length === 2 &&
    Number.isInteger(batch) &&
    Number.isInteger(heads) &&
    batch > 0 &&
    heads > 0 &&
    rows % batch === 0 &&
    cols % (3 * heads) === 0;
  if (!ok)
    throw new Error(
      `native backend: ${name} needs float32 qkv [B*N, 3*heads*dh], got ${qkv.dtype} [${qkv.shape.join(', ')}] ` +
        `with batch ${attrs.batch} and heads ${attrs.heads}`,
    );
  return Int32Array.from([batch, rows / batch, heads, cols / (3 * heads)]);
}

const attention: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args as unknown as Args;
  const { qkv } = inputs;
  const dims = geometry('PpmaAttention', qkv, attrs);
  const [batch, n, heads, dh] = dims;
  const out = allocF32(batch * n * heads * dh);
  const p = allocF32(batch * heads * n * n);
  addon().attention(f32(backend, qkv), out, p, dims, 1 / Math.sqrt(dh));
  return [output(backend, [batch * n, heads * dh], out), output(backend, [batch * heads, n, n], p)];
};

const attentionGrad: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args as unknown as Args;
  const { dy, qkv, p } = inputs;
  const dims = geometry('PpmaAttentionGrad', qkv, attrs);
  const dqkv = allocF32(qkv.shape[0] * qkv.shape[1]);
  addon().attentionGrad(f32(backend, dy), f32(backend, qkv), f32(backend, p), dqkv, dims, 1 / Math.sqrt(dims[3]));
  return output(backend, [...qkv.shape], dqkv);
};

/** The kernel configs of the fused attention for `backendName`. */
export function attentionKernelConfigs(backendName: string): KernelConfig[] {
  return [
    { kernelName: ATTENTION_KERNEL_NAMES.attention, backendName, kernelFunc: attention },
    { kernelName: ATTENTION_KERNEL_NAMES.attentionGrad, backendName, kernelFunc: attentionGrad },
  ];
}
