/**
 * Reading a checkpoint for the video ViT (docs/ARCHITECTURE.md §4): its header and metadata config,
 * a check of that config against the tensors the file holds (before any model is allocated), and
 * its weights mapped to our classifier names in PyTorch layouts.
 */
import {
  CheckpointError,
  readSafetensors,
  readSafetensorsHeader,
  toFloat32,
  type SafetensorsHeader,
  type TensorChecks,
} from '@ppma/core';
import { detectSource, toClassifierKeys, type CheckpointSource } from '../checkpoint-keys.js';
import type { TorchTensor } from '../param-store.js';
import { checkConfigLimits, metadataConfig } from './model-config.js';
import { isHeadKey, isRequiredTrunkKey } from './param-groups.js';

/** A checkpoint's header as the model code needs it. */
export interface CheckpointHeader {
  readonly file: string;
  readonly header: SafetensorsHeader;
  readonly metadata: Readonly<Record<string, string>>;
  /** The JSON `config` of the metadata (checked against {@link CONFIG_LIMITS}); undefined when absent. */
  readonly config: Readonly<Record<string, unknown>> | undefined;
  /** The `format` tag of the metadata (`ppma-vit/1`, `ppma-mae/1`, …), or `''`. */
  readonly format: string;
}

/** Reads the header and the metadata config of a checkpoint, checking the config's sizes against the limits. */
export async function readCheckpointHeader(file: string): Promise<CheckpointHeader> {
  const header = await readSafetensorsHeader(file);
  const config = metadataConfig(file, header.metadata);
  if (config) checkConfigLimits(file, config);
  return { file, header, metadata: header.metadata, config, format: header.metadata.format ?? '' };
}

/** The geometry a trunk is checked against. */
export interface TrunkGeometry {
  readonly dim: number;
  readonly depth: number;
  readonly tubelet: number;
  readonly patch: number;
  readonly mlpRatio?: number;
}

function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/**
 * Checks that the tensors of a checkpoint (`prefix` stripped, names mapped from their source) hold
 * the trunk that `geometry` describes: the patch embedding's shape, the block count and the first
 * block's widths. Reads no tensor data, so it runs before a model is built.
 * @throws CheckpointError naming the file and the first disagreement.
 */
export function checkTensorsFit(
  h: CheckpointHeader,
  geometry: TrunkGeometry,
  options: { prefix?: string; from?: CheckpointSource | 'auto' } = {},
): void {
  const prefix = options.prefix ?? '';
  const shapes = new Map<string, TorchTensor>();
  for (const [k, e] of h.header.entries)
    if (k.startsWith(prefix)) shapes.set(k.slice(prefix.length), { shape: [...e.shape], data: new Float32Array(0) });
  const from = !options.from || options.from === 'auto' ? detectSource(shapes.keys()) : options.from;
  const named = toClassifierKeys(shapes, from);
  const { dim, depth, tubelet, patch } = geometry;
  const expect = (key: string, shape: number[]) => {
    const t = named.get(key);
    if (!t) throw new CheckpointError(h.file, `has no "${key}" (prefix "${prefix}", source ${from})`);
    if (!shapesEqual(t.shape, shape))
      throw new CheckpointError(
        h.file,
        `"${key}" has shape [${t.shape.join(', ')}], the config says [${shape.join(', ')}]`,
      );
  };
  expect('patch_embed.proj.weight', [dim, 3, tubelet, patch, patch]);
  const blocks = new Set<number>();
  for (const k of named.keys()) {
    const m = /^blocks\.(\d+)\./.exec(k);
    if (m) blocks.add(Number(m[1]));
  }
  if (blocks.size !== depth || (depth > 0 && !blocks.has(depth - 1)))
    throw new CheckpointError(h.file, `holds ${blocks.size} block(s), the config says depth ${depth}`);
  expect('blocks.0.attn.qkv.weight', [3 * dim, dim]);
  expect('blocks.0.mlp.fc1.weight', [Math.round(dim * (geometry.mlpRatio ?? 4)), dim]);
}

/** Options of {@link readClassifierWeights}; `allowNonFinite` loads NaN/Inf weights anyway, to inspect a broken checkpoint (default: a `SafetensorsFormatError`). */
export interface ReadWeightsOptions extends Pick<TensorChecks, 'allowNonFinite'> {
  /** Key prefix in the file, e.g. `classifier.`. */
  readonly prefix?: string;
  /** Naming scheme of the file; default: detected from the keys. */
  readonly from?: CheckpointSource | 'auto';
  /** Leave out `head.*` / `heads.*` (a new task's heads start fresh; soups never mix heads). */
  readonly dropHeads?: boolean;
}

/** A checkpoint's weights in classifier names and PyTorch layouts. */
export interface ClassifierWeights {
  readonly weights: Map<string, TorchTensor>;
  readonly source: CheckpointSource;
  readonly prefix: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Reads the weights of a checkpoint, strips `prefix` and maps the names of its source onto ours. */
export async function readClassifierWeights(
  file: string,
  options: ReadWeightsOptions = {},
): Promise<ClassifierWeights> {
  const prefix = options.prefix ?? '';
  const { tensors, metadata } = await readSafetensors(file, { prefix, allowNonFinite: options.allowNonFinite });
  const stripped = new Map<string, TorchTensor>();
  for (const [k, t] of tensors) stripped.set(k.slice(prefix.length), { shape: [...t.shape], data: toFloat32(t) });
  const source = !options.from || options.from === 'auto' ? detectSource(stripped.keys()) : options.from;
  const weights = toClassifierKeys(stripped, source);
  if (options.dropHeads) for (const k of [...weights.keys()]) if (isHeadKey(k)) weights.delete(k);
  return { weights, source, prefix, metadata };
}

/**
 * Throws when the parameters a model reported missing after a non-strict load include trunk ones
 * (heads and `fc_norm` may start fresh).
 */
export function requireTrunk(file: string, missing: readonly string[], detail = ''): void {
  const trunk = missing.filter(isRequiredTrunkKey);
  if (trunk.length)
    throw new CheckpointError(
      file,
      `the trunk parameter(s) ${trunk.slice(0, 4).join(', ')} are missing${detail ? ` (${detail})` : ''}`,
    );
}
