/**
 * Reading the trunk of a checkpoint for a soup (docs/ARCHITECTURE.md §5 "Soup": every weight except heads):
 * our VideoViT checkpoints, MAE checkpoints (encoder only) and the other formats `@ppma/vit` maps,
 * all normalised to classifier names in PyTorch layouts, heads removed. Reading is `@ppma/vit`'s.
 */
import { CheckpointError, ModelError } from '@ppma/core';
import {
  ARCHITECTURE_KEYS,
  checkTensorsFit,
  readCheckpointHeader,
  readClassifierWeights,
  resolveVitConfig,
  trunkConfigOf,
  type TorchTensor,
  type VitConfig,
  type VitConfigInput,
} from '@ppma/vit';

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

/** Reads the trunk of a checkpoint (its config and tensors are checked before the weights are read). */
export async function readTrunk(file: string): Promise<Trunk> {
  const h = await readCheckpointHeader(file);
  if (!h.config) throw new ModelError(`${file}: no model config in the safetensors metadata`, { file });
  const config = resolveVitConfig({ ...(trunkConfigOf(h.config) as VitConfigInput), classes: 0, dropPath: 0 });
  checkTensorsFit(h, config);
  const { weights } = await readClassifierWeights(file, { dropHeads: true });
  if (weights.size === 0) throw new CheckpointError(file, 'no trunk weights found');
  return { file, config, weights, metadata: { ...h.metadata } };
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
