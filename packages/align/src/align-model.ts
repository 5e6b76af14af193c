/**
 * Stage 2 of PPMA, Align (PPMA §3.2; docs/ARCHITECTURE.md §5 "Stage 2"): supervised training of one shared
 * encoder on one or more labelled datasets, with ONE linear head per dataset (`heads.<name>`).
 * Each batch comes from a single dataset, every epoch visits every example of every dataset once
 * (see batch-schedule.ts), and each dataset's loss has its own weight (equal by default).
 * With a single dataset this is the fine-tuning (FT) protocol.
 *
 * The loop is core's resumable `runTraining`; data order and augmentation draw from streams keyed
 * by (seed, epoch) and (seed, step), so a resumed run replays the same batches.
 */
import { Rng, cosineSchedule, runTraining } from '@ppma/core';
import type { ClipCachePolicy, SkippedVideo } from '@ppma/video-io';
import type { VideoViT, VitConfigInput } from '@ppma/vit';
import {
  resolveRecipe,
  type AlignDataset,
  type AlignInit,
  type AlignPreset,
  type AlignRecipe,
  type RecipeOverrides,
} from './align-options.js';
import { AlignBatches } from './align-batches.js';
import { describeDatasets, loadAlignStores, readAlignManifests } from './align-data.js';
import { finishAlign } from './align-finish.js';
import { EpochAccumulator, alignOptimizer, alignStep } from './align-step.js';
import { batchesPerEpoch } from './batch-schedule.js';
import { evaluateAll } from './evaluate.js';
import type { EvalOptions, EvalResult } from './evaluate.js';
import { describeInit, initModel } from './init-model.js';

/** Options of {@link alignModel}. */
export interface AlignOptions {
  /** Where the encoder starts: scratch, an MAE checkpoint or a VideoViT checkpoint. */
  readonly init: AlignInit;
  /** The labelled datasets; one head each. */
  readonly datasets: readonly AlignDataset[];
  /** Run directory: `checkpoint.safetensors` (resumable state), `metrics.jsonl`, `model.safetensors`, `report.json`. */
  readonly out: string;
  /** Recipe preset (default `cpu`). */
  readonly preset?: AlignPreset;
  /** Recipe fields that override the preset. */
  readonly recipe?: RecipeOverrides;
  /** Model config overrides (e.g. clip geometry); `classes` and `dropPath` are set by align. */
  readonly model?: Partial<VitConfigInput>;
  readonly seed?: number;
  /** Frame stride of training and evaluation windows (default 1). */
  readonly stride?: number;
  /** Short side of decoded frames (default: the larger of the model's height and width). */
  readonly shortSide?: number;
  /** Decoded-frame cache (default `auto`: every video decoded once into memory when a dataset fits in `memoryBudget`). */
  readonly cache?: ClipCachePolicy;
  /** Bytes of decoded video a dataset may hold in memory with the `auto` cache (default 2 GiB). */
  readonly memoryBudget?: number;
  /** Continue from `<out>/checkpoint.safetensors` when it exists. */
  readonly resume?: boolean;
  /** Evaluation of the datasets that have `val`: at the end, and every `every` epochs. */
  readonly eval?: EvalOptions & { readonly every?: number };
  /** Stop after this many steps in total (the checkpoint stays resumable). */
  readonly stopAfter?: number;
  readonly checkpointEvery?: number;
  readonly progress?: boolean;
  /** Save and stop cleanly on SIGINT/SIGTERM. */
  readonly handleSignals?: boolean;
  /** Training stage written in the final checkpoint (default `align`; FT passes `finetune`). */
  readonly stage?: string;
  /** Return the trained model (the caller disposes it) instead of disposing it. */
  readonly returnModel?: boolean;
}

/** Per-dataset summary in {@link AlignResult}. */
export interface AlignDatasetReport {
  readonly name: string;
  /** Usable examples (visited once per epoch). */
  readonly examples: number;
  readonly classes: number;
  readonly labels: readonly string[];
  readonly weight: number;
  /** Videos skipped (failed to probe or decode), with the reason. */
  readonly skipped: readonly SkippedVideo[];
  /** Validation result, when the dataset has `val`. */
  readonly eval?: Omit<EvalResult, 'predictions'>;
}

