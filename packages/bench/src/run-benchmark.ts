/**
 * `runBenchmark` (docs/ARCHITECTURE.md §8, §12): FT and/or LP of every model on every task, each
 * repeated over seeds, with multi-view evaluation. Every run keeps its final weights and per-clip
 * predictions as `<out>/<model>/<task>/seed-<s>/<ft|lp>.{safetensors,json}` (the JSON also marks
 * the run done: a rerun skips it), and `results.json`, `results.md` (Table 1 layout, every cell a
 * mean with a 95% interval, paired comparisons) and SVG charts are written at the end.
 */
import { resolve, join } from 'node:path';
import { ConfigError, ManifestError, definedOnly, describeBackend, type BackendName } from '@ppma/core';
import { resolveModels, type BenchModel, type ModelInput } from './models.js';
import type { Finetuner } from './protocols/finetune.js';
import { resolveTasks, type TaskSources } from './registry.js';
import { writeReport, type BenchmarkResults, type ComparisonRequest, type RunRecord } from './report/results.js';
import { finishedRun, runOne, runSignature, type BenchMode, type RunContext } from './run-one.js';
import { defaultJobs, runChainsInWorkers } from './run-pool.js';
import type { RunChain } from './run-worker-protocol.js';
import { resolveSettings, type BenchPreset, type BenchSettings, type SettingsOverrides } from './settings.js';
import { classCount, type TaskPlugin, type TaskSplits } from './task.js';
import { sharedViewCache, type ViewCache } from './view-cache.js';

export type { BenchMode } from './run-one.js';
export { runSignature } from './run-one.js';

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
  readonly engine?: FeatureEngineOption;
  /** First seed (default 0). */
  readonly seed?: number;
  /** Seeds per (model, task, mode): `seed`, `seed + 1`, ... (default 1). */
  readonly seeds?: number;
  /** Paired comparisons to report (default: every pre-trained model against every scratch model). */
  readonly comparisons?: readonly ComparisonRequest[];
  /** Bootstrap replicates of the intervals and tests (default 2000). */
  readonly replicates?: number;
  /** Skip finished runs and continue interrupted ones (default true). */
  readonly resume?: boolean;
  readonly progress?: boolean;
  /** The FT implementation (default: `@ppma/align`'s `alignModel` on one dataset). */
  readonly finetune?: Finetuner;
  /** Receives one line per finished or skipped run. */
  readonly log?: (line: string) => void;
  /** Decoded views (default: the process-wide cache, so later benchmarks of the same clips decode nothing). */
  readonly views?: ViewCache;
  /**
   * Runs at once, each in its own worker process on a one-thread backend (default 1: everything in
   * this process, one run at a time; see {@link defaultJobs} for why it is opt-in). Every run keeps
   * its seed and `results.json` keeps the plan's order; on the native backend the workers'
   * one-thread reductions can change probabilities in the last bits (top-1 was equal when measured).
   * Tasks given as objects, a custom `finetune` and a given `views` cache cannot cross a process
   * boundary: such benchmarks run here.
   */
  readonly jobs?: number;
}

type FeatureEngineOption = import('./features.js').FeatureEngine;

function modeList(m: RunBenchmarkOptions['modes']): BenchMode[] {
  if (m === undefined || m === 'both') return ['ft', 'lp'];
  if (typeof m === 'string') return [m as BenchMode];
  return [...new Set(m as readonly BenchMode[])];
}

/** The seeds of a benchmark: `first, first + 1, ..., first + count - 1`. */
export function seedList(first = 0, count = 1): number[] {
  if (!Number.isInteger(count) || count < 1) throw new ConfigError('seeds', `must be a positive integer, got ${count}`);
  if (!Number.isInteger(first)) throw new ConfigError('seed', `must be an integer, got ${first}`);
  return Array.from({ length: count }, (_, k) => first + k);
}

/** One planned run. */
interface Planned {
  readonly model: BenchModel;
  readonly task: TaskPlugin;
  readonly mode: BenchMode;
  readonly seed: number;
  readonly settings: BenchSettings;
  readonly root: string;
}

/**
 * The backend the workers start, or undefined when the runs must stay in this process: tasks given
 * as objects, a custom finetuner and a given view cache cannot be sent to a worker, and without a
 * backend there is none to copy.
 */
function workerBackend(o: RunBenchmarkOptions): BackendName | undefined {
  if (o.finetune || o.views || o.tasks.some((t) => typeof t !== 'string')) return undefined;
  try {
    return describeBackend().name;
  } catch {
    return undefined;
  }
}

