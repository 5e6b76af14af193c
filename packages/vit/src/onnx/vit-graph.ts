/**
 * The video ViT of docs/ARCHITECTURE.md §4 as an ONNX graph: tubelet patch embedding (normalisation folded in) as a
 * Reshape/Transpose + MatMul, the fixed sinusoid position table, pre-norm blocks (LayerNormalization,
 * multi-head attention with Softmax, Erf GELU MLP), mean pooling, fc_norm and the linear heads.
 * Weights come from a PyTorch-named state dict (Linear weights `[out, in]`).
 */
import { ModelError } from '@ppma/core';
import { GraphBuilder } from './graph-builder.js';
import type { ResolvedVitConfig } from './config.js';
import { sinusoidTable } from './sinusoid.js';

/** A tensor of a PyTorch-layout state dict. */
export interface StateTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Hands out state-dict tensors by name, checking shapes and recording which were used. */
export class WeightReader {
  private readonly consumed = new Set<string>();
  constructor(private readonly dict: ReadonlyMap<string, StateTensor>) {}

  /** The tensor `key`, which must have `shape`. */
  take(key: string, shape: readonly number[]): Float32Array {
    const t = this.dict.get(key);
    if (!t) throw new ModelError(`state dict has no tensor ${key} (expected shape [${shape.join(', ')}])`);
    if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i])) {
      throw new ModelError(
        `state dict tensor ${key} has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`,
      );
    }
    this.consumed.add(key);
    return t.data;
  }

  /** Keys never taken. */
  unused(): string[] {
    return [...this.dict.keys()].filter((k) => !this.consumed.has(k));
  }
}

/** `[out, in]` row-major to `[in, out]` (the right operand of MatMul). */
export function transpose2d(w: Float32Array, out: number, inp: number): Float32Array {
  const r = new Float32Array(w.length);
  for (let o = 0; o < out; o++) for (let i = 0; i < inp; i++) r[i * out + o] = w[o * inp + i];
  return r;
}

function linear(
  g: GraphBuilder,
  w: WeightReader,
  x: string,
  key: string,
  inp: number,
  out: number,
  scaleCols?: [number, number],
): string {
  const wt = transpose2d(w.take(`${key}.weight`, [out, inp]), out, inp); // [in, out]
  const b = Float32Array.from(w.take(`${key}.bias`, [out]));
  if (scaleCols) {
    // Fold the attention scale 1/sqrt(head dim) into the q columns (math-identical to scaling q).
    const [cols, s] = scaleCols;
    for (let i = 0; i < inp; i++) for (let o = 0; o < cols; o++) wt[i * out + o] *= s;
    for (let o = 0; o < cols; o++) b[o] *= s;
  }
  const y = g.op('MatMul', [x, g.initializer(`${key}.weight`, [inp, out], wt)], `${key}.matmul`);
  return g.op('Add', [y, g.initializer(`${key}.bias`, [out], b)], `${key}.add`);
}

function layerNorm(g: GraphBuilder, w: WeightReader, x: string, key: string, c: ResolvedVitConfig): string {
  const scale = g.initializer(`${key}.weight`, [c.dim], w.take(`${key}.weight`, [c.dim]));
  const bias = g.initializer(`${key}.bias`, [c.dim], w.take(`${key}.bias`, [c.dim]));
  return g.op('LayerNormalization', [x, scale, bias], key, { axis: { int: -1 }, epsilon: { float: c.normEps } });
}

/**
 * Patch embedding + position table: clip `[B,T,H,W,3]` in [0,1] to tokens `[B,N,D]`. The ImageNet
 * normalisation is folded into the embedding: `((x - m) / s) W + b = x (W / s) + (b - (m / s) W)`.
 */
