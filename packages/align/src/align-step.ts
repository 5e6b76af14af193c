/**
 * One training step of stage 2 (docs/ARCHITECTURE.md §5 "Stage 2"): the batch's clips through the shared
 * encoder and its dataset's head, soft-target cross-entropy scaled by the dataset's weight, and the
 * per-dataset loss and accuracy accumulated for the epoch's log line.
 */
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, type Rng, type StepPlan } from '@ppma/core';
import { toTensor } from '@ppma/video-io';
import { crossEntropy, type VideoViT } from '@ppma/vit';
import type { PreparedBatch } from './align-batches.js';
import type { AlignRecipe } from './align-options.js';
import { layerDecayScale } from './layer-decay.js';

/** What a step needs to know about its dataset. */
export interface StepDataset {
  readonly name: string;
  readonly weight: number;
  readonly classes: number;
}

/** Per-dataset loss and accuracy over an epoch. */
export class EpochAccumulator {
  private acc: { loss: number; correct: number; seen: number; batches: number }[];

  constructor(private readonly names: readonly string[]) {
    this.acc = names.map(() => ({ loss: 0, correct: 0, seen: 0, batches: 0 }));
  }

  add(dataset: number, loss: number, correct: number, seen: number): void {
    const a = this.acc[dataset];
    a.loss += loss;
    a.correct += correct;
    a.seen += seen;
    a.batches += 1;
  }

  /** The epoch's means (`loss/<name>`, `acc/<name>`), then a fresh start. */
  drain(): Record<string, number> {
    const out: Record<string, number> = {};
    this.names.forEach((name, i) => {
      const a = this.acc[i];
      if (a.batches) {
        out[`loss/${name}`] = a.loss / a.batches;
        out[`acc/${name}`] = a.correct / a.seen;
      }
    });
    this.acc = this.names.map(() => ({ loss: 0, correct: 0, seen: 0, batches: 0 }));
    return out;
  }
}

/** The step plan of one prepared batch. */
export function alignStep(
  model: VideoViT,
  prep: PreparedBatch,
  d: StepDataset,
  dropRng: Rng,
  acc: EpochAccumulator,
): StepPlan {
  const metrics: Record<string, number | string> = {
    dataset: d.name,
    batch: prep.batch?.size ?? 0,
    mix: prep.batch?.mix ?? 'none',
  };
  if (!prep.batch) {
    // Every clip of this batch failed to decode (listed in the report): a zero loss on this
    // dataset's head keeps the step count, and no example is substituted.
    const bias = model.trainableVariables()[`heads.${d.name}.bias`];
    return { loss: () => tf.mul(tf.sum(bias), 0) as tf.Scalar, metrics };
  }
  const b = prep.batch;
  const c = model.config;
  const x = tf.tidy(() =>
    tf.reshape(toTensor([{ data: b.clips, frames: b.size * c.frames, height: c.height, width: c.width }]), [
      b.size,
      c.frames,
      c.height,
      c.width,
      3,
    ]),
  ) as tf.Tensor5D; // [B, T, H, W, 3]
  const targets = tf.tensor2d(b.targets, [b.size, d.classes]); // [B, K]
  let kept: { loss: tf.Scalar; pred: tf.Tensor1D } | null = null;
  return {
    metrics,
    loss: () => {
      const logits = model.forward(x, { head: d.name, training: true, rng: dropRng }).logits; // [B, K]
      const loss = tf.mul(crossEntropy(logits, targets), d.weight) as tf.Scalar;
      kept = { loss: tf.keep(tf.clone(loss)), pred: tf.keep(tf.argMax(logits, 1) as tf.Tensor1D) };
      return loss;
    },
    dispose: () => {
      tf.dispose([x, targets]);
      if (!kept) return;
      const lossV = kept.loss.dataSync()[0];
      const pred = kept.pred.dataSync();
      tf.dispose([kept.loss, kept.pred]);
      let correct = 0;
      pred.forEach((p, k) => (correct += p === b.labels[k] ? 1 : 0));
      acc.add(prep.dataset, lossV, correct, b.size);
      metrics[`loss/${d.name}`] = lossV;
      metrics[`acc/${d.name}`] = correct / b.size;
    },
  };
}

/** AdamW with the recipe's betas and weight decay, and layer-wise learning-rate decay when it is below 1. */
export function alignOptimizer(recipe: AlignRecipe, depth: number): AdamW {
  return new AdamW({
    beta1: recipe.beta1,
    beta2: recipe.beta2,
    weightDecay: recipe.weightDecay,
    lrScale: recipe.layerDecay < 1 ? layerDecayScale(depth, recipe.layerDecay) : undefined,
  });
}
