/**
 * The benchmark's outputs (docs/ARCHITECTURE.md §8, §12): `results.json` (every run with its per-clip
 * predictions, the cell and average summaries with their 95% intervals, the paired comparisons),
 * `results.md` (the paper's Table 1 layout, the comparisons as sentences, per-class accuracy) and
 * SVG charts (accuracy per task per model, Fig. 4 style; training curves; a confusion matrix per
 * task, model and mode).
 */
import { join } from 'node:path';
import { atomicWrite } from '@ppma/core';
import type { SkippedVideo } from '../features.js';
import type { CurvePoint } from '../protocols/curves.js';
import {
  compareModels,
  summariseAverage,
  summariseCell,
  type AverageSummary,
  type CellSummary,
  type ClipPrediction,
  type Comparison,
  type ScoredRun,
} from '../stats/evidence.js';
import { accuracyChart, curvesChart } from './charts.js';
import { confusionCharts } from './confusion.js';
import { resultsTable } from './table.js';

export type { ClipPrediction } from '../stats/evidence.js';

/** One finished run. */
export interface RunRecord extends ScoredRun {
  /** Multi-view top-1 accuracy on the validation split, in percent. */
  readonly top1: number;
  /** Per validation clip (path, label, top-5 `[class, probability]`), in manifest order. */
  readonly predictions: readonly ClipPrediction[];
  readonly checkpoint: string | null;
  /** Manifest sizes. */
  readonly videos: { readonly train: number; readonly val: number };
  /** Validation videos evaluated (the others failed to decode and are in `skipped`). */
  readonly evaluated: number;
  readonly skipped: readonly SkippedVideo[];
  readonly curve: readonly CurvePoint[];
  /** Feature engine used for evaluation (`tfjs` or `onnx`). */
  readonly engine: string;
  readonly settings: unknown;
  /** What the run depended on (model, settings, seed); a rerun reuses it only when this matches. */
  readonly signature: string;
  /** Final weights, relative to the output folder. */
  readonly weights: string;
  readonly seconds: number;
}

/** A task as listed in the results. */
export interface TaskInfo {
  readonly name: string;
  readonly classes: number;
  /** Class names in label order, when the task declares them. */
  readonly classNames?: readonly string[];
  readonly sceneObjectBias?: number;
}

/** Mean top-1 (percent) of a model in one mode over the tasks it has runs for, with its 95% interval. */
export type ModeAverage = Pick<AverageSummary, 'mean' | 'lo' | 'hi' | 'tasks'>;

/** A paired comparison to make: model `a` against model `b`, on the average over tasks of each mode. */
export interface ComparisonRequest {
  readonly a: string;
  readonly b: string;
}

/** How the intervals and tests were computed (enough to recompute them). */
export interface StatisticsInfo {
  readonly method: string;
  readonly replicates: number;
  readonly seed: number;
  readonly level: number;
}

/** What `results.json` holds. */
export interface BenchmarkResults {
  readonly format: 'ppma-bench/2';
  readonly preset: string;
  readonly modes: readonly ('ft' | 'lp')[];
  readonly seeds: readonly number[];
  readonly models: readonly { readonly name: string; readonly checkpoint: string | null }[];
  readonly tasks: readonly TaskInfo[];
  readonly runs: readonly RunRecord[];
  readonly statistics: StatisticsInfo;
  /** A summary per (model, task, mode) with runs. */
  readonly cells: readonly CellSummary[];
  /** `averages[model][mode]`. */
  readonly averages: Readonly<Record<string, { readonly ft?: ModeAverage; readonly lp?: ModeAverage }>>;
  readonly comparisons: readonly Comparison[];
  /** Report files, relative to the output folder. */
  readonly files: { readonly json: string; readonly table: string; readonly charts: readonly string[] };
}

/** The input of {@link writeReport}. */
export interface ReportInput extends Pick<BenchmarkResults, 'preset' | 'modes' | 'models' | 'tasks' | 'runs'> {
  readonly seeds?: readonly number[];
  readonly comparisons?: readonly ComparisonRequest[];
  /** Bootstrap replicates (default 2000). */
  readonly replicates?: number;
}

