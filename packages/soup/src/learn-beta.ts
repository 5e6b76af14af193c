/**
 * Learning the soup's mixing ratio beta during a linear probe (PPMA §4.5, Table 6; docs/ARCHITECTURE.md §5
 * "Soup"): the head and the mixing logits train, the ingredients' trunks stay frozen. The result
 * is the learned proportions (per group and model), the probe's accuracy, and the soup written as
 * a VideoViT checkpoint with the probe's head.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  AdamW,
  ConfigError,
  Rng,
  atomicWriteSync,
  definedOnly,
  cosineSchedule,
  runTraining,
  writeSafetensors,
} from '@ppma/core';
import { VIT_FORMAT, crossEntropy, linear, type TorchTensor } from '@ppma/vit';
import { ingredients, mixTrunks } from './average-weights.js';
import { BetaSoup, betaGroupOf, releaseWeights, type BetaMode } from './beta-soup.js';
import { checkSameArchitecture, readTrunk, type Trunk } from './trunk-checkpoint.js';

/** Labelled clips: `clips` is `[N, T, H, W, 3]` RGB24 at the models' clip geometry. */
export interface LabelledClips {
  readonly clips: Uint8Array;
  readonly labels: Int32Array;
}

/** Options of {@link learnBeta}. */
export interface LearnBetaOptions {
  /** The ingredient checkpoints (same architecture; heads ignored). */
  readonly models: readonly string[];
  /** One set of logits (`global`, default) or one per block (`per-block`). */
  readonly mode?: BetaMode;
  readonly train: LabelledClips;
  readonly val?: LabelledClips;
  readonly numClasses: number;
  /** Output folder: `soup.safetensors`, `beta.json`, `beta.md`, run state. */
  readonly out: string;
  /** Default 20. */
  readonly epochs?: number;
  /** Default 16. */
  readonly batchSize?: number;
  /** Peak learning rate of the head (paper LP 1.6e-2). */
  readonly lr?: number;
  /** Learning-rate multiplier of the mixing logits (default 1). */
  readonly betaLrScale?: number;
  readonly warmupEpochs?: number;
  readonly seed?: number;
  readonly resume?: boolean;
  readonly progress?: boolean;
  readonly stopAfter?: number;
}

/** What {@link learnBeta} returns. */
export interface LearnBetaResult {
  readonly models: readonly string[];
  /** Group names: `trunk`, or `patch_embed`, `blocks.i`, `fc_norm`. */
  readonly groups: readonly string[];
  /** Learned proportions `[group][model]`; each row sums to 1. */
  readonly proportions: number[][];
  readonly trainTop1: number;
  readonly valTop1?: number;
  /** The soup with the learned proportions and the probe's head. */
  readonly checkpoint: string;
  /** Markdown table of the proportions (Table 6 style). */
  readonly table: string;
  readonly steps: number;
}

function clipTensor(
  d: LabelledClips,
  from: number,
  to: number,
  per: number,
  shape: [number, number, number],
): tf.Tensor5D {
  const f = new Float32Array((to - from) * per);
  const src = d.clips.subarray(from * per, to * per);
  for (let i = 0; i < f.length; i++) f[i] = src[i] / 255;
  return tf.tensor5d(f, [to - from, ...shape, 3]); // [B, T, H, W, 3]
}

/** Patch rows of every clip, `[N, tokens*P]`, computed once in chunks. */
function allRows(soup: BetaSoup, d: LabelledClips): tf.Tensor2D {
  const c = soup.config;
  const per = c.frames * c.height * c.width * 3;
  const n = d.labels.length;
  if (d.clips.length !== n * per)
    throw new ConfigError('clips', `${d.clips.length} bytes for ${n} clips of ${c.frames}x${c.height}x${c.width}x3`);
  const parts: tf.Tensor2D[] = [];
  for (let i = 0; i < n; i += 32) {
    const j = Math.min(n, i + 32);
    const x = clipTensor(d, i, j, per, [c.frames, c.height, c.width]);
    parts.push(tf.tidy(() => tf.reshape(soup.patchRows(x), [j - i, -1]) as tf.Tensor2D)); // [b, N*P]
    x.dispose();
  }
  const all = tf.concat(parts, 0) as tf.Tensor2D; // [N, N*P]
  tf.dispose(parts);
  return all;
}

