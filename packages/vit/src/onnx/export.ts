/**
 * ONNX export of the video ViT (issue 8): a standard ModelProto with a named `clip` input
 * `[B,T,H,W,3]` (float32 pixels in [0,1]; the graph normalises), outputs `logits` (or
 * `logits.<dataset>` per head), `pooled` and optionally `tokens`, a dynamic batch dimension, the
 * model config in `metadata_props`, and standard ops only (opset >= 17 for LayerNormalization).
 */
import { ConfigError, ModelError, atomicWrite, readSafetensors, toFloat32, type TensorChecks } from '@ppma/core';
import { resolveOnnxVitConfig } from './config.js';
import type { ResolvedVitConfig, VitConfigLike } from './config.js';
import { GraphBuilder, floatValueInfo } from './graph-builder.js';
import type { Dim } from './graph-builder.js';
import { onnxTypes } from './onnx-schema.js';
import type { ModelMsg, ValueInfoMsg } from './onnx-schema.js';
import { WeightReader, buildVit } from './vit-graph.js';
import { detectSource, toClassifierKeys } from '../checkpoint-keys.js';
import { checkConfigLimits, metadataConfig } from '../checkpoint/model-config.js';
import type { TorchTensor } from '../param-store.js';
import type { OnnxAttention, StateTensor } from './vit-graph.js';

/** Anything exportable: a config and a PyTorch-named, PyTorch-layout float32 state dict. */
export interface OnnxExportSource {
  readonly config: VitConfigLike;
  stateDict(): ReadonlyMap<string, StateTensor>;
}

