/**
 * `runBenchmark` (docs/ARCHITECTURE.md §8): FT and/or LP of every model on every task, with multi-view
 * evaluation. It keeps the final weights of every run as `<out>/<model>/<task>/<ft|lp>.safetensors`,
 * a result per run beside them (`<ft|lp>.json`, which also marks the run done: a rerun skips it),
 * and writes `results.json`, `results.md` (Table 1 layout) and SVG charts.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError, ManifestError, atomicWrite } from '@ppma/core';
import type { VideoViT } from '@ppma/vit';
import { match } from 'ts-pattern';
import { createFeatureExtractor, extractSplitFeatures, type FeatureEngine, type SplitFeatures } from './features.js';
import { modelForTask, resolveModels, type BenchModel, type ModelInput } from './models.js';
import { linearProbe, evaluateFeatures } from './protocols/linear-probe.js';
import type { Finetuner } from './protocols/finetune.js';
import { resolveTasks, type TaskSources } from './registry.js';
import { writeReport, type BenchmarkResults, type RunRecord } from './report/results.js';
import { resolveSettings, type BenchPreset, type BenchSettings, type SettingsOverrides } from './settings.js';
import { classCount, type TaskPlugin, type TaskSplits } from './task.js';
import type { ViewSpec } from './eval-views.js';

/** A protocol. */
export type BenchMode = 'ft' | 'lp';

/** Options of {@link runBenchmark}. */
export interface RunBenchmarkOptions extends TaskSources {
  readonly models: readonly ModelInput[];
  /** Task names (built-in, synthetic, from plugins; `all` = every plugin and synthetic task) or task objects. */
  readonly tasks: readonly (string | TaskPlugin)[];
  /** `ft`, `lp`, `both` (default) or a list. */
  readonly modes?: BenchMode | 'both' | readonly BenchMode[];
  /** Output folder. */
  readonly out: string;
  /** Protocol preset (default `paper`: the paper's recipe; `small` and `tiny` scale it down). */
  readonly preset?: BenchPreset;
  readonly settings?: SettingsOverrides;
  /** Data root of every task: `<dataRoot>/<task name>` (default: the current folder). */
  readonly dataRoot?: string;
  /** Per-task data roots, by task name (override `dataRoot`). */
  readonly roots?: Readonly<Record<string, string>>;
  /** Feature engine for LP and evaluation (default `auto`: onnxruntime when it loads). */
  readonly engine?: FeatureEngine;
  readonly seed?: number;
  /** Skip finished runs and continue interrupted ones (default true). */
  readonly resume?: boolean;
  readonly progress?: boolean;
  /** The FT implementation (default: `@ppma/align`'s `alignModel` on one dataset). */
  readonly finetune?: Finetuner;
  /** Receives one line per finished or skipped run. */
  readonly log?: (line: string) => void;
}

function modeList(m: RunBenchmarkOptions['modes']): BenchMode[] {
  if (m === undefined || m === 'both') return ['ft', 'lp'];
  if (typeof m === 'string') return [m as BenchMode];
  return [...new Set(m as readonly BenchMode[])];
}

/** Checks that a task's manifests agree with the classes it declares. */
export function checkSplits(task: TaskPlugin, splits: TaskSplits): void {
  const n = classCount(task);
  for (const k of ['train', 'val'] as const) {
    const m = splits[k];
    if (!m || !Array.isArray(m.entries) || !Array.isArray(m.labels))
      throw new ManifestError(task.name, `load() returned no ${k} manifest`);
    if (m.labels.length !== n)
      throw new ManifestError(
        task.name,
        `the ${k} manifest has ${m.labels.length} labels, the task declares ${n} classes`,
      );
    if (m.entries.length === 0) throw new ManifestError(task.name, `the ${k} split is empty`);
    const bad = m.entries.find((e) => !(Number.isInteger(e.label) && e.label >= 0 && e.label < n));
    if (bad) throw new ManifestError(bad.path, `label ${bad.label} is outside 0..${n - 1} (task ${task.name})`);
  }
}

async function defaultFinetuner(): Promise<Finetuner> {
  const { alignFinetuner } = await import('./protocols/align-finetune.js');
  return alignFinetuner;
}

interface RunContext {
  readonly o: RunBenchmarkOptions;
  readonly out: string;
  readonly seed: number;
  readonly resume: boolean;
  readonly progress: boolean | undefined;
}

