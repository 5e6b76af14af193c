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
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, ConfigError, Rng, atomicWriteSync, cosineSchedule, runTraining } from '@ppma/core';
import {
  ClipStore,
  resolveManifest,
  toTensor,
  type ClipCachePolicy,
  type ClipLike,
  type Manifest,
  type SkippedVideo,
} from '@ppma/video-io';
import { crossEntropy, type VideoViT, type VitConfigInput } from '@ppma/vit';
import {
  resolveRecipe,
  type AlignDataset,
  type AlignInit,
  type AlignPreset,
  type AlignRecipe,
  type RecipeOverrides,
} from './align-options.js';
import { trainView, mixBatch, type TrainBatch } from './augment.js';
import { batchesPerEpoch, epochSchedule, type ScheduledBatch } from './batch-schedule.js';
import { evaluateTop1, type EvalOptions, type EvalResult } from './evaluate.js';
import { describeInit, initModel } from './init-model.js';
import { layerDecayScale } from './layer-decay.js';

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

interface Prepared {
  readonly batch: TrainBatch | null;
  readonly dataset: number;
}

function manifestLabel(m: string | Manifest): string {
  return typeof m === 'string' ? m : `<in-memory manifest, ${m.entries.length} entries>`;
}

function checkDatasets(ds: readonly AlignDataset[]): void {
  if (ds.length === 0) throw new ConfigError('datasets', 'at least one dataset is needed');
  const seen = new Set<string>();
  for (const d of ds) {
    if (!/^[A-Za-z0-9_-]+$/.test(d.name))
      throw new ConfigError(`datasets.${d.name}`, 'names may use letters, digits, _ and - only (they name the heads)');
    if (seen.has(d.name)) throw new ConfigError(`datasets.${d.name}`, 'dataset names must be unique');
    seen.add(d.name);
    if (d.weight !== undefined && !(d.weight >= 0 && Number.isFinite(d.weight)))
      throw new ConfigError(`datasets.${d.name}.weight`, `must be a finite number >= 0, got ${d.weight}`);
  }
}

