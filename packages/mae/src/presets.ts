/**
 * Stage 1 recipes (docs/ARCHITECTURE.md §5). `paper` is the paper's: ViT-B on 16x224x224 clips, decoder
 * 4x384 (6 heads), random masking at 90%, 200 epochs with 10 of warm-up, peak 8e-4, batches of
 * 32 videos x 4 repeats. `tiny` and `small` are ours, scaled for a 2-core CPU.
 */
import { ConfigError } from '@ppma/core';
import type { MaeConfigInput } from './mae-config.js';
import type { MaskingSpec } from './masking/masking.js';

/** A pre-training recipe. */
export interface MaePreset {
  readonly model: MaeConfigInput;
  readonly masking: MaskingSpec;
  readonly epochs: number;
  readonly warmupEpochs: number;
  /** Distinct videos per batch. */
  readonly videosPerBatch: number;
  /** Repeated augmentation: each video appears this many times per batch, each with its own mask. */
  readonly repeats: number;
  /** Peak learning rate. */
  readonly lr: number;
}

/** The preset names. */
export const MAE_PRESETS = ['tiny', 'small', 'paper'] as const;
/** A preset name. */
export type MaePresetName = (typeof MAE_PRESETS)[number];

const presets: Record<MaePresetName, MaePreset> = {
  tiny: {
    model: {
      dim: 64,
      depth: 4,
      heads: 4,
      tubelet: 2,
      patch: 8,
      frames: 8,
      height: 32,
      width: 32,
      decoderDim: 64,
      decoderDepth: 1,
      decoderHeads: 4,
    },
    masking: { kind: 'random', ratio: 0.75 },
    epochs: 10,
    warmupEpochs: 1,
    videosPerBatch: 4,
    repeats: 2,
    lr: 1.5e-3,
  },
  small: {
    model: {
      dim: 96,
      depth: 6,
      heads: 4,
      tubelet: 2,
      patch: 8,
      frames: 8,
      height: 48,
      width: 48,
      decoderDim: 64,
      decoderDepth: 2,
      decoderHeads: 4,
    },
    masking: { kind: 'random', ratio: 0.9 },
    epochs: 30,
    warmupEpochs: 3,
    videosPerBatch: 8,
    repeats: 2,
    lr: 1e-3,
  },
  paper: {
    model: {
      dim: 768,
      depth: 12,
      heads: 12,
      tubelet: 2,
      patch: 16,
      frames: 16,
      height: 224,
      width: 224,
      decoderDim: 384,
      decoderDepth: 4,
      decoderHeads: 6,
    },
    masking: { kind: 'random', ratio: 0.9 },
    epochs: 200,
    warmupEpochs: 10,
    videosPerBatch: 32,
    repeats: 4,
    lr: 8e-4,
  },
};

/** The recipe of a preset. */
export function maePreset(name: string): MaePreset {
  if (!(MAE_PRESETS as readonly string[]).includes(name))
    throw new ConfigError('preset', `unknown MAE preset "${name}"; expected one of ${MAE_PRESETS.join(', ')}`);
  return presets[name as MaePresetName];
}
