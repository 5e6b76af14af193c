/**
 * Building a {@link VideoViT} from a checkpoint (docs/ARCHITECTURE.md §4, §5 "Stage 2"): the config comes
 * from the metadata, is checked against the limits and the tensors present, and only then is the
 * model allocated and its trunk loaded. With fresh heads, the file's heads are ignored and the
 * model gets new, seeded ones (a new task, or stage 2 from an MAE encoder).
 */
import { ModelError } from '@ppma/core';
import { resolveVitConfig, type VitConfigInput } from '../config.js';
import { VideoViT } from '../video-vit.js';
import { trunkConfigOf } from './model-config.js';
import { checkTensorsFit, readCheckpointHeader, readClassifierWeights, requireTrunk } from './read-checkpoint.js';

/** Options of {@link loadWithFreshHeads}. */
export interface FreshHeadsOptions {
  /** The new heads: one with this many classes, or named heads. */
  readonly classes: number | Readonly<Record<string, number>>;
  /** Config fields set by the caller (e.g. `dropPath`); the architecture comes from the file. */
  readonly overrides?: Partial<VitConfigInput>;
  /** Seed of the fresh heads (and of any parameter the file lacks, such as `fc_norm`). */
  readonly seed?: number | string;
}

/**
 * A model with the trunk of `file` (any source `@ppma/vit` maps: ours, MAE encoders, VideoMAE,
 * `trunk.*`) and fresh heads.
 * @throws ModelError without a metadata config; CheckpointError when the tensors do not fit it.
 */
export async function loadWithFreshHeads(file: string, o: FreshHeadsOptions): Promise<VideoViT> {
  const h = await readCheckpointHeader(file);
  if (!h.config) throw new ModelError(`${file}: no model config in the safetensors metadata`, { file });
  const cfg = resolveVitConfig({ ...(trunkConfigOf(h.config) as VitConfigInput), ...o.overrides, classes: o.classes });
  checkTensorsFit(h, cfg);
  const vit = VideoViT.create(cfg, { seed: o.seed ?? 0 });
  try {
    const { weights } = await readClassifierWeights(file, { dropHeads: true });
    requireTrunk(file, vit.loadStateDict(weights, { strict: false }));
  } catch (e) {
    vit.dispose();
    throw e;
  }
  return vit;
}
