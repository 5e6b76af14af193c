/**
 * Reading the trunk of a checkpoint for a soup (docs/ARCHITECTURE.md §5 "Soup": every weight except heads):
 * our VideoViT checkpoints, MAE checkpoints (encoder only) and the other formats `@ppma/vit` maps,
 * all normalised to classifier names in PyTorch layouts, heads removed.
 */
import { CheckpointError, ModelError, readSafetensors, toFloat32 } from '@ppma/core';
import {
  detectSource,
  resolveVitConfig,
  toClassifierKeys,
  type TorchTensor,
  type VitConfig,
  type VitConfigInput,
} from '@ppma/vit';

/** Architecture fields that must agree between the ingredients of a soup. */
export const ARCHITECTURE_KEYS = [
  'dim',
  'depth',
  'heads',
  'tubelet',
  'patch',
  'frames',
  'height',
  'width',
  'mlpRatio',
  'normEps',
] as const;

/** One ingredient of a soup: its trunk weights and architecture. */
export interface Trunk {
  readonly file: string;
  /** Architecture with no heads (`classes: 0`). */
  readonly config: VitConfig;
  /** Trunk weights by classifier name, PyTorch layout (no `head.*` / `heads.*`). */
  readonly weights: Map<string, TorchTensor>;
  /** The checkpoint's metadata (provenance of the soup). */
  readonly metadata: Record<string, string>;
}

/** True for head parameters, which soups never average. */
export function isHeadKey(name: string): boolean {
  return name.startsWith('head.') || name.startsWith('heads.');
}

/** Reads the trunk of a checkpoint. */
export async function readTrunk(file: string): Promise<Trunk> {
  const { tensors, metadata } = await readSafetensors(file);
  if (!metadata.config) throw new ModelError(`${file}: no model config in the safetensors metadata`, { file });
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(metadata.config) as Record<string, unknown>;
  } catch (e) {
    throw new ModelError(`${file}: metadata "config" is not JSON`, { file, cause: e });
  }
  const arch: Record<string, unknown> = {};
  for (const k of [...ARCHITECTURE_KEYS, 'mean', 'std'] as const) if (raw[k] !== undefined) arch[k] = raw[k];
  const config = resolveVitConfig({ ...(arch as unknown as VitConfigInput), classes: 0, dropPath: 0 });
  const plain = new Map<string, TorchTensor>();
  for (const [k, t] of tensors) plain.set(k, { shape: [...t.shape], data: toFloat32(t) });
  const weights = toClassifierKeys(plain, detectSource(plain.keys()));
  for (const k of [...weights.keys()]) if (isHeadKey(k)) weights.delete(k);
  if (weights.size === 0) throw new CheckpointError(file, 'no trunk weights found');
  return { file, config, weights, metadata };
}

/** Checks that trunks share the architecture, key set and shapes; errors name the file and key. */
export function checkSameArchitecture(trunks: readonly Trunk[]): void {
  const [a] = trunks;
  for (const b of trunks.slice(1)) {
    for (const k of ARCHITECTURE_KEYS) {
      if (a.config[k] !== b.config[k])
        throw new CheckpointError(
          b.file,
          `architecture differs from ${a.file}: ${k} is ${b.config[k]} here, ${a.config[k]} there`,
        );
    }
    for (const [k, t] of a.weights) {
      const u = b.weights.get(k);
      if (!u) throw new CheckpointError(b.file, `has no "${k}", which ${a.file} has`);
      if (u.shape.length !== t.shape.length || u.shape.some((s, i) => s !== t.shape[i])) {
        throw new CheckpointError(
          b.file,
          `"${k}" has shape [${u.shape.join(', ')}], ${a.file} has [${t.shape.join(', ')}]`,
        );
      }
    }
    for (const k of b.weights.keys())
      if (!a.weights.has(k)) throw new CheckpointError(b.file, `has "${k}", which ${a.file} lacks`);
  }
}
