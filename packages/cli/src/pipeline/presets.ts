/**
 * Pipeline presets: how big the data, the model and each stage's training are. `tiny` is the
 * embedded default (minutes on 2 CPU cores); `small` is a longer study; `paper` is the paper's
 * protocol (ViT-B, 16x224x224, 200 MAE epochs, 50 align epochs, 30 FT epochs) for big machines.
 */
import type { PipelineConfig } from './config.js';

/** Every knob of a pipeline run, after the preset and the config are merged. */
export interface PipelineSettings {
  readonly preset: 'tiny' | 'small' | 'paper';
  /** Synthetic benchmark preset (`@ppma/synth`); the paper preset uses your own data. */
  readonly dataPreset: 'tiny' | 'small';
  /** MAE preset of `@ppma/mae` (model geometry and recipe defaults). */
  readonly maePreset: 'tiny' | 'small' | 'paper';
  /** Align recipe preset (`@ppma/align`). */
  readonly alignPreset: 'cpu' | 'paper';
  /** Bench protocol preset (`@ppma/bench`). */
  readonly benchPreset: 'tiny' | 'small' | 'paper';
  readonly segmenter: 'oracle' | 'rvm' | 'selfie-crops';
  /** Videos of the No-Human output that the privacy audit re-checks (a sample, spread evenly). */
  readonly auditVideos: number;
  readonly pretrain: {
    epochs: number;
    batchSize: number;
    repeats: number;
    maskRatio: number;
    masking: 'random' | 'tube';
    lr: number;
  };
  readonly align: { epochs: number; batchSize: number; lr: number };
  readonly alpha: readonly number[];
  /** Epochs of the learned-beta linear probe on each task. */
  readonly betaEpochs: number;
  /**
   * Seeds of every FT, LP and learned-beta run (`seed`, `seed + 1`, ...): each changes the head's
   * initialisation, the data order and the augmentation. Pre-training and alignment stay single-seed.
   */
  readonly seeds: number;
  readonly bench: {
    ftEpochs: number;
    lpEpochs: number;
    modes: readonly ('ft' | 'lp')[];
    tasks: readonly string[] | null;
  };
}

const BASE: Record<PipelineSettings['preset'], Omit<PipelineSettings, 'preset'>> = {
  tiny: {
    dataPreset: 'tiny',
    maePreset: 'tiny',
    alignPreset: 'cpu',
    benchPreset: 'tiny',
    segmenter: 'oracle',
    auditVideos: 6,
    pretrain: { epochs: 40, batchSize: 8, repeats: 2, maskRatio: 0.75, masking: 'random', lr: 1.5e-3 },
    align: { epochs: 15, batchSize: 8, lr: 2e-3 },
    alpha: [0.5, 0.5],
    betaEpochs: 30,
    seeds: 3,
    bench: { ftEpochs: 15, lpEpochs: 60, modes: ['ft', 'lp'], tasks: null },
  },
  small: {
    dataPreset: 'small',
    maePreset: 'small',
    alignPreset: 'cpu',
    benchPreset: 'small',
    segmenter: 'rvm',
    auditVideos: 48,
    pretrain: { epochs: 30, batchSize: 8, repeats: 2, maskRatio: 0.9, masking: 'random', lr: 1e-3 },
    align: { epochs: 15, batchSize: 16, lr: 2e-3 },
    alpha: [0.5, 0.5],
    betaEpochs: 60,
    seeds: 3,
    bench: { ftEpochs: 15, lpEpochs: 100, modes: ['ft', 'lp'], tasks: null },
  },
  paper: {
    dataPreset: 'small',
    maePreset: 'paper',
    alignPreset: 'paper',
    benchPreset: 'paper',
    segmenter: 'rvm',
    auditVideos: 200,
    pretrain: { epochs: 200, batchSize: 32, repeats: 4, maskRatio: 0.9, masking: 'random', lr: 8e-4 },
    align: { epochs: 50, batchSize: 32, lr: 2e-3 },
    alpha: [0.5, 0.5],
    betaEpochs: 100,
    seeds: 1,
    bench: { ftEpochs: 30, lpEpochs: 100, modes: ['ft', 'lp'], tasks: null },
  },
};

/** Merges a config over its preset. */
export function resolvePipelineSettings(c: PipelineConfig): PipelineSettings {
  const b = BASE[c.preset];
  return {
    preset: c.preset,
    dataPreset: b.dataPreset,
    maePreset: b.maePreset,
    alignPreset: b.alignPreset,
    benchPreset: b.benchPreset,
    segmenter: c.segmenter ?? b.segmenter,
    auditVideos: b.auditVideos,
    pretrain: { ...b.pretrain, ...stripUndefined(c.pretrain) },
    align: { ...b.align, ...stripUndefined(c.align) },
    alpha: c.alpha ?? b.alpha,
    betaEpochs: b.betaEpochs,
    seeds: c.seeds ?? b.seeds,
    bench: {
      ftEpochs: c.bench.ftEpochs ?? b.bench.ftEpochs,
      lpEpochs: c.bench.lpEpochs ?? b.bench.lpEpochs,
      modes: c.bench.modes ?? b.bench.modes,
      tasks: c.bench.tasks ?? b.bench.tasks,
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