/** What {@link alignModel} returns. */
export interface AlignResult {
  /** The final VideoViT checkpoint (`<out>/model.safetensors`). */
  readonly checkpoint: string;
  readonly metricsFile: string;
  readonly steps: number;
  readonly stepsPerEpoch: number;
  readonly resumedFrom: number | null;
  readonly datasets: readonly AlignDatasetReport[];
  readonly recipe: AlignRecipe;
  /** The trained model when `returnModel` is set. */
  readonly model?: VideoViT;
}

/**
 * Runs (or resumes) stage 2 alignment and writes the final checkpoint: data preparation, the model,
 * then one straight loop of {@link alignStep}s with an evaluation every `eval.every` epochs.
 */
export async function alignModel(o: AlignOptions): Promise<AlignResult> {
  const recipe = resolveRecipe(o.preset ?? 'cpu', o.recipe);
  const seed = o.seed ?? 0;
  const data = await readAlignManifests(o.datasets);
  const model = await initModel(o.init, data.classes, { ...o.model, dropPath: recipe.dropPath }, seed);
  let keepModel = false;
  try {
    const c = model.config;
    const sampling = { frames: c.frames, stride: o.stride ?? 1, shortSide: o.shortSide ?? Math.max(c.height, c.width) };
    const { stores, valStores } = await loadAlignStores(o.datasets, data, sampling, o);
    const sizes = stores.map((s) => s.size);
    const stepsPerEpoch = batchesPerEpoch(sizes, recipe.batchSize);
    const totalSteps = stepsPerEpoch * recipe.epochs;
    const root = new Rng(seed).split('align');
    const batches = new AlignBatches(stores, recipe, c, root, stepsPerEpoch, totalSteps);
    const dataInfo = describeDatasets(o.datasets, stores);
    const acc = new EpochAccumulator(o.datasets.map((d) => d.name));
    const evaluate = () => evaluateAll(model, valStores, o.datasets, { ...o.eval, progress: o.progress });
    const optimizer = alignOptimizer(recipe, c.depth);
    const warmupSteps = recipe.warmupEpochs * stepsPerEpoch;
    const stage = o.stage ?? 'align';
    let result;
    try {
      result = await runTraining({
        runDir: o.out,
        params: model.trainableVariables(),
        optimizer,
        lr: cosineSchedule({ peak: recipe.lr, warmupSteps, totalSteps, final: recipe.minLr }),
        totalSteps,
        stepsPerEpoch,
        seed,
        resume: o.resume,
        clipGradNorm: recipe.clipGrad ?? undefined,
        checkpointEvery: o.checkpointEvery,
        stopAfter: o.stopAfter,
        progress: o.progress,
        handleSignals: o.handleSignals,
        label: stage,
        metadata: {
          config: JSON.stringify(c),
          stage,
          data: JSON.stringify(dataInfo),
          init: JSON.stringify(describeInit(o.init)),
        },
        step: async (ctx) => {
          const prep = await batches.take(ctx.step);
          return alignStep(model, prep, dataInfo[prep.dataset], root.split('drop', ctx.step), acc);
        },
        onEpochEnd: async ({ epoch }) => {
          const out: Record<string, number> = acc.drain();
          const every = o.eval?.every ?? 0;
          if (every > 0 && (epoch + 1) % every === 0 && epoch + 1 < recipe.epochs)
            for (const [i, r] of await evaluate()) out[`val/${o.datasets[i].name}/top1`] = r.top1;
          return out;
        },
      });
    } finally {
      optimizer.dispose();
    }
    const finished = result.steps >= totalSteps;
    const evals = finished ? await evaluate() : new Map<number, EvalResult>();
    const r = await finishAlign({
      o,
      model,
      recipe,
      result,
      totalSteps,
      stepsPerEpoch,
      stores,
      valStores,
      dataInfo,
      evals,
    });
    keepModel = o.returnModel ?? false;
    return { ...r, ...(keepModel ? { model } : {}) };
  } finally {
    if (!keepModel) model.dispose();
  }
}