/** The runs still to do, grouped by (model, task, mode) in plan order; a chain's seeds run in order in one worker. */
function chainsOf(plan: readonly Planned[], todo: readonly number[], sources: TaskSources): RunChain[] {
  const chains = new Map<string, { head: Planned; runs: { index: number; seed: number }[] }>();
  for (const i of todo) {
    const p = plan[i];
    const key = JSON.stringify([p.model.name, p.task.name, p.mode]);
    const c = chains.get(key) ?? { head: p, runs: [] };
    c.runs.push({ index: i, seed: p.seed });
    chains.set(key, c);
  }
  return [...chains.values()].map(({ head, runs }) => ({
    model: head.model,
    task: head.task.name,
    sources,
    root: head.root,
    mode: head.mode,
    settings: head.settings,
    runs,
  }));
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

/**
 * Runs the benchmark and writes its report. Finished runs are skipped (their stored result is
 * reused) unless `resume` is false.
 */
export async function runBenchmark(o: RunBenchmarkOptions): Promise<BenchmarkResults> {
  if (o.models.length === 0) throw new ConfigError('models', 'name at least one model');
  if (o.tasks.length === 0) throw new ConfigError('tasks', 'name at least one task');
  const seeds = seedList(o.seed ?? 0, o.seeds ?? 1);
  const ctx: RunContext = {
    out: resolve(o.out),
    resume: o.resume ?? true,
    progress: o.progress,
    engine: o.engine,
    finetune: async () => o.finetune ?? (await import('./protocols/align-finetune.js')).alignFinetuner,
    views: o.views ?? sharedViewCache(),
  };
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
  const jobs = o.jobs ?? defaultJobs();
  if (!Number.isInteger(jobs) || jobs < 1) throw new ConfigError('jobs', `must be a positive integer, got ${jobs}`);
  // The plan, in the order of results.json: task, model, mode, seed.
  const plan: Planned[] = [];
  for (const task of tasks) {
    const settings = resolveSettings(preset, o.settings, task.defaults);
    const root = resolve(o.roots?.[task.name] ?? join(o.dataRoot ?? '.', task.name));
    for (const m of models) {
      for (const mode of modes) {
        if (mode === 'lp' && m.scratch) {
          log(`${m.name}/${task.name} lp: skipped (a randomly initialised trunk has nothing to probe)`);
          continue;
        }
        for (const seed of seeds) plan.push({ model: m, task, mode, seed, settings, root });
      }
    }
  }
  const tagOf = (p: Planned): string => `${p.model.name}/${p.task.name} ${p.mode} seed ${p.seed}`;
  const results: (RunRecord | undefined)[] = plan.map(() => undefined);
  const todo: number[] = [];
  for (const [i, p] of plan.entries()) {
    const done = ctx.resume
      ? await finishedRun(ctx.out, p, runSignature(p.model, p.mode, p.settings, p.seed))
      : undefined;
    if (done) {
      log(`${tagOf(p)}: done earlier, top-1 ${done.top1.toFixed(1)}%`);
      results[i] = done;
    } else todo.push(i);
  }
  let finished = 0;
  const report = (i: number, r: RunRecord): void => {
    results[i] = r;
    finished++;
    const count = jobs > 1 ? `[${finished}/${todo.length}] ` : '';
    log(
      `${count}${tagOf(plan[i])}: top-1 ${r.top1.toFixed(1)}% (${r.evaluated} videos, ${r.skipped.length} skipped, ${r.seconds.toFixed(1)} s)`,
    );
  };
  const backend = jobs > 1 && todo.length > 1 ? workerBackend(o) : undefined;
  if (backend) {
    const sources = { synthIndex: o.synthIndex, plugins: o.plugins, pluginOptions: o.pluginOptions };
    await runChainsInWorkers(chainsOf(plan, todo, definedOnly(sources)), {
      jobs,
      out: ctx.out,
      resume: ctx.resume,
      engine: ctx.engine,
      backend,
      onRun: report,
      nameOf: (i) => tagOf(plan[i]),
    });
  } else {
    const splitsOf = new Map<TaskPlugin, TaskSplits>();
    for (const i of todo) {
      const p = plan[i];
      let splits = splitsOf.get(p.task);
      if (!splits) {
        splits = await p.task.load(p.root);
        checkSplits(p.task, splits);
        splitsOf.set(p.task, splits);
      }
      report(i, await runOne(ctx, { ...p, splits }));
    }
  }
  const runs = results.filter((r): r is RunRecord => r !== undefined);
  const comparisons =
    o.comparisons ??
    models
      .filter((m) => !m.scratch)
      .flatMap((m) => models.filter((s) => s.scratch).map((s) => ({ a: m.name, b: s.name })));
  return writeReport(ctx.out, {
    preset,
    modes,
    seeds,
    models: models.map((m) => ({ name: m.name, checkpoint: m.checkpoint ?? null })),
    tasks: tasks.map((t) => ({
      name: t.name,
      classes: classCount(t),
      ...(Array.isArray(t.classes) ? { classNames: [...(t.classes as readonly string[])] } : {}),
      ...definedOnly({ sceneObjectBias: t.sceneObjectBias }),
    })),
    runs,
    comparisons,
    replicates: o.replicates,
  });
}
