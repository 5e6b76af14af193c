/**
 * One benchmark run: a model, a task, a protocol (FT or LP) and a seed. The seed changes the head's
 * initialisation, the order of the training data and the augmentation draws; the validation clips
 * and views are the same for every seed, so runs can be compared clip by clip. The run keeps its
 * final weights and its per-clip predictions (top-5 with probabilities).
 */
import { existsSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { atomicWrite, ensureRunFolder, resetRunFolder } from '@ppma/core';
import { topK, type ViewSpec } from '@ppma/video-io';
import type { VideoViT } from '@ppma/vit';
import { match } from 'ts-pattern';
import { createFeatureExtractor, extractSplitFeatures, type FeatureEngine, type SplitFeatures } from './features.js';
import { modelForTask, type BenchModel } from './models.js';
import type { Finetuner } from './protocols/finetune.js';
import { evaluateFeatures, linearProbe } from './protocols/linear-probe.js';
import type { ClipPrediction, RunRecord } from './report/results.js';
import { predictionsTop1 } from './stats/evidence.js';
import type { BenchSettings } from './settings.js';
import { classCount, type TaskPlugin, type TaskSplits } from './task.js';
import { sharedFeatureMemo, type ViewCache } from './view-cache.js';

/** A protocol. */
export type BenchMode = 'ft' | 'lp';

/** What every run of one benchmark shares. */
export interface RunContext {
  readonly out: string;
  readonly resume: boolean;
  readonly progress: boolean | undefined;
  readonly engine: FeatureEngine | undefined;
  readonly finetune: () => Promise<Finetuner>;
  /** Decoded views, shared by every run of the benchmark (the same clips are evaluated many times). */
  readonly views: ViewCache;
}

/** Which run: model, task, mode, seed, with the task's manifests and settings. */
export interface RunRequest {
  readonly model: BenchModel;
  readonly task: TaskPlugin;
  readonly splits: TaskSplits;
  readonly mode: BenchMode;
  readonly seed: number;
  readonly settings: BenchSettings;
}

/** Where a run lives, relative to the output folder: `<model>/<task>/seed-<s>`. */
export function runFolder(model: string, task: string, seed: number): string {
  return join(model, task, `seed-${seed}`);
}

function viewSpec(model: VideoViT, s: BenchSettings): ViewSpec {
  const { frames, height, width } = model.config;
  return { frames, height, width, stride: s.eval.stride, numClips: s.eval.numClips, numCrops: s.eval.numCrops };
}

/** Options of {@link features}. */
interface FeatureRequest {
  readonly model: VideoViT;
  readonly splits: TaskSplits;
  readonly settings: BenchSettings;
  /** Where the extractor works and the feature caches live. */
  readonly dir: string;
  readonly label: string;
  readonly needTrain: boolean;
}

/** Multi-view features of the validation split (and of the training split when asked). */
async function features(
  ctx: RunContext,
  r: FeatureRequest,
): Promise<{ train?: SplitFeatures; val: SplitFeatures; engine: string }> {
  const extractor = await createFeatureExtractor(r.model, { engine: ctx.engine, workDir: r.dir });
  try {
    const spec = viewSpec(r.model, r.settings);
    // A frozen trunk's features (LP) are kept for the process: the leakage probes read the same clips.
    const common = { progress: ctx.progress, views: ctx.views, ...(r.needTrain ? { memo: sharedFeatureMemo() } : {}) };
    const train = r.needTrain
      ? await extractSplitFeatures(r.splits.train, extractor, spec, {
          ...common,
          cacheFile: join(r.dir, 'features-train.safetensors'),
          label: `${r.label} train features`,
        })
      : undefined;
    const val = await extractSplitFeatures(r.splits.val, extractor, spec, {
      ...common,
      cacheFile: join(r.dir, 'features-val.safetensors'),
      label: `${r.label} val features`,
    });
    return { train, val, engine: extractor.engine };
  } finally {
    await extractor.dispose();
  }
}

/**
 * What a run depends on: the model (checkpoint path, size and time, or scratch config), the
 * protocol settings of its mode and the seed. A stored run with another signature is not reused.
 */
export function runSignature(m: BenchModel, mode: BenchMode, s: BenchSettings, seed: number): string {
  const st = m.checkpoint && existsSync(m.checkpoint) ? statSync(m.checkpoint) : undefined;
  const model = m.checkpoint
    ? { checkpoint: resolve(m.checkpoint), bytes: st?.size ?? null, mtimeMs: st?.mtimeMs ?? null }
    : { scratch: m.scratch };
  return JSON.stringify({ model, mode, settings: mode === 'ft' ? s.ft : s.lp, eval: s.eval, seed });
}

/** Per-clip predictions from averaged probabilities, in the order of the evaluated clips (top-1 is recomputed from them, so it matches exactly). */
function clipPredictions(val: SplitFeatures, probs: Float32Array, classes: number): ClipPrediction[] {
  const top = topK(probs, val.labels.length, classes, 5);
  return top.map((t, i) => ({ clip: val.paths[i], label: val.labels[i], top5: t }));
}

/** A stored run with the same signature, if any. */
export async function finishedRun(
  out: string,
  r: Pick<RunRequest, 'model' | 'task' | 'mode' | 'seed'>,
  signature: string,
): Promise<RunRecord | undefined> {
  const dir = join(out, runFolder(r.model.name, r.task.name, r.seed));
  if (!existsSync(join(dir, `${r.mode}.json`)) || !existsSync(join(dir, `${r.mode}.safetensors`))) return undefined;
  try {
    const rec = JSON.parse(await readFile(join(dir, `${r.mode}.json`), 'utf8')) as RunRecord;
    return rec.signature === signature && Array.isArray(rec.predictions) ? rec : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes `runDir` ready for a run with `signature`: kept when it holds the same run and `resume` is
 * on, else emptied to start over, but only when it is a marked run folder (docs/ARCHITECTURE.md
 * §10): a folder PPMA-TS did not create is never deleted.
 * @throws NotARunFolderError (`@ppma/core`) when it must start over in an unmarked folder with content.
 */
export async function prepareRunDir(runDir: string, signature: string, resume: boolean): Promise<void> {
  const sigFile = join(runDir, 'signature.json');
  const sameRun = existsSync(sigFile) && (await readFile(sigFile, 'utf8')) === signature;
  if (sameRun && resume) ensureRunFolder(runDir, { command: 'ppma bench' });
  else resetRunFolder(runDir, { command: 'ppma bench' }); // another model or settings: start over
  await writeFile(sigFile, signature);
}

/** Runs one (model, task, mode, seed) and stores its record and weights. */
export async function runOne(ctx: RunContext, r: RunRequest): Promise<RunRecord> {
  const { model: m, task, splits, mode, seed, settings: s } = r;
  const rel = runFolder(m.name, task.name, seed);
  const dir = join(ctx.out, rel);
  const runDir = join(dir, mode);
  const signature = runSignature(m, mode, s, seed);
  await prepareRunDir(runDir, signature, ctx.resume);
  const classes = classCount(task);
  const label = `${m.name}/${task.name} ${mode} seed ${seed}`;
  const t0 = performance.now();
  const held: { model?: VideoViT } = {};
  try {
    const base = {
      model: m.name,
      task: task.name,
      mode,
      seed,
      checkpoint: m.checkpoint ?? null,
      videos: { train: splits.train.entries.length, val: splits.val.entries.length },
    };
    const record = await match(mode)
      .with('lp', async () => {
        const model = (held.model = await modelForTask(m, classes, `${seed}:${task.name}:lp`));
        // The trunk is frozen, so its features are the same for every seed: cache them beside the seeds.
        const featDir = join(ctx.out, m.name, task.name, 'lp-features');
        const f = await features(ctx, { model, splits, settings: s, dir: featDir, label, needTrain: true });
        const train = f.train as SplitFeatures;
        const pr = await linearProbe({
          model,
          train,
          val: f.val,
          classes,
          settings: s.lp,
          runDir,
          seed: `${seed}:${task.name}:lp`,
          resume: ctx.resume,
          progress: ctx.progress,
          label,
        });
        const predictions = clipPredictions(f.val, pr.probs, classes);
        return {
          ...base,
          top1: predictionsTop1(predictions),
          predictions,
          evaluated: f.val.labels.length,
          skipped: [...train.skipped, ...f.val.skipped],
          curve: pr.curve,
          engine: f.engine,
          settings: { lp: s.lp, eval: s.eval },
        };
      })
      .with('ft', async () => {
        const finetune = await ctx.finetune();
        const fr = await finetune({
          model: m,
          task: task.name,
          train: splits.train,
          val: splits.val,
          classes,
          settings: s.ft,
          eval: s.eval,
          runDir,
          seed,
          resume: ctx.resume,
          progress: ctx.progress,
        });
        const model = (held.model = fr.model);
        const f = await features(ctx, { model, splits, settings: s, dir: runDir, label, needTrain: false });
        const ev = await evaluateFeatures(model, f.val, classes, fr.head);
        const predictions = clipPredictions(f.val, ev.probs, classes);
        return {
          ...base,
          top1: predictionsTop1(predictions),
          predictions,
          evaluated: f.val.labels.length,
          skipped: f.val.skipped,
          curve: fr.curve,
          engine: f.engine,
          settings: { ft: s.ft, eval: s.eval },
        };
      })
      .exhaustive();
    if (!held.model) throw new Error(`${label}: no model`);
    await held.model.save(join(dir, `${mode}.safetensors`), {
      stage: mode === 'lp' ? 'linear-probe' : 'finetune',
      data: { task: task.name, train: splits.train.entries.length, seed },
      metadata: { source: m.checkpoint ?? 'scratch' },
    });
    const full: RunRecord = {
      ...record,
      signature,
      weights: join(rel, `${mode}.safetensors`),
      seconds: (performance.now() - t0) / 1000,
    };
    await atomicWrite(join(dir, `${mode}.json`), [JSON.stringify(full) + '\n']);
    return full;
  } finally {
    held.model?.dispose();
  }
}
