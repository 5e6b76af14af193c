/**
 * The end of stage 2 (docs/ARCHITECTURE.md §5 "Stage 2"): the final checkpoint with its provenance (init,
 * labels per head, recipe, steps; marked partial when the run stopped early) and `report.json`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { atomicWriteSync, type TrainingResult } from '@ppma/core';
import type { ClipStore } from '@ppma/video-io';
import type { VideoViT } from '@ppma/vit';
import type { AlignDatasetReport, AlignOptions, AlignResult } from './align-model.js';
import type { AlignRecipe } from './align-options.js';
import type { DatasetInfo } from './align-data.js';
import type { EvalResult } from './evaluate.js';
import { describeInit } from './init-model.js';

/** What {@link finishAlign} needs from the run. */
export interface FinishInput {
  readonly o: AlignOptions;
  readonly model: VideoViT;
  readonly recipe: AlignRecipe;
  readonly result: TrainingResult;
  readonly totalSteps: number;
  readonly stepsPerEpoch: number;
  readonly stores: readonly ClipStore[];
  readonly valStores: ReadonlyMap<number, ClipStore>;
  readonly dataInfo: readonly DatasetInfo[];
  readonly evals: ReadonlyMap<number, EvalResult>;
}

/** Saves the checkpoint and the report; returns the run's result (without the model). */
export async function finishAlign(f: FinishInput): Promise<Omit<AlignResult, 'model'>> {
  const { o, recipe, result, totalSteps, stepsPerEpoch } = f;
  const stage = o.stage ?? 'align';
  const checkpoint = path.join(o.out, 'model.safetensors');
  const labels = Object.fromEntries(o.datasets.map((d, i) => [d.name, f.stores[i].manifest.labels]));
  await f.model.save(checkpoint, {
    stage: result.steps >= totalSteps ? stage : `${stage} (partial: ${result.steps}/${totalSteps} steps)`,
    data: f.dataInfo,
    metadata: {
      init: JSON.stringify(describeInit(o.init)),
      labels: JSON.stringify(labels),
      recipe: JSON.stringify(recipe),
      steps: String(result.steps),
    },
  });
  const datasets: AlignDatasetReport[] = o.datasets.map((d, i) => {
    const e = f.evals.get(i);
    const skipped = [...f.stores[i].skipped, ...(f.valStores.get(i)?.skipped ?? [])];
    return {
      ...f.dataInfo[i],
      labels: f.stores[i].manifest.labels,
      skipped,
      ...(e ? { eval: { top1: e.top1, count: e.count, failed: e.failed } } : {}),
    };
  });
  fs.mkdirSync(o.out, { recursive: true });
  atomicWriteSync(
    path.join(o.out, 'report.json'),
    JSON.stringify({ checkpoint, steps: result.steps, totalSteps, stepsPerEpoch, recipe, datasets }, null, 2) + '\n',
  );
  return {
    checkpoint,
    metricsFile: result.metricsFile,
    steps: result.steps,
    stepsPerEpoch,
    resumedFrom: result.resumedFrom,
    datasets,
    recipe,
  };
}
