/**
 * The models a benchmark compares: checkpoints (MAE, aligned or fine-tuned ViTs, soups) or a
 * randomly initialised baseline (`scratch:<variant>`, FT only, as the paper's Scratch row).
 */
import { basename, extname } from 'node:path';
import { ConfigError, readSafetensors } from '@ppma/core';
import { VideoViT, variantConfig, type TorchTensor, type VitConfigInput } from '@ppma/vit';

/** A model to benchmark. */
export interface ModelSpec {
  /** Row name in the table and folder name of its runs (default: the checkpoint's file name). */
  readonly name?: string;
  /** safetensors checkpoint (ours, VideoMAE/MAE names, or `trunk.*` names). */
  readonly checkpoint?: string;
  /** Random initialisation instead: a registered variant name or a full config. */
  readonly scratch?: string | VitConfigInput;
}

/** A model given as a checkpoint path, `scratch:<variant>`, or a {@link ModelSpec}. */
export type ModelInput = string | ModelSpec;

/** A resolved model. */
export interface BenchModel {
  readonly name: string;
  readonly checkpoint?: string;
  readonly scratch?: VitConfigInput;
}

const SAFE = /[^A-Za-z0-9_.-]+/g;

/** Resolves model inputs and gives each a unique folder-safe name. */
export function resolveModels(inputs: readonly ModelInput[]): BenchModel[] {
  const out: BenchModel[] = [];
  for (const input of inputs) {
    const spec: ModelSpec =
      typeof input === 'string'
        ? input.startsWith('scratch:')
          ? { scratch: input.slice(8) }
          : { checkpoint: input }
        : input;
    if ((spec.checkpoint === undefined) === (spec.scratch === undefined))
      throw new ConfigError(
        'models',
        `each model needs exactly one of a checkpoint or scratch (got ${JSON.stringify(input)})`,
      );
    const scratch = typeof spec.scratch === 'string' ? variantConfig(spec.scratch) : spec.scratch;
    const base =
      spec.name ??
      (spec.checkpoint
        ? basename(spec.checkpoint, extname(spec.checkpoint))
        : `scratch-${typeof spec.scratch === 'string' ? spec.scratch : 'vit'}`);
    let name = base.replace(SAFE, '_');
    for (let k = 2; out.some((m) => m.name === name); k++) name = `${base.replace(SAFE, '_')}-${k}`;
    out.push({ name, ...(spec.checkpoint ? { checkpoint: spec.checkpoint } : {}), ...(scratch ? { scratch } : {}) });
  }
  return out;
}

/**
 * Builds the classifier for a task: the checkpoint's trunk (any heads in the file are dropped)
 * plus a fresh single head of `classes` outputs, seeded by `seed`.
 */
export async function modelForTask(m: BenchModel, classes: number, seed: number | string): Promise<VideoViT> {
  if (m.scratch) return VideoViT.create({ ...m.scratch, classes, dropPath: 0 }, { seed });
  const file = m.checkpoint as string;
  await readSafetensors(file, { names: [] }); // a clear SafetensorsFormatError first, for a file that is not safetensors
  const trunkOnly = await VideoViT.load(file, { config: { classes: 0, dropPath: 0 }, strict: false });
  const trunk: Map<string, TorchTensor> = trunkOnly.stateDict();
  const config = trunkOnly.config;
  trunkOnly.dispose();
  const vit = VideoViT.create({ ...config, classes, dropPath: 0 }, { seed });
  vit.loadStateDict(trunk, { strict: false });
  return vit;
}