/** Runs (or resumes) stage 2 alignment and writes the final checkpoint. */
export async function alignModel(o: AlignOptions): Promise<AlignResult> {
  checkDatasets(o.datasets);
  const recipe = resolveRecipe(o.preset ?? 'cpu', o.recipe);
  const seed = o.seed ?? 0;
  const manifests = await Promise.all(o.datasets.map((d) => resolveManifest(d.manifest)));
  const classes: Record<string, number> = {};
  o.datasets.forEach((d, i) => {
    if (manifests[i].labels.length < 1)
      throw new ConfigError(`datasets.${d.name}`, `${manifestLabel(d.manifest)} has no labels`);
    classes[d.name] = manifests[i].labels.length;
  });
  const model = await initModel(o.init, classes, { ...o.model, dropPath: recipe.dropPath }, seed);
  let keepModel = false;
  try {
    const c = model.config;
    const sampling = { frames: c.frames, stride: o.stride ?? 1, shortSide: o.shortSide ?? Math.max(c.height, c.width) };
    const stores: ClipStore[] = [];
    for (const [i, d] of o.datasets.entries()) {
      const s = await ClipStore.load(manifests[i], sampling, {
        cache: o.cache,
        memoryBudget: o.memoryBudget,
        label: `load ${d.name}`,
        progress: o.progress,
      });
      if (s.size === 0)
        throw new ConfigError(
          `datasets.${d.name}`,
          `no usable video in ${manifestLabel(d.manifest)} (${s.skipped.length} skipped; first: ${s.skipped[0]?.reason ?? 'none'})`,
        );
      stores.push(s);
    }
    const valStores = new Map<number, ClipStore>();
    for (const [i, d] of o.datasets.entries()) {
      if (d.val === undefined) continue;
      const vm = await resolveManifest(d.val);
      const same =
        vm.labels.length === manifests[i].labels.length && vm.labels.every((l, k) => l === manifests[i].labels[k]);
      if (!same)
        throw new ConfigError(
          `datasets.${d.name}.val`,
          `${manifestLabel(d.val)} has labels [${vm.labels.slice(0, 5).join(', ')}${vm.labels.length > 5 ? ', …' : ''}] (${vm.labels.length}), the training split has ${manifests[i].labels.length}: the label maps must be identical`,
        );
      valStores.set(
        i,
        await ClipStore.load(vm, sampling, {
          cache: o.cache,
          memoryBudget: o.memoryBudget,
          label: `load ${d.name} val`,
          progress: o.progress,
        }),
      );
    }

    const sizes = stores.map((s) => s.size);
    const stepsPerEpoch = batchesPerEpoch(sizes, recipe.batchSize);
    const totalSteps = stepsPerEpoch * recipe.epochs;
    const root = new Rng(seed).split('align');
    const schedules = new Map<number, ScheduledBatch[]>();
    const scheduleAt = (step: number): ScheduledBatch => {
      const epoch = Math.floor(step / stepsPerEpoch);
      let s = schedules.get(epoch);
      if (!s) {
        s = epochSchedule(sizes, recipe.batchSize, root.split('epoch', epoch));
        schedules.clear();
        schedules.set(epoch, s);
      }
      return s[step % stepsPerEpoch];
    };
    const size = { height: c.height, width: c.width };
    const prepare = async (step: number): Promise<Prepared> => {
      const b = scheduleAt(step);
      const store = stores[b.dataset];
      const rng = root.split('step', step);
      // Windows are decoded two at a time (each from its own random stream, so the order of
      // completion does not matter); views are built in batch order.
      const clips: (ClipLike | null)[] = new Array(b.indices.length).fill(null);
      let next = 0;
      const worker = async () => {
        while (next < b.indices.length) {
          const k = next++;
          clips[k] = await store.trainClip(b.indices[k], rng.split('window', k));
        }
      };
      await Promise.all([worker(), worker()]);
      const views: ClipLike[] = [];
      const labels: number[] = [];
      for (const [k, idx] of b.indices.entries()) {
        const clip = clips[k];
        if (!clip) continue;
        views.push(trainView(clip, size, recipe.augment, rng.split('view', k)));
        labels.push(store.label(idx));
      }
      if (views.length === 0) return { batch: null, dataset: b.dataset };
      return {
        batch: mixBatch(views, Int32Array.from(labels), store.numClasses, recipe.augment, rng.split('mix')),
        dataset: b.dataset,
      };
    };
    const pending = new Map<number, Promise<Prepared>>();
    const fetchStep = (step: number): Promise<Prepared> => {
      let p = pending.get(step);
      if (!p) {
        p = prepare(step);
        p.catch(() => undefined);
        pending.set(step, p);
      }
      return p;
    };

    const params = model.trainableVariables();
    const optimizer = new AdamW({
      beta1: recipe.beta1,
      beta2: recipe.beta2,
      weightDecay: recipe.weightDecay,
      lrScale: recipe.layerDecay < 1 ? layerDecayScale(c.depth, recipe.layerDecay) : undefined,
    });
    const acc = o.datasets.map(() => ({ loss: 0, correct: 0, seen: 0, batches: 0 }));
    const dataInfo = o.datasets.map((d, i) => ({
      name: d.name,
      manifest: manifestLabel(d.manifest),
      examples: stores[i].size,
      classes: classes[d.name],
      weight: d.weight ?? 1,
    }));
    const evalAll = async (): Promise<Map<number, EvalResult>> => {
      const out = new Map<number, EvalResult>();
      for (const [i, vs] of valStores)
        out.set(i, await evaluateTop1(model, vs, { ...o.eval, head: o.datasets[i].name, progress: o.progress }));
      return out;
    };
    let result;
    try {
      result = await runTraining({
        runDir: o.out,
        params,
        optimizer,
        lr: cosineSchedule({
          peak: recipe.lr,
          warmupSteps: recipe.warmupEpochs * stepsPerEpoch,
          totalSteps,
          final: recipe.minLr,
        }),
        totalSteps,
        stepsPerEpoch,
        seed,
        resume: o.resume,
        clipGradNorm: recipe.clipGrad ?? undefined,
        checkpointEvery: o.checkpointEvery,
        stopAfter: o.stopAfter,
        progress: o.progress,
        handleSignals: o.handleSignals,
        label: o.stage ?? 'align',
        metadata: {
          config: JSON.stringify(c),
          stage: o.stage ?? 'align',
          data: JSON.stringify(dataInfo),
          init: JSON.stringify(describeInit(o.init)),
        },
        step: async (ctx) => {
          const prep = await fetchStep(ctx.step);
          pending.delete(ctx.step);
          if (ctx.step + 1 < totalSteps) void fetchStep(ctx.step + 1);
          const d = o.datasets[prep.dataset];
          const weight = d.weight ?? 1;
          const metrics: Record<string, number | string> = {
            dataset: d.name,
            batch: prep.batch?.size ?? 0,
            mix: prep.batch?.mix ?? 'none',
          };
          if (!prep.batch) {
            // Every clip of this batch failed to decode (listed in the report): a zero loss on this
            // dataset's head keeps the step count, and no example is substituted.
            const bias = params[`heads.${d.name}.bias`];
            return { loss: () => tf.mul(tf.sum(bias), 0) as tf.Scalar, metrics };
          }
          const b = prep.batch;
          const T = c.frames;
          const x = tf.tidy(() =>
            tf.reshape(toTensor([{ data: b.clips, frames: b.size * T, height: c.height, width: c.width }]), [
              b.size,
              T,
              c.height,
              c.width,
              3,
            ]),
          ) as tf.Tensor5D; // [B, T, H, W, 3]
          const targets = tf.tensor2d(b.targets, [b.size, stores[prep.dataset].numClasses]); // [B, K]
          let kept: { loss: tf.Scalar; pred: tf.Tensor1D } | null = null;
          return {
            metrics,
            loss: () => {
              const logits = model.forward(x, {
                head: d.name,
                training: true,
                rng: root.split('drop', ctx.step),
              }).logits; // [B, K]
              const loss = tf.mul(crossEntropy(logits, targets), weight) as tf.Scalar;
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
              const a = acc[prep.dataset];
              a.loss += lossV;
              a.correct += correct;
              a.seen += b.size;
              a.batches += 1;
              metrics[`loss/${d.name}`] = lossV;
              metrics[`acc/${d.name}`] = correct / b.size;
            },
          };
        },
        onEpochEnd: async ({ epoch }) => {
          const out: Record<string, number> = {};
          o.datasets.forEach((d, i) => {
            const a = acc[i];
            if (a.batches) {
              out[`loss/${d.name}`] = a.loss / a.batches;
              out[`acc/${d.name}`] = a.correct / a.seen;
            }
            acc[i] = { loss: 0, correct: 0, seen: 0, batches: 0 };
          });
          const every = o.eval?.every ?? 0;
          if (every > 0 && (epoch + 1) % every === 0 && epoch + 1 < recipe.epochs) {
            for (const [i, r] of await evalAll()) out[`val/${o.datasets[i].name}/top1`] = r.top1;
          }
          return out;
        },
      });
    } finally {
      optimizer.dispose();
    }
    const finished = result.steps >= totalSteps;
    const evals = finished ? await evalAll() : new Map<number, EvalResult>();
    const checkpoint = path.join(o.out, 'model.safetensors');
    const labels = Object.fromEntries(o.datasets.map((d, i) => [d.name, stores[i].manifest.labels]));
    await model.save(checkpoint, {
      stage: finished ? (o.stage ?? 'align') : `${o.stage ?? 'align'} (partial: ${result.steps}/${totalSteps} steps)`,
      data: dataInfo,
      metadata: {
        init: JSON.stringify(describeInit(o.init)),
        labels: JSON.stringify(labels),
        recipe: JSON.stringify(recipe),
        steps: String(result.steps),
      },
    });
    const datasets: AlignDatasetReport[] = o.datasets.map((d, i) => {
      const e = evals.get(i);
      const skipped = [...stores[i].skipped, ...(valStores.get(i)?.skipped ?? [])];
      return {
        ...dataInfo[i],
        labels: stores[i].manifest.labels,
        skipped,
        ...(e ? { eval: { top1: e.top1, count: e.count, failed: e.failed } } : {}),
      };
    });
    fs.mkdirSync(o.out, { recursive: true });
    atomicWriteSync(
      path.join(o.out, 'report.json'),
      JSON.stringify({ checkpoint, steps: result.steps, totalSteps, stepsPerEpoch, recipe, datasets }, null, 2) + '\n',
    );
    keepModel = o.returnModel ?? false;
    return {
      checkpoint,
      metricsFile: result.metricsFile,
      steps: result.steps,
      stepsPerEpoch,
      resumedFrom: result.resumedFrom,
      datasets,
      recipe,
      ...(keepModel ? { model } : {}),
    };
  } finally {
    if (!keepModel) model.dispose();
  }
}
