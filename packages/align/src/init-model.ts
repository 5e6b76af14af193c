/**
 * The encoder stage 2 starts from (docs/ARCHITECTURE.md §5 "Stage 2": "the decoder is discarded and a linear
 * head is added per dataset"): an MAE checkpoint (encoder only), a VideoViT checkpoint (trunk
 * only: its heads are not reused), or fresh weights. Reading the checkpoint is `@ppma/vit`'s.
 */
import { ModelError } from '@ppma/core';
import { VideoViT, loadWithFreshHeads, readCheckpointHeader, trunkConfigOf, type VitConfigInput } from '@ppma/vit';
import { match } from 'ts-pattern';
import type { AlignInit } from './align-options.js';

/** The architecture fields of a checkpoint's metadata config. */
export async function checkpointArchitecture(file: string): Promise<Partial<VitConfigInput>> {
  const h = await readCheckpointHeader(file);
  if (!h.config) throw new ModelError(`${file}: no model config in the safetensors metadata`, { file });
  return trunkConfigOf(h.config);
}

/**
 * Builds the model to align: the trunk from `init`, `classes` heads with fresh weights (seeded by
 * `seed`), and `overrides` (e.g. `dropPath`) applied to the config.
 */
export async function initModel(
  init: AlignInit,
  classes: Record<string, number>,
  overrides: Partial<VitConfigInput>,
  seed: number,
): Promise<VideoViT> {
  return match(init)
    .with({ kind: 'scratch' }, (i) => VideoViT.create({ ...i.config, ...overrides, classes }, { seed: i.seed ?? seed }))
    .with({ kind: 'checkpoint' }, (i) => loadWithFreshHeads(i.file, { classes, overrides, seed }))
    .exhaustive();
}

/** A short description of where the model started, for checkpoint provenance. */
export function describeInit(init: AlignInit): Record<string, unknown> {
  return match(init)
    .with({ kind: 'scratch' }, (i) => ({ kind: 'scratch', seed: i.seed ?? null }))
    .with({ kind: 'checkpoint' }, (i) => ({ kind: 'checkpoint', file: i.file }))
    .exhaustive();
}
