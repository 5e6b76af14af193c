/**
 * Pipeline presets: how big the data, the model and each stage's training are. `tiny` is the
 * embedded default (minutes on 2 CPU cores); `small` is a longer study; `paper` is the paper's
 * protocol on your own data (ViT-B, 16x224x224, 200 MAE epochs of 32 videos x 4 repeats, 50 align epochs,
 * 30 FT epochs of batch 32; docs/ARCHITECTURE.md §5) for big machines. Every value can be overridden in
 * the config (`model`, `clip`, `pretrain`, `align`, `bench`).
 */
import { availableParallelism } from 'node:os';
import { definedOnly } from '@ppma/core';
import { variantConfig } from '@ppma/vit';
import type { PipelineConfig } from './config.js';

/** Encoder geometry that overrides the MAE preset's model (from the config's `model` and `clip`). */
export interface ModelOverride {
  readonly dim?: number;
  readonly depth?: number;
  readonly heads?: number;
  readonly tubelet?: number;
  readonly patch?: number;
  readonly frames?: number;
  readonly height?: number;
  readonly width?: number;
}

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
  /** Model geometry over the MAE preset's (`model`, `clip` in the config); null: the preset's. */
  readonly model: ModelOverride | null;
  /** Videos of the No-Human output that the privacy audit re-checks (a sample, spread evenly). */
  readonly auditVideos: number;
  /**
   * Whether the audit re-detects people with detectors (`audit.detectors`); default off only in the
   * tiny preset's embedded world, whose 32 px clips are below the detectors' input scale.
   */
  readonly auditDetectors: boolean;
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
  /**
   * Benchmark runs at once, each in a worker process on one thread (`jobs` in the config). Not part
   * of any stage's key: the runs give the same top-1 whatever it is (probabilities may differ in
   * the last bits between one- and two-thread reductions).
   */
  readonly jobs: number;
  /**
   * Leakage probes of every model on the virtual humans' identity attributes (the embedded world
   * only: user datasets have no identity labels). `privacy` in the config; default on without `datasets`.
   */
  readonly privacy: boolean;
  readonly bench: {
    ftEpochs: number;
    lpEpochs: number;
    modes: readonly ('ft' | 'lp')[];
    tasks: readonly string[] | null;
  };
}

const BASE: Record<
  PipelineSettings['preset'],
  Omit<PipelineSettings, 'preset' | 'model' | 'privacy' | 'auditDetectors'>
> = {
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
    // The tiny model's steps keep about one core busy, so two one-thread workers pay (README,
    // "Runs in worker processes" of @ppma/bench); measured with 2 on a 2-core machine only.
    jobs: Math.min(availableParallelism(), 2),
    // 5 FT/LP seeds: the spread over seeds is a large part of each interval at this size, and 5 fit
    // the 20-minute budget (README, "What the run can and cannot say").
    seeds: 5,
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
    jobs: 1,
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
    jobs: 1,
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
    // Real data has no oracle masks: the default there is rvm with the detector catch (PPMA §3.1).
    segmenter: c.segmenter ?? (c.datasets ? 'rvm' : b.segmenter),
    model: modelOverride(c),
    auditVideos: c.audit?.videos ?? b.auditVideos,
    auditDetectors: c.audit?.detectors ?? !(c.preset === 'tiny' && c.datasets === undefined),
    pretrain: { ...b.pretrain, ...definedOnly(c.pretrain) },
    align: { ...b.align, ...definedOnly(c.align) },
    alpha: c.alpha ?? b.alpha,
    betaEpochs: c.bench.betaEpochs ?? b.betaEpochs,
    seeds: c.seeds ?? b.seeds,
    jobs: c.jobs ?? b.jobs,
    privacy: c.privacy ?? !c.datasets,
    bench: {
      ftEpochs: c.bench.ftEpochs ?? b.bench.ftEpochs,
      lpEpochs: c.bench.lpEpochs ?? b.bench.lpEpochs,
      modes: c.bench.modes ?? b.bench.modes,
      tasks: c.bench.tasks ?? b.bench.tasks,
    },
  };
}

/** The encoder geometry of the config's `model` variant and `clip`, or null when neither is given. */
export function modelOverride(c: Pick<PipelineConfig, 'model' | 'clip'>): ModelOverride | null {
  if (c.model === undefined && c.clip === undefined) return null;
  const v: Partial<ModelOverride> = c.model === undefined ? {} : variantConfig(c.model);
  const geometry = definedOnly({
    dim: v.dim,
    depth: v.depth,
    heads: v.heads,
    tubelet: v.tubelet,
    patch: v.patch,
    frames: c.clip?.frames ?? v.frames,
    height: c.clip?.size ?? v.height,
    width: c.clip?.size ?? v.width,
  });
  return geometry;
}
