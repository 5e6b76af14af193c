/**
 * The linear probe (LP) protocol (docs/ARCHITECTURE.md §5): only the linear head trains, on features of the
 * frozen trunk extracted once. The trunk's variables are never handed to the optimizer or the
 * gradient tape, so it cannot change (the official LP script fine-tunes the whole model by mistake;
 * a test checks that the trunk of the saved model is bit-identical to the input checkpoint).
 */
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, MetricsLog, cosineSchedule, runTraining } from '@ppma/core';
import { averageSoftmax, top1 } from '@ppma/video-io';
import { crossEntropy, headPrefix, linear, type VideoViT } from '@ppma/vit';
import type { SplitFeatures } from '../features.js';
import type { LpSettings } from '../settings.js';
import { epochCurve, type CurvePoint } from './curves.js';

/** What {@link linearProbe} returns. */
export interface ProbeResult {
  /** Multi-view top-1 accuracy on the validation features, in [0, 1]. */
  readonly top1: number;
  readonly predictions: number[];
  /** Softmax averaged over views, `[videos, C]`. */
  readonly probs: Float32Array;
  /** Per-epoch training loss and (every `evalEvery` epochs) validation accuracy. */
  readonly curve: CurvePoint[];
}

/** Head logits `[rows, C]` of cached features, read back. */
export async function headLogits(
  model: VideoViT,
  features: Float32Array,
  dim: number,
  head = '',
): Promise<Float32Array> {
  const vars = model.trainableVariables();
  const p = headPrefix(head);
  const rows = features.length / dim;
  const logits = tf.tidy(() =>
    linear(
      tf.tensor2d(features, [rows, dim]),
      vars[`${p}.weight`] as tf.Variable<tf.Rank.R2>,
      vars[`${p}.bias`] as tf.Variable<tf.Rank.R1>,
    ),
  ); // [rows, C]
  const out = (await logits.data()) as Float32Array;
  logits.dispose();
  return out;
}

/** Multi-view top-1 (in [0, 1]) of the model's head on cached features, with the averaged probabilities. */
export async function evaluateFeatures(
  model: VideoViT,
  split: SplitFeatures,
  classes: number,
  head = '',
): Promise<{ top1: number; predictions: number[]; probs: Float32Array }> {
  if (split.labels.length === 0) return { top1: NaN, predictions: [], probs: new Float32Array(0) };
  const logits = await headLogits(model, split.features, split.dim, head);
  const probs = averageSoftmax(logits, split.labels.length, split.views, classes);
  return { ...top1(probs, split.labels, classes), probs };
}

/**
 * Trains the single head (`head.*`) of `model` on cached train features (every view is a sample)
 * and evaluates it on the validation features. Resumable through `runDir`.
 */
export async function linearProbe(o: {
  model: VideoViT;
  train: SplitFeatures;
  val: SplitFeatures;
  classes: number;
  settings: LpSettings;
  runDir: string;
  seed: number | string;
  resume?: boolean;
  progress?: boolean;
  label?: string;
}): Promise<ProbeResult> {
  const { model, train, settings: s } = o;
  const vars = model.trainableVariables();
  const params = { 'head.weight': vars['head.weight'], 'head.bias': vars['head.bias'] };
  if (!params['head.weight'] || !params['head.bias'])
    throw new TypeError('linearProbe: the model needs a single head (config.classes = number of classes)');
  const rows = train.labels.length * train.views;
  if (rows === 0) throw new RangeError('linearProbe: no training features (every training video failed to decode?)');
  const rowLabels = Int32Array.from({ length: rows }, (_, r) => train.labels[Math.floor(r / train.views)]);
  const batch = Math.min(s.batchSize, rows);
  const stepsPerEpoch = Math.ceil(rows / batch);
  const totalSteps = s.epochs * stepsPerEpoch;
  const feats = tf.tensor2d(train.features, [rows, train.dim]); // [rows, D]
  const labelsT = tf.tensor1d(rowLabels, 'int32'); // [rows]
  const optimizer = new AdamW({ weightDecay: s.weightDecay });
  // The epoch's order depends on the epoch only (its RNG is split from the seed): drawn once per epoch, not per step.
  const order = { epoch: -1, perm: [] as number[] };
  try {
    await runTraining({
      runDir: o.runDir,
      params,
      optimizer,
      lr: cosineSchedule({ peak: s.lr, warmupSteps: s.warmupEpochs * stepsPerEpoch, totalSteps, final: 0 }),
      totalSteps,
      stepsPerEpoch,
      seed: o.seed,
      resume: o.resume,
      progress: o.progress,
      label: o.label ?? 'lp',
      checkpointEvery: Math.max(stepsPerEpoch, Math.ceil(totalSteps / 4)),
      step: (ctx) => {
        if (order.epoch !== ctx.epoch) Object.assign(order, { epoch: ctx.epoch, perm: ctx.epochRng.permutation(rows) });
        const idx = tf.tensor1d(
          Int32Array.from(order.perm.slice(ctx.stepInEpoch * batch, (ctx.stepInEpoch + 1) * batch)),
          'int32',
        );
        const x = tf.gather(feats, idx); // [b, D]
        const y = tf.gather(labelsT, idx); // [b]
        return {
          loss: () =>
            crossEntropy(
              linear(
                x as tf.Tensor2D,
                params['head.weight'] as tf.Variable<tf.Rank.R2>,
                params['head.bias'] as tf.Variable<tf.Rank.R1>,
              ),
              y as tf.Tensor1D,
            ),
          dispose: () => tf.dispose([idx, x, y]),
        };
      },
      onEpochEnd: async ({ epoch }) => {
        if ((epoch + 1) % s.evalEvery !== 0 && epoch + 1 !== s.epochs) return;
        return { valTop1: (await evaluateFeatures(model, o.val, o.classes)).top1 };
      },
    });
  } finally {
    tf.dispose([feats, labelsT]);
    optimizer.dispose();
  }
  const final = await evaluateFeatures(model, o.val, o.classes);
  return { ...final, curve: epochCurve(new MetricsLog(`${o.runDir}/metrics.jsonl`).read()) };
}