/** Options of {@link exportOnnx}. */
export interface OnnxExportOptions {
  /** ONNX opset of the default domain, 17 to 21 (default 17). */
  readonly opset?: number;
  /** Symbolic batch dimension `batch` (default true); otherwise the batch is fixed to `batch`. */
  readonly dynamicBatch?: boolean;
  /** The fixed batch size when `dynamicBatch` is false (default 1). */
  readonly batch?: number;
  /** Drop the heads: outputs `pooled` (and `tokens` if asked). */
  readonly encoderOnly?: boolean;
  /** Also output the last block's tokens `[B,N,D]`. */
  readonly tokens?: boolean;
  /**
   * `standard` (default): attention from standard ops, for any runtime. `ort-fused`: onnxruntime's
   * `com.microsoft.MultiHeadAttention` contrib op (faster on long clips; onnxruntime only).
   */
  readonly attention?: OnnxAttention;
  /** Extra `metadata_props` (for example label names); keys starting with `ppma.` are reserved. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Metadata key holding the JSON model config. */
export const ONNX_META_CONFIG = 'ppma.config';
/** Metadata key holding the JSON list of outputs. */
export const ONNX_META_OUTPUTS = 'ppma.outputs';
/** Metadata key naming the file format. */
export const ONNX_META_FORMAT = 'ppma.format';
/** Value of {@link ONNX_META_FORMAT}. */
export const ONNX_FORMAT = 'ppma-video-vit/1';

/** The IR version that goes with an opset (onnx/docs/Versioning.md). */
export function irVersionForOpset(opset: number): number {
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

/** Builds the ModelProto message (plain object) of a source. */
export function buildOnnxModel(source: OnnxExportSource, options: OnnxExportOptions = {}): ModelMsg {
  const opset = options.opset ?? 17;
  if (!Number.isInteger(opset) || opset < 17 || opset > 21)
    throw new ConfigError('opset', `must be an integer in 17..21 (LayerNormalization needs 17), got ${opset}`);
  const c = resolveOnnxVitConfig(source.config);
  const withHeads = !options.encoderOnly && c.headSpecs.length > 0;
  const batch: Dim = options.dynamicBatch === false ? (options.batch ?? 1) : 'batch';
  const g = new GraphBuilder(opset);
  const clip = g.input('clip');
  const weights = new WeightReader(source.stateDict());
  const out = buildVit(g, weights, clip, c, withHeads, options.attention ?? 'standard');
  const unused = weights.unused().filter((k) => withHeads || !/^heads?\./.test(k));
  if (unused.length)
    throw new ModelError(
      `state dict tensors not part of the video ViT: ${unused.slice(0, 8).join(', ')}${unused.length > 8 ? ', …' : ''}`,
    );

  const outputs: ValueInfoMsg[] = [];
  for (const [name, tensor] of out.logits) {
    const classes = c.headSpecs.find((h) => h.output === name)!.classes;
    g.output('Identity', [tensor], name);
    outputs.push(floatValueInfo(name, [batch, classes], 'class logits (before softmax)'));
  }
  g.output('Identity', [out.pooled], 'pooled');
  outputs.push(floatValueInfo('pooled', [batch, c.dim], 'fc_norm(mean over tokens): the encoder features'));
  if (options.tokens) {
    g.output('Identity', [out.tokens], 'tokens');
    outputs.push(floatValueInfo('tokens', [batch, c.tokens, c.dim], 'tokens after the last block, (t,h,w) order'));
  }
  const input = floatValueInfo(
    'clip',
    [batch, c.frames, c.height, c.width, 3],
    'RGB clip, channels last, pixels in [0,1]',
  );
  const graph = g.build(
    'ppma_video_vit',
    [input],
    outputs,
    'Video ViT (docs/ARCHITECTURE.md §4), exported by @ppma/vit',
  );

  const reserved = Object.keys(options.metadata ?? {}).filter((k) => k.startsWith('ppma.'));
  if (reserved.length) throw new ConfigError('metadata', `keys ${reserved.join(', ')} are reserved`);
  const metadataProps = [
    { key: ONNX_META_FORMAT, value: ONNX_FORMAT },
    { key: ONNX_META_CONFIG, value: JSON.stringify(configJson(c)) },
    { key: ONNX_META_OUTPUTS, value: JSON.stringify(outputs.map((o) => o.name)) },
    ...Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  ];
  return {
    irVersion: irVersionForOpset(opset),
    producerName: '@ppma/vit',
    producerVersion: '0.1.0',
    modelVersion: 1,
    graph,
    opsetImport: [{ domain: '', version: opset }, ...[...g.domains].map((domain) => ({ domain, version: 1 }))],
    metadataProps,
  };
}

/** The config as stored in the ONNX metadata (our field names; `tubelet` as `[t, p, p]`). */
function configJson(c: ResolvedVitConfig): VitConfigLike & { tokens: number } {
  const classes =
    c.headSpecs.length === 1 && c.headSpecs[0].key === 'head'
      ? c.headSpecs[0].classes
      : Object.fromEntries(c.headSpecs.map((h) => [h.key.slice('heads.'.length), h.classes]));
  return {
    dim: c.dim,
    depth: c.depth,
    heads: c.heads,
    tubelet: c.tubelet,
    frames: c.frames,
    height: c.height,
    width: c.width,
    classes,
    mlpRatio: c.hidden / c.dim,
    normEps: c.normEps,
    mean: c.mean,
    std: c.std,
    tokens: c.tokens,
  };
}

/** Serialises a source to ONNX protobuf bytes. */
export function encodeOnnxModel(source: OnnxExportSource, options: OnnxExportOptions = {}): Uint8Array {
  const msg = buildOnnxModel(source, options);
  return onnxTypes.ModelProto.encode(onnxTypes.ModelProto.fromObject(msg)).finish();
}

/** Writes the ONNX model of `source` to `file` (atomically). Returns the output names. */
export async function exportOnnx(
  source: OnnxExportSource,
  file: string,
  options: OnnxExportOptions = {},
): Promise<{ outputs: string[]; bytes: number }> {
  const msg = buildOnnxModel(source, options);
  const bytes = onnxTypes.ModelProto.encode(onnxTypes.ModelProto.fromObject(msg)).finish();
  await atomicWrite(file, [bytes]);
  return { outputs: msg.graph.output.map((o) => o.name), bytes: bytes.byteLength };
}

/** Options of {@link loadSafetensorsSource}; `allowNonFinite` reads NaN/Inf weights anyway, to inspect a broken checkpoint (default: an error naming the tensor). */
export interface SafetensorsSourceOptions extends Pick<TensorChecks, 'allowNonFinite'> {
  /** Key prefix to strip (for example `classifier.`); found from `patch_embed.proj.weight` when omitted. */
  readonly prefix?: string;
  /** The config; when omitted it is read from the JSON `__metadata__.config` of the file, merged with this. */
  readonly config?: Partial<VitConfigLike>;
}

/** Reads a PyTorch-named safetensors checkpoint as an export source. */
export async function loadSafetensorsSource(
  file: string,
  options: SafetensorsSourceOptions = {},
): Promise<OnnxExportSource> {
  const { tensors, metadata } = await readSafetensors(file, { allowNonFinite: options.allowNonFinite });
  const keys = [...tensors.keys()];
  let prefix = options.prefix;
  if (prefix === undefined) {
    // An outer prefix such as `classifier.` or `module.`; `encoder.`/`trunk.` names are mapped below.
    const known = keys.some((k) => /^(patch_embed|encoder|trunk)\./.test(k));
    const hits = keys.filter((k) => k.endsWith('patch_embed.proj.weight'));
    prefix = !known && hits.length === 1 ? hits[0].slice(0, -'patch_embed.proj.weight'.length) : '';
  }
  const stripped = new Map<string, TorchTensor>();
  for (const [k, t] of tensors)
    if (k.startsWith(prefix)) stripped.set(k.slice(prefix.length), { shape: [...t.shape], data: toFloat32(t) });
  const from = detectSource(stripped.keys());
  const dict = toClassifierKeys(stripped, from);
  if (!dict.has('fc_norm.weight')) {
    throw new ModelError(
      `checkpoint (${from} names, prefix "${prefix}") has no fc_norm: export a fine-tuned or aligned classifier, not a pre-training checkpoint`,
      { file },
    );
  }
  const raw = metadataConfig(file, metadata);
  if (raw) checkConfigLimits(file, raw);
  const stored = (raw ?? {}) as Partial<VitConfigLike>;
  const config = { ...stored, ...options.config } as VitConfigLike;
  for (const key of ['dim', 'depth', 'heads', 'tubelet', 'frames', 'height', 'width'] as const) {
    if (config[key] === undefined)
      throw new ConfigError(key, 'missing: the checkpoint metadata has no config; pass one', { file });
  }
  return { config: { ...config, classes: config.classes ?? inferClasses(dict) }, stateDict: () => dict };
}

/** Head sizes from the state dict: `head.weight [C, D]` or `heads.<name>.weight`. */
function inferClasses(dict: ReadonlyMap<string, StateTensor>): number | Record<string, number> {
  const single = dict.get('head.weight');
  if (single) return single.shape[0];
  const heads: Record<string, number> = {};
  for (const [k, t] of dict) {
    const m = /^heads\.(.+)\.weight$/.exec(k);
    if (m) heads[m[1]] = t.shape[0];
  }
  return Object.keys(heads).length ? heads : 0;
}

/** Exports a safetensors checkpoint straight to ONNX. */
export async function exportOnnxFromSafetensors(
  ckptPath: string,
  out: string,
  options: OnnxExportOptions & SafetensorsSourceOptions = {},
): Promise<{ outputs: string[]; bytes: number }> {
  return exportOnnx(await loadSafetensorsSource(ckptPath, options), out, options);
}