function patchEmbed(g: GraphBuilder, w: WeightReader, clip: string, c: ResolvedVitConfig): string {
  const [t, ph, pw] = c.tubelet;
  const [gt, gh, gw] = c.grid;
  const k = t * ph * pw * 3;
  let x = g.op('Reshape', [clip, g.int64([0, gt, t, gh, ph, gw, pw, 3])], 'patch_embed.split'); // [B,T',t,H',p,W',p,3]
  x = g.op('Transpose', [x], 'patch_embed.tubelets', { perm: { ints: [0, 1, 3, 5, 2, 4, 6, 7] } }); // [B,T',H',W',t,p,p,3]
  x = g.op('Reshape', [x, g.int64([0, c.tokens, k])], 'patch_embed.flatten'); // [B,N,t*p*p*3]
  // Conv3d weight [D,3,t,p,p] -> matrix [(dt,dy,dx,c), D], the row order of the flattened tubelets.
  const conv = w.take('patch_embed.proj.weight', [c.dim, 3, t, ph, pw]);
  const bias = Float64Array.from(w.take('patch_embed.proj.bias', [c.dim]));
  const mat = new Float32Array(k * c.dim);
  for (let d = 0; d < c.dim; d++)
    for (let ch = 0; ch < 3; ch++)
      for (let dt = 0; dt < t; dt++)
        for (let dy = 0; dy < ph; dy++)
          for (let dx = 0; dx < pw; dx++) {
            const row = ((dt * ph + dy) * pw + dx) * 3 + ch;
            const v = conv[(((d * 3 + ch) * t + dt) * ph + dy) * pw + dx];
            mat[row * c.dim + d] = v / c.std[ch];
            bias[d] -= (v * c.mean[ch]) / c.std[ch];
          }
  x = g.op('MatMul', [x, g.initializer('patch_embed.proj.weight', [k, c.dim], mat)], 'patch_embed.matmul'); // [B,N,D]
  x = g.op('Add', [x, g.initializer('patch_embed.proj.bias', [c.dim], Float32Array.from(bias))], 'patch_embed.add');
  return g.op(
    'Add',
    [x, g.initializer('pos_embed', [c.tokens, c.dim], sinusoidTable(c.tokens, c.dim))],
    'pos_embed.add',
  ); // [B,N,D]
}

/** Which attention the graph uses: standard ops, or onnxruntime's fused contrib op. */
export type OnnxAttention = 'standard' | 'ort-fused';

/**
 * Attention as onnxruntime's `com.microsoft.MultiHeadAttention` (fused scale-softmax, memory
 * efficient on CPU). Not a standard ONNX op: only onnxruntime runs it.
 */
function fusedAttention(g: GraphBuilder, w: WeightReader, x: string, key: string, c: ResolvedVitConfig): string {
  const qkv = linear(g, w, x, `${key}.qkv`, c.dim, 3 * c.dim); // [B,N,3D]
  const [q, k, v] = g.opMulti('Split', [qkv, g.int64([c.dim, c.dim, c.dim])], `${key}.split_qkv`, 3, {
    axis: { int: -1 },
  }); // 3 x [B,N,D]
  const o = g.opMulti(
    'MultiHeadAttention',
    [q, k, v],
    `${key}.mha`,
    1,
    { num_heads: { int: c.heads } },
    'com.microsoft',
  )[0]; // [B,N,D]
  return linear(g, w, o, `${key}.proj`, c.dim, c.dim);
}