function viewSpec(model: VideoViT, s: BenchSettings): ViewSpec {
  const { frames, height, width } = model.config;
  return { frames, height, width, stride: s.eval.stride, numClips: s.eval.numClips, numCrops: s.eval.numCrops };
}

async function features(
  ctx: RunContext,
  model: VideoViT,
  splits: TaskSplits,
  s: BenchSettings,
  dir: string,
  label: string,
  needTrain: boolean,
): Promise<{ train?: SplitFeatures; val: SplitFeatures; engine: string }> {
  const extractor = await createFeatureExtractor(model, { engine: ctx.o.engine, workDir: dir });
  try {
    const spec = viewSpec(model, s);
    const train = needTrain
      ? await extractSplitFeatures(splits.train, extractor, spec, {
          cacheFile: join(dir, 'features-train.safetensors'),
          label: `${label} train features`,
          progress: ctx.progress,
        })
      : undefined;
    const val = await extractSplitFeatures(splits.val, extractor, spec, {
      cacheFile: join(dir, 'features-val.safetensors'),
      label: `${label} val features`,
      progress: ctx.progress,
    });
    return { train, val, engine: extractor.engine };
  } finally {
    await extractor.dispose();
  }
}

/**
 * What a run depends on: the model (checkpoint path, size and time, or scratch config), the
 * protocol settings of its mode and the seed. A stored run or checkpoint with another signature is
 * not reused.
 */
export function runSignature(m: BenchModel, mode: BenchMode, s: BenchSettings, seed: number): string {
  const st = m.checkpoint && existsSync(m.checkpoint) ? statSync(m.checkpoint) : undefined;
  const model = m.checkpoint
    ? { checkpoint: resolve(m.checkpoint), bytes: st?.size ?? null, mtimeMs: st?.mtimeMs ?? null }
    : { scratch: m.scratch };
  return JSON.stringify({ model, mode, settings: mode === 'ft' ? s.ft : s.lp, eval: s.eval, seed });
}

async function runOne(
  ctx: RunContext,
  m: BenchModel,
  task: TaskPlugin,
  splits: TaskSplits,
  mode: BenchMode,
  s: BenchSettings,
): Promise<RunRecord> {
  const dir = join(ctx.out, m.name, task.name);
  const runDir = join(dir, mode);
  const signature = runSignature(m, mode, s, ctx.seed);
  const sigFile = join(runDir, 'signature.json');
  const sameRun = existsSync(sigFile) && (await readFile(sigFile, 'utf8')) === signature;
  if (!sameRun || !ctx.resume) await rm(runDir, { recursive: true, force: true }); // another model or settings: start over
  await mkdir(runDir, { recursive: true });
  await writeFile(sigFile, signature);
  const classes = classCount(task);
  const seed = `${ctx.seed}:${task.name}:${mode}`;
  const label = `${m.name}/${task.name} ${mode}`;
  const t0 = performance.now();
  const held: { model?: VideoViT } = {};
  try {
    const base = {
      model: m.name,
      task: task.name,
      mode,
      checkpoint: m.checkpoint ?? null,
      videos: { train: splits.train.entries.length, val: splits.val.entries.length },
    };
    const record = await match(mode)
      .with('lp', async () => {
        const model = (held.model = await modelForTask(m, classes, seed));
        const f = await features(ctx, model, splits, s, runDir, label, true);
        const train = f.train as SplitFeatures;
        const r = await linearProbe({
          model,
          train,
          val: f.val,
          classes,
          settings: s.lp,
          runDir,
          seed,
          resume: ctx.resume,
          progress: ctx.progress,
          label,
        });
        return {
          ...base,
          top1: r.top1,
          evaluated: f.val.labels.length,
          skipped: [...train.skipped, ...f.val.skipped],
          curve: r.curve,
          engine: f.engine,
          settings: { lp: s.lp, eval: s.eval },
        };
      })
      .with('ft', async () => {
        const finetune = ctx.o.finetune ?? (await defaultFinetuner());
        const r = await finetune({
          model: m,
          task: task.name,
          train: splits.train,
          val: splits.val,
          classes,
          settings: s.ft,
          eval: s.eval,
          runDir,
          seed: ctx.seed,
          resume: ctx.resume,
          progress: ctx.progress,
        });
        const model = (held.model = r.model);
        const f = await features(ctx, model, splits, s, runDir, label, false);
        const ev = await evaluateFeatures(model, f.val, classes, r.head);
        return {
          ...base,
          top1: ev.top1,
          evaluated: f.val.labels.length,
          skipped: f.val.skipped,
          curve: r.curve,
          engine: f.engine,
          settings: { ft: s.ft, eval: s.eval },
        };
      })
      .exhaustive();
    const weights = join(dir, `${mode}.safetensors`);
    if (!held.model) throw new Error(`${label}: no model`);
    await held.model.save(weights, {
      stage: mode === 'lp' ? 'linear-probe' : 'finetune',
      data: { task: task.name, train: splits.train.entries.length },
      metadata: { source: m.checkpoint ?? 'scratch' },
    });
    const full: RunRecord = {
      ...record,
      signature,
      weights: join(m.name, task.name, `${mode}.safetensors`),
      seconds: (performance.now() - t0) / 1000,
    };
    await atomicWrite(join(dir, `${mode}.json`), [JSON.stringify(full, null, 2) + '\n']);
    return full;
  } finally {
    held.model?.dispose();
  }
}