/** The bootstrap settings used when none are given. */
export const DEFAULT_STATISTICS: StatisticsInfo = Object.freeze({
  method:
    'percentile bootstrap over validation clips and seeds (each replicate draws the clips with replacement, the same for every seed, and the seeds with replacement); paired comparisons draw the same clips for both models',
  replicates: 2000,
  seed: 0,
  level: 0.95,
});

/** What {@link computeEvidence} reads: model names, tasks, and runs with per-clip predictions. */
export interface EvidenceInput {
  readonly models: readonly { readonly name: string }[];
  readonly tasks: readonly TaskInfo[];
  readonly runs: readonly ScoredRun[];
}

/** The summaries of every cell, average and requested comparison: a pure function of the runs. */
export function computeEvidence(
  input: EvidenceInput,
  requests: readonly ComparisonRequest[] = [],
  stats: StatisticsInfo = DEFAULT_STATISTICS,
): Pick<BenchmarkResults, 'cells' | 'averages' | 'comparisons'> {
  const o = { replicates: stats.replicates, seed: stats.seed, level: stats.level };
  const tasks = input.tasks.map((t) => t.name);
  const cells: CellSummary[] = [];
  const averages: Record<string, { ft?: ModeAverage; lp?: ModeAverage }> = {};
  for (const m of input.models) {
    const entry: { ft?: ModeAverage; lp?: ModeAverage } = {};
    for (const mode of ['ft', 'lp'] as const) {
      for (const t of tasks) {
        const c = summariseCell(input.runs, m.name, t, mode, o);
        if (c) cells.push(c);
      }
      const a = summariseAverage(input.runs, m.name, tasks, mode, o);
      if (a) entry[mode] = { mean: a.mean, lo: a.lo, hi: a.hi, tasks: a.tasks };
    }
    averages[m.name] = entry;
  }
  const comparisons: Comparison[] = [];
  for (const r of requests)
    for (const mode of ['ft', 'lp'] as const) {
      const c = compareModels(input.runs, r.a, r.b, mode, tasks, { ...o, scope: 'avg' });
      if (c) comparisons.push(c);
    }
  return { cells, averages, comparisons };
}

/** Per-model, per-mode mean top-1 (percent) over the tasks with a run, with its interval. */
export function computeAverages(
  input: Pick<BenchmarkResults, 'models' | 'tasks' | 'runs'>,
): BenchmarkResults['averages'] {
  return computeEvidence(input).averages;
}

/** Writes `results.json`, `results.md` and the charts into `out`; returns the results. */
export async function writeReport(out: string, input: ReportInput): Promise<BenchmarkResults> {
  const charts: string[] = [];
  const files = { json: 'results.json', table: 'results.md', charts };
  const statistics = { ...DEFAULT_STATISTICS, replicates: input.replicates ?? DEFAULT_STATISTICS.replicates };
  const evidence = computeEvidence(input, input.comparisons ?? [], statistics);
  const seeds = input.seeds ?? [...new Set(input.runs.map((r) => r.seed))].sort((a, b) => a - b);
  const { comparisons: _requests, replicates: _replicates, ...rest } = input;
  const results: BenchmarkResults = { format: 'ppma-bench/2', ...rest, seeds, statistics, ...evidence, files };
  for (const mode of input.modes) {
    if (!input.runs.some((r) => r.mode === mode)) continue;
    const acc = `accuracy-${mode}.svg`;
    await atomicWrite(join(out, acc), [accuracyChart(results, mode)]);
    charts.push(acc);
    const cur = `curves-${mode}.svg`;
    await atomicWrite(join(out, cur), [curvesChart(results, mode)]);
    charts.push(cur);
  }
  for (const { file, svg } of confusionCharts(results)) {
    await atomicWrite(join(out, file), [svg]);
    charts.push(file);
  }
  await atomicWrite(join(out, files.table), [resultsTable(results)]);
  await atomicWrite(join(out, files.json), [JSON.stringify(results) + '\n']);
  return results;
}
