/**
 * The default FT implementation: `@ppma/align`'s `alignModel` with a single dataset (the task), so
 * supervised training, augmentation, layer-wise LR decay, drop path and resuming are shared with
 * stage 2 rather than re-implemented.
 */
import { MetricsLog } from '@ppma/core';
import { alignModel } from '@ppma/align';
import { epochCurve } from './curves.js';
import type { Finetuner } from './finetune.js';

/** Head name for a task (align names heads with letters, digits, `_` and `-`). */
export function ftHeadName(task: string): string {
  return task.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** Fine-tunes through `alignModel` (one dataset, one head named after the task). */
export const alignFinetuner: Finetuner = async (r) => {
  const s = r.settings;
  const head = ftHeadName(r.task);
  // The resumable state is written about 4 times per run instead of every epoch: it never feeds
  // back into training (same weights), and an interrupted run loses at most a quarter of its epochs.
  const stepsPerEpoch = Math.max(1, Math.ceil(r.train.entries.length / s.batchSize));
  const result = await alignModel({
    init: r.model.scratch
      ? { kind: 'scratch', config: r.model.scratch, seed: r.seed }
      : { kind: 'checkpoint', file: r.model.checkpoint as string },
    datasets: [{ name: head, manifest: r.train }],
    out: r.runDir,
    preset: s.augment,
    recipe: {
      epochs: s.epochs,
      warmupEpochs: s.warmupEpochs,
      batchSize: s.batchSize,
      lr: s.lr,
      weightDecay: s.weightDecay,
      layerDecay: s.layerDecay,
      dropPath: s.dropPath,
      augment: { hflip: s.hflip ? 0.5 : 0 },
    },
    stride: r.eval.stride,
    seed: r.seed,
    resume: r.resume,
    progress: r.progress,
    stage: 'finetune',
    checkpointEvery: stepsPerEpoch * Math.max(1, Math.ceil(s.epochs / 4)),
    returnModel: true,
  });
  if (!result.model) throw new Error('alignModel did not return the model');
  return { model: result.model, head, curve: epochCurve(new MetricsLog(result.metricsFile).read()) };
};
