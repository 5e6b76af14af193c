/**
 * Downstream protocol settings (docs/ARCHITECTURE.md §5 "Downstream"): the paper's FT and LP recipes and the
 * multi-view test, plus presets that scale them for a 2-core CPU. One schema, a default per field.
 */
import { ConfigError, definedOnly } from '@ppma/core';
import type { TaskDefaults } from './task.js';

/** Fine-tuning of the whole model (run through `@ppma/align` with one dataset). */
export interface FtSettings {
  readonly epochs: number;
  readonly warmupEpochs: number;
  readonly batchSize: number;
  /** Peak learning rate (paper 2e-3). */
  readonly lr: number;
  readonly weightDecay: number;
  /** Layer-wise LR decay (official FT 0.75). */
  readonly layerDecay: number;
  /** Maximum drop-path rate (official FT 0.1). */
  readonly dropPath: number;
  /** `@ppma/align` augmentation preset: `paper` (RandAugment, erasing, Mixup/CutMix), `cpu` (lighter) or `plain` (none). */
  readonly augment: 'paper' | 'cpu' | 'plain';
  /** Random horizontal flips (off for direction-sensitive tasks). */
  readonly hflip: boolean;
}

/** Linear probe on cached features of the frozen trunk. */
export interface LpSettings {
  /** Epochs over the cached features (cheap: many are fine). */
  readonly epochs: number;
  readonly warmupEpochs: number;
  readonly batchSize: number;
  /** Peak learning rate (paper 1.6e-2). */
  readonly lr: number;
  readonly weightDecay: number;
  /** Log validation accuracy every this many epochs (training curves). */
  readonly evalEvery: number;
}

/** Multi-view testing and clip sampling. */
export interface EvalSettings {
  /** Temporal clips per video (paper 2). */
  readonly numClips: number;
  /** Spatial crops per clip (paper 3). */
  readonly numCrops: 1 | 3;
  /** Frame stride inside a window. */
  readonly stride: number;
}

/** Every protocol setting. */
export interface BenchSettings {
  readonly ft: FtSettings;
  readonly lp: LpSettings;
  readonly eval: EvalSettings;
}

/** Preset names: the paper's recipe, and smaller ones for CPUs. */
export type BenchPreset = 'paper' | 'small' | 'tiny';

/** The presets. `paper` is docs/ARCHITECTURE.md §5; `small` and `tiny` shorten FT and keep 2x3 testing. */
export const BENCH_PRESETS: Readonly<Record<BenchPreset, BenchSettings>> = Object.freeze({
  paper: {
    ft: {
      epochs: 30,
      warmupEpochs: 5,
      batchSize: 32,
      lr: 2e-3,
      weightDecay: 0.05,
      layerDecay: 0.75,
      dropPath: 0.1,
      augment: 'paper',
      hflip: true,
    },
    lp: { epochs: 100, warmupEpochs: 10, batchSize: 256, lr: 1.6e-2, weightDecay: 0, evalEvery: 10 },
    eval: { numClips: 2, numCrops: 3, stride: 4 },
  },
  small: {
    ft: {
      epochs: 12,
      warmupEpochs: 2,
      batchSize: 16,
      lr: 1e-3,
      weightDecay: 0.05,
      layerDecay: 0.75,
      dropPath: 0.1,
      augment: 'cpu',
      hflip: true,
    },
    lp: { epochs: 100, warmupEpochs: 10, batchSize: 128, lr: 1.6e-2, weightDecay: 0, evalEvery: 10 },
    eval: { numClips: 2, numCrops: 3, stride: 1 },
  },
  tiny: {
    ft: {
      epochs: 6,
      warmupEpochs: 1,
      batchSize: 8,
      lr: 1e-3,
      weightDecay: 0.05,
      layerDecay: 0.75,
      dropPath: 0,
      augment: 'plain',
      hflip: true,
    },
    lp: { epochs: 60, warmupEpochs: 5, batchSize: 64, lr: 1.6e-2, weightDecay: 0, evalEvery: 10 },
    eval: { numClips: 2, numCrops: 3, stride: 1 },
  },
});

/** Overrides of a preset, field by field. */
export interface SettingsOverrides {
  readonly ft?: Partial<FtSettings>;
  readonly lp?: Partial<LpSettings>;
  readonly eval?: Partial<EvalSettings>;
}

/**
 * The settings of one task: preset, then the task's own defaults, then the user's overrides.
 * @throws ConfigError naming the bad key.
 */
export function resolveSettings(
  preset: BenchPreset,
  overrides: SettingsOverrides = {},
  task: TaskDefaults = {},
): BenchSettings {
  const base = BENCH_PRESETS[preset];
  if (!base)
    throw new ConfigError(
      'preset',
      `unknown preset "${String(preset)}"; known: ${Object.keys(BENCH_PRESETS).join(', ')}`,
    );
  const s: BenchSettings = {
    ft: {
      ...base.ft,
      ...(task.ftEpochs ? { epochs: task.ftEpochs } : {}),
      ...definedOnly({ hflip: task.hflip }),
      ...overrides.ft,
    },
    lp: { ...base.lp, ...(task.lpEpochs ? { epochs: task.lpEpochs } : {}), ...overrides.lp },
    eval: {
      ...base.eval,
      ...(task.stride ? { stride: task.stride } : {}),
      ...(task.numClips ? { numClips: task.numClips } : {}),
      ...(task.numCrops ? { numCrops: task.numCrops } : {}),
      ...overrides.eval,
    },
  };
  const posInt = (key: string, v: number): void => {
    if (!Number.isInteger(v) || v <= 0) throw new ConfigError(key, `must be a positive integer, got ${v}`);
  };
  for (const k of ['epochs', 'batchSize'] as const) {
    posInt(`ft.${k}`, s.ft[k]);
    posInt(`lp.${k}`, s.lp[k]);
  }
  posInt('lp.evalEvery', s.lp.evalEvery);
  posInt('eval.numClips', s.eval.numClips);
  posInt('eval.stride', s.eval.stride);
  if (s.eval.numCrops !== 1 && s.eval.numCrops !== 3)
    throw new ConfigError('eval.numCrops', `must be 1 or 3, got ${String(s.eval.numCrops)}`);
  for (const [k, v] of [
    ['ft.lr', s.ft.lr],
    ['lp.lr', s.lp.lr],
  ] as const)
    if (!(v > 0)) throw new ConfigError(k, `must be > 0, got ${v}`);
  for (const [k, v] of [
    ['ft.warmupEpochs', s.ft.warmupEpochs],
    ['lp.warmupEpochs', s.lp.warmupEpochs],
  ] as const)
    if (!(v >= 0)) throw new ConfigError(k, `must be >= 0, got ${v}`);
  return s;
}