/** Top-1 accuracy of the probe with the current soup. */
function top1(soup: BetaSoup, rows: tf.Tensor2D, labels: Int32Array, head: { w: tf.Variable; b: tf.Variable }): number {
  const p = soup.config.patch * soup.config.patch * soup.config.tubelet * 3;
  let correct = 0;
  for (let i = 0; i < labels.length; i += 32) {
    const j = Math.min(labels.length, i + 32);
    let weights = new Map<string, tf.Tensor>();
    tf.tidy(() => {
      weights = soup.mixedWeights(); // kept; the intermediate products are freed here
    });
    const pred = tf.tidy(() => {
      const r = tf.reshape(tf.slice(rows, [i, 0], [j - i, -1]), [-1, p]) as tf.Tensor2D; // [b*N, P]
      const feats = soup.pooled(r, j - i, weights); // [b, D]
      return tf.argMax(linear(feats, head.w as tf.Tensor as tf.Tensor2D, head.b as tf.Tensor as tf.Tensor1D), 1); // [b]
    });
    releaseWeights(weights);
    const d = pred.dataSync();
    pred.dispose();
    for (let k = 0; k < d.length; k++) if (d[k] === labels[i + k]) correct++;
  }
  return labels.length ? correct / labels.length : NaN;
}

/** Markdown table of learned proportions: rows = groups, columns = models. */
export function proportionsTable(
  models: readonly string[],
  groups: readonly string[],
  proportions: readonly (readonly number[])[],
): string {
  const names = models.map((m) => path.basename(m));
  const lines = [`| group | ${names.join(' | ')} |`, `| --- | ${names.map(() => '---:').join(' | ')} |`];
  groups.forEach((g, i) => lines.push(`| ${g} | ${proportions[i].map((v) => v.toFixed(3)).join(' | ')} |`));
  return lines.join('\n') + '\n';
}

/** Trains the mixing logits and a linear head on frozen trunks; writes the learned soup. */
export async function learnBeta(o: LearnBetaOptions): Promise<LearnBetaResult> {
  const mode = o.mode ?? 'global';
  if (!Number.isInteger(o.numClasses) || o.numClasses < 2)
    throw new ConfigError('numClasses', `must be an integer >= 2, got ${o.numClasses}`);
  const trunks = await Promise.all(o.models.map((f) => readTrunk(f)));
  checkSameArchitecture(trunks);
  const soup = BetaSoup.fromTrunks(trunks, mode);
  const c = soup.config;
  const seed = o.seed ?? 0;
  const rng = new Rng(seed).split('learn-beta');
  const hw = new Float32Array(c.dim * o.numClasses);
  for (let i = 0; i < hw.length; i++) hw[i] = rng.truncatedNormal(0, 0.02);
  const head = tf.tidy(() => ({
    w: tf.variable(tf.tensor2d(hw, [c.dim, o.numClasses]), true),
    b: tf.variable(tf.zeros([o.numClasses]), true),
  })); // tidy frees the initial values
  const optimizer = new AdamW({ weightDecay: 0, lrScale: (n) => (n === 'beta.logits' ? (o.betaLrScale ?? 1) : 1) });
  const trainRows = allRows(soup, o.train);
  const valRows = o.val ? allRows(soup, o.val) : null;
  const p = c.tubelet * c.patch * c.patch * 3;
  try {
    const n = o.train.labels.length;
    const batch = Math.min(o.batchSize ?? 16, n);
    const stepsPerEpoch = Math.ceil(n / batch);
    const epochs = o.epochs ?? 20;
    const totalSteps = stepsPerEpoch * epochs;
    const result = await runTraining({
      runDir: o.out,
      params: { 'beta.logits': soup.logits, 'head.weight': head.w, 'head.bias': head.b },
      optimizer,
      lr: cosineSchedule({ peak: o.lr ?? 1.6e-2, warmupSteps: (o.warmupEpochs ?? 1) * stepsPerEpoch, totalSteps }),
      totalSteps,
      stepsPerEpoch,
      seed,
      resume: o.resume,
      stopAfter: o.stopAfter,
      progress: o.progress,
      label: 'learn beta',
      metadata: { stage: 'soup-beta', models: JSON.stringify(o.models), mode },
      step: (ctx) => betaStep(soup, head, trainRows, o.train.labels, batch, p, ctx),
      onEpochEnd: () => {
        const props = soup.readProportions();
        const out: Record<string, number> = {};
        soup.groups.forEach((g, gi) => props[gi].forEach((v, k) => (out[`beta/${g}/${k}`] = v)));
        return out;
      },
    });
    const proportions = soup.readProportions();
    const trainTop1 = top1(soup, trainRows, o.train.labels, head);
    const valTop1 = valRows && o.val ? top1(soup, valRows, o.val.labels, head) : undefined;
    const { checkpoint, table } = await writeSoup(o, mode, trunks, soup, head, proportions, {
      trainTop1,
      valTop1,
      steps: result.steps,
    });
    return {
      models: o.models,
      groups: soup.groups,
      proportions,
      trainTop1,
      ...definedOnly({ valTop1 }),
      checkpoint,
      table,
      steps: result.steps,
    };
  } finally {
    optimizer.dispose();
    tf.dispose([trainRows, ...(valRows ? [valRows] : []), head.w, head.b]);
    soup.dispose();
  }
}

