/**
 * The encoder stage 2 starts from (docs/ARCHITECTURE.md §5 "Stage 2": "the decoder is discarded and a linear
 * head is added per dataset"): an MAE checkpoint (encoder only), a VideoViT checkpoint (trunk
 * only: its heads are not reused), or fresh weights.
 */
import { CheckpointError, ModelError, readSafetensors, toFloat32 } from '@ppma/core';
import {
  VideoViT,
  detectSource,
  resolveVitConfig,
  toClassifierKeys,
  type TorchTensor,
  type VitConfig,
  type VitConfigInput,
} from '@ppma/vit';
import { match } from 'ts-pattern';
import type { AlignInit } from './align-options.js';

const ARCH_KEYS = [
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
  'mean',
  'std',
] as const;

/** The architecture fields of a checkpoint's metadata config. */
export async function checkpointArchitecture(file: string): Promise<Partial<VitConfigInput>> {
  const { metadata } = await readSafetensors(file, { names: [] });
  if (!metadata.config) throw new ModelError(`${file}: no model config in the safetensors metadata`, { file });
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(metadata.config) as Record<string, unknown>;
  } catch (e) {
    throw new ModelError(`${file}: metadata "config" is not JSON`, { file, cause: e });
  }
  const out: Record<string, unknown> = {};
  for (const k of ARCH_KEYS) if (raw[k] !== undefined) out[k] = raw[k];
  return out as Partial<VitConfigInput>;
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
    .with({ kind: 'checkpoint' }, async (i) => {
      const arch = await checkpointArchitecture(i.file);
      const cfg: VitConfig = resolveVitConfig({ ...(arch as VitConfigInput), ...overrides, classes });
      const vit = VideoViT.create(cfg, { seed });
      try {
        const { tensors } = await readSafetensors(i.file);
        const raw = new Map<string, TorchTensor>();
        for (const [k, t] of tensors) raw.set(k, { shape: [...t.shape], data: toFloat32(t) });
        const mapped = toClassifierKeys(raw, detectSource(raw.keys()));
        for (const k of [...mapped.keys()]) if (k.startsWith('head.') || k.startsWith('heads.')) mapped.delete(k);
        const missing = vit.loadStateDict(mapped, { strict: false });
        const trunk = missing.filter((k) => !k.startsWith('head') && !k.startsWith('fc_norm.'));
        if (trunk.length)
          throw new CheckpointError(i.file, `the trunk parameter(s) ${trunk.slice(0, 4).join(', ')} are missing`);
      } catch (e) {
        vit.dispose();
        throw e;
      }
      return vit;
    })
    .exhaustive();
}

/** A short description of where the model started, for checkpoint provenance. */
export function describeInit(init: AlignInit): Record<string, unknown> {
  return match(init)
    .with({ kind: 'scratch' }, (i) => ({ kind: 'scratch', seed: i.seed ?? null }))
    .with({ kind: 'checkpoint' }, (i) => ({ kind: 'checkpoint', file: i.file }))
    .exhaustive();
}