async function finished(
  out: string,
  m: BenchModel,
  task: string,
  mode: BenchMode,
  signature: string,
): Promise<RunRecord | undefined> {
  const dir = join(out, m.name, task);
  if (!existsSync(join(dir, `${mode}.json`)) || !existsSync(join(dir, `${mode}.safetensors`))) return undefined;
  try {
    const r = JSON.parse(await readFile(join(dir, `${mode}.json`), 'utf8')) as RunRecord;
    return r.signature === signature ? r : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs the benchmark and writes its report. Finished runs are skipped (their stored result is
 * reused) unless `resume` is false.
 */
export async function runBenchmark(o: RunBenchmarkOptions): Promise<BenchmarkResults> {
  if (o.models.length === 0) throw new ConfigError('models', 'name at least one model');
  if (o.tasks.length === 0) throw new ConfigError('tasks', 'name at least one task');
  const ctx: RunContext = { o, out: resolve(o.out), seed: o.seed ?? 0, resume: o.resume ?? true, progress: o.progress };
  const preset = o.preset ?? 'paper';
  const modes = modeList(o.modes);
  const models = resolveModels(o.models);
  const tasks = await resolveTasks(o.tasks, o);
  if (tasks.length === 0)
    throw new ConfigError(
      'tasks',
      '"all" matched no task: give --synth <benchmark index> or --plugin <module>, or name the tasks',
    );
  const log = o.log ?? (() => {});
  const runs: RunRecord[] = [];
  for (const task of tasks) {
    const settings = resolveSettings(preset, o.settings, task.defaults);
    const root = resolve(o.roots?.[task.name] ?? join(o.dataRoot ?? '.', task.name));
    let splits: TaskSplits | undefined;
    for (const m of models) {
      for (const mode of modes) {
        if (mode === 'lp' && m.scratch) {
          log(`${m.name}/${task.name} lp: skipped (a randomly initialised trunk has nothing to probe)`);
          continue;
        }
        const done = ctx.resume
          ? await finished(ctx.out, m, task.name, mode, runSignature(m, mode, settings, ctx.seed))
          : undefined;
        if (done) {
          log(`${m.name}/${task.name} ${mode}: done earlier, top-1 ${(100 * done.top1).toFixed(1)}%`);
          runs.push(done);
          continue;
        }
        if (!splits) {
          splits = await task.load(root);
          checkSplits(task, splits);
        }
        const r = await runOne(ctx, m, task, splits, mode, settings);
        log(
          `${m.name}/${task.name} ${mode}: top-1 ${(100 * r.top1).toFixed(1)}% (${r.evaluated} videos, ${r.skipped.length} skipped, ${r.seconds.toFixed(1)} s)`,
        );
        runs.push(r);
      }
    }
  }
  return writeReport(ctx.out, {
    preset,
    modes,
    models: models.map((m) => ({ name: m.name, checkpoint: m.checkpoint ?? null })),
    tasks: tasks.map((t) => ({
      name: t.name,
      classes: classCount(t),
      ...(t.sceneObjectBias === undefined ? {} : { sceneObjectBias: t.sceneObjectBias }),
    })),
    runs,
  });
}