type Head = { readonly w: tf.Variable; readonly b: tf.Variable };

/** One training step of {@link learnBeta}: a batch of frozen-trunk rows through the mixed weights and the head. */
function betaStep(
  soup: BetaSoup,
  head: Head,
  trainRows: tf.Tensor2D,
  trainLabels: ArrayLike<number>,
  batch: number,
  p: number,
  ctx: { epochRng: Rng; stepInEpoch: number },
) {
  const order = ctx.epochRng.permutation(trainLabels.length);
  const idx = order.slice(ctx.stepInEpoch * batch, (ctx.stepInEpoch + 1) * batch);
  const b = idx.length;
  const rows = tf.tidy(
    () => tf.reshape(tf.gather(trainRows, tf.tensor1d(idx, 'int32')), [b * (trainRows.shape[1] / p), p]) as tf.Tensor2D,
  ); // [b*N, P]
  const labels = tf.tensor1d(
    idx.map((i) => trainLabels[i]),
    'int32',
  ); // [b]
  let weights: Map<string, tf.Tensor> | null = null;
  return {
    loss: () => {
      weights = soup.mixedWeights();
      return crossEntropy(
        linear(soup.pooled(rows, b, weights), head.w as tf.Tensor as tf.Tensor2D, head.b as tf.Tensor as tf.Tensor1D),
        labels,
      );
    },
    dispose: () => {
      tf.dispose([rows, labels]);
      if (weights) releaseWeights(weights);
    },
  };
}

/** Writes the learned soup ({@link learnBeta}): the checkpoint mixed in float64 with the head, `beta.json` and `beta.md`. */
async function writeSoup(
  o: LearnBetaOptions,
  mode: BetaMode,
  trunks: Trunk[],
  soup: BetaSoup,
  head: Head,
  proportions: number[][],
  r: { trainTop1: number; valTop1: number | undefined; steps: number },
): Promise<{ checkpoint: string; table: string }> {
  const c = soup.config;
  const { trainTop1, valTop1 } = r;
  // The soup itself, mixed in float64 from the checkpoints with the learned proportions.
  const weights = mixTrunks(trunks, (k) => proportions[betaGroupOf(mode, c.depth, k)]);
  const wT = (await head.w.data()) as Float32Array; // [D, C] -> PyTorch [C, D]
  const w = new Float32Array(wT.length);
  for (let d = 0; d < c.dim; d++) for (let k = 0; k < o.numClasses; k++) w[k * c.dim + d] = wT[d * o.numClasses + k];
  const all = new Map<string, TorchTensor>(weights);
  all.set('head.weight', { shape: [o.numClasses, c.dim], data: w });
  all.set('head.bias', { shape: [o.numClasses], data: Float32Array.from((await head.b.data()) as Float32Array) });
  const checkpoint = path.join(o.out, 'soup.safetensors');
  const table = proportionsTable(o.models, soup.groups, proportions);
  await writeSafetensors(checkpoint, all, {
    format: VIT_FORMAT,
    config: JSON.stringify({ ...c, classes: o.numClasses }),
    stage: 'soup-beta',
    data: JSON.stringify(
      ingredients(
        trunks,
        proportions.length === 1 ? proportions[0] : trunks.map((_, k) => proportions.map((r) => r[k])),
      ),
    ),
    soup: JSON.stringify({ kind: 'learned-beta', mode, models: o.models, groups: soup.groups, proportions }),
  });
  fs.mkdirSync(o.out, { recursive: true });
  const report = {
    models: o.models,
    mode,
    groups: soup.groups,
    proportions,
    trainTop1,
    valTop1: valTop1 ?? null,
    steps: r.steps,
    checkpoint,
  };
  atomicWriteSync(path.join(o.out, 'beta.json'), JSON.stringify(report, null, 2) + '\n');
  atomicWriteSync(path.join(o.out, 'beta.md'), table);
  return { checkpoint, table };
}
