/**
 * The pre-norm transformer block of docs/ARCHITECTURE.md §4 (ViT, Dosovitskiy et al. 2021):
 * `x = x + Attn(LN1(x))`, `x = x + MLP(LN2(x))`, MLP = `Linear(D, rD)`, exact GELU, `Linear(rD, D)`.
 * Parameters are read from a {@link ParamStore} under `prefix` with PyTorch names
 * (`norm1`, `attn.qkv`, `attn.proj`, `norm2`, `mlp.fc1`, `mlp.fc2`).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@ppma/core';
import type { ParamStore } from '../param-store.js';
import { attention, type AttentionMode } from './attention.js';
import { dropPath } from './drop-path.js';
import { gelu } from './gelu.js';
import { layerNorm } from './layer-norm.js';
import { linear } from './matmul-2d.js';
import { residualAdd } from './tape-ops.js';

/** How a block runs. */
export interface BlockContext {
  readonly batch: number;
  readonly heads: number;
  readonly eps: number;
  /** Attention product strategy (`auto`: per backend and problem size). */
  readonly mode: AttentionMode | 'auto';
  /** Drop-path rate of this block (training only). */
  readonly dropPath: number;
  /** Random stream for drop path; without it, drop path is off. */
  readonly rng?: Rng;
}

/** Adds the parameters of one block (dim `d`, MLP width `hidden`) under `prefix`. */
export function addBlockParams(store: ParamStore, prefix: string, d: number, hidden: number, rng: Rng): void {
  store.addNorm(`${prefix}.norm1`, d);
  store.addLinear(`${prefix}.attn.qkv`, d, 3 * d, rng);
  store.addLinear(`${prefix}.attn.proj`, d, d, rng);
  store.addNorm(`${prefix}.norm2`, d);
  store.addLinear(`${prefix}.mlp.fc1`, d, hidden, rng);
  store.addLinear(`${prefix}.mlp.fc2`, hidden, d, rng);
}

/** One block on `x: [B*N, D]`. */
export function block(store: ParamStore, prefix: string, x: tf.Tensor2D, ctx: BlockContext): tf.Tensor2D {
  const p = (n: string) => store.get<tf.Tensor2D>(`${prefix}.${n}`);
  const q = (n: string) => store.get<tf.Tensor1D>(`${prefix}.${n}`);
  const h1 = layerNorm(x, q('norm1.weight'), q('norm1.bias'), ctx.eps); // [B*N, D]
  const a = attention(
    h1,
    { qkvW: p('attn.qkv.weight'), qkvB: q('attn.qkv.bias'), projW: p('attn.proj.weight'), projB: q('attn.proj.bias') },
    ctx.batch,
    ctx.heads,
    ctx.mode,
  ); // [B*N, D]
  const x1 = residualAdd(x, dropPath(a, ctx.batch, ctx.dropPath, ctx.rng)); // [B*N, D]
  const h2 = layerNorm(x1, q('norm2.weight'), q('norm2.bias'), ctx.eps); // [B*N, D]
  const f = linear(gelu(linear(h2, p('mlp.fc1.weight'), q('mlp.fc1.bias'))), p('mlp.fc2.weight'), q('mlp.fc2.bias')); // [B*N, D]
  return residualAdd(x1, dropPath(f, ctx.batch, ctx.dropPath, ctx.rng)); // [B*N, D]
}