/** Multi-head self-attention on `[B,N,D]`. */
function attention(
  g: GraphBuilder,
  w: WeightReader,
  x: string,
  key: string,
  c: ResolvedVitConfig,
  mode: OnnxAttention,
): string {
  if (mode === 'ort-fused') return fusedAttention(g, w, x, key, c);
  const hd = c.dim / c.heads;
  const qkv = linear(g, w, x, `${key}.qkv`, c.dim, 3 * c.dim, [c.dim, 1 / Math.sqrt(hd)]); // [B,N,3D], q pre-scaled
  let s = g.op('Reshape', [qkv, g.int64([0, c.tokens, 3, c.heads, hd])], `${key}.split_heads`); // [B,N,3,h,hd]
  s = g.op('Transpose', [s], `${key}.qkv_first`, { perm: { ints: [2, 0, 3, 1, 4] } }); // [3,B,h,N,hd]
  const pick = (i: number, n: string): string =>
    g.op('Gather', [s, g.int64([i], [])], `${key}.${n}`, { axis: { int: 0 } }); // [B,h,N,hd]
  const q = pick(0, 'q');
  const kT = g.op('Transpose', [pick(1, 'k')], `${key}.k_t`, { perm: { ints: [0, 1, 3, 2] } }); // [B,h,hd,N]
  const v = pick(2, 'v');
  const scores = g.op('MatMul', [q, kT], `${key}.scores`); // [B,h,N,N]
  const attn = g.op('Softmax', [scores], `${key}.softmax`, { axis: { int: -1 } });
  let o = g.op('MatMul', [attn, v], `${key}.context`); // [B,h,N,hd]
  o = g.op('Transpose', [o], `${key}.merge_heads`, { perm: { ints: [0, 2, 1, 3] } }); // [B,N,h,hd]
  o = g.op('Reshape', [o, g.int64([0, c.tokens, c.dim])], `${key}.merge`); // [B,N,D]
  return linear(g, w, o, `${key}.proj`, c.dim, c.dim);
}

/** Two-layer MLP with exact (erf) GELU: `0.5 x (1 + erf(x / sqrt 2))`. */
function mlp(g: GraphBuilder, w: WeightReader, x: string, key: string, c: ResolvedVitConfig): string {
  const h = linear(g, w, x, `${key}.fc1`, c.dim, c.hidden); // [B,N,4D]
  const e = g.op('Erf', [g.op('Div', [h, g.scalar(Math.SQRT2)], `${key}.gelu.div`)], `${key}.gelu.erf`);
  const gelu = g.op(
    'Mul',
    [g.op('Mul', [h, g.op('Add', [e, g.scalar(1)], `${key}.gelu.add`)], `${key}.gelu.mul`), g.scalar(0.5)],
    `${key}.gelu`,
  );
  return linear(g, w, gelu, `${key}.fc2`, c.hidden, c.dim); // [B,N,D]
}

/** The graph's named outputs. */
export interface VitGraphOutputs {
  readonly tokens: string;
  readonly pooled: string;
  /** Per head: ONNX output name -> tensor name. */
  readonly logits: ReadonlyMap<string, string>;
}

/** Adds the whole ViT on graph input `clip`; heads only when `withHeads`. */
export function buildVit(
  g: GraphBuilder,
  w: WeightReader,
  clip: string,
  c: ResolvedVitConfig,
  withHeads: boolean,
  mode: OnnxAttention = 'standard',
): VitGraphOutputs {
  let x = patchEmbed(g, w, clip, c); // [B,N,D]
  for (let i = 0; i < c.depth; i++) {
    const key = `blocks.${i}`;
    x = g.op(
      'Add',
      [x, attention(g, w, layerNorm(g, w, x, `${key}.norm1`, c), `${key}.attn`, c, mode)],
      `${key}.residual1`,
    );
    x = g.op('Add', [x, mlp(g, w, layerNorm(g, w, x, `${key}.norm2`, c), `${key}.mlp`, c)], `${key}.residual2`);
  }
  const mean =
    g.opset >= 18
      ? g.op('ReduceMean', [x, g.int64([1])], 'pool', { keepdims: { int: 0 } })
      : g.op('ReduceMean', [x], 'pool', { axes: { ints: [1] }, keepdims: { int: 0 } }); // [B,D]
  const pooled = layerNorm(g, w, mean, 'fc_norm', c); // [B,D]
  const logits = new Map<string, string>();
  if (withHeads) {
    for (const h of c.headSpecs) logits.set(h.output, linear(g, w, pooled, h.key, c.dim, h.classes)); // [B,C]
  }
  return { tokens: x, pooled, logits };
}
