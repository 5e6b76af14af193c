/**
 * The benchmark's outputs: `results.json` (every run, with the averages), `results.md` (the
 * paper's Table 1 layout) and SVG charts (accuracy per task per model, Fig. 4 style; training curves).
 */
import { join } from 'node:path';
import { atomicWrite } from '@ppma/core';
import type { SkippedVideo } from '../eval-views.js';
import type { CurvePoint } from '../protocols/curves.js';
import { accuracyChart, curvesChart } from './charts.js';
import { resultsTable } from './table.js';

/** One finished run. */
export interface RunRecord {
  readonly model: string;
  readonly task: string;
  readonly mode: 'ft' | 'lp';
  /** Multi-view top-1 accuracy on the validation split, in [0, 1]. */
  readonly top1: number;
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
  readonly sceneObjectBias?: number;
}

/** Mean top-1 of a model in one mode, over the tasks it has runs for. */
export interface ModeAverage {
  readonly mean: number;
  /** Tasks averaged (fewer than the task count when some runs are missing). */
  readonly tasks: number;
}

/** What `results.json` holds. */
export interface BenchmarkResults {
  readonly format: 'ppma-bench/1';
  readonly preset: string;
  readonly modes: readonly ('ft' | 'lp')[];
  readonly models: readonly { readonly name: string; readonly checkpoint: string | null }[];
  readonly tasks: readonly TaskInfo[];
  readonly runs: readonly RunRecord[];
  /** `averages[model][mode]`. */
  readonly averages: Readonly<Record<string, { readonly ft?: ModeAverage; readonly lp?: ModeAverage }>>;
  /** Report files, relative to the output folder. */
  readonly files: { readonly json: string; readonly table: string; readonly charts: readonly string[] };
}

/** The input of {@link writeReport}. */
export type ReportInput = Pick<BenchmarkResults, 'preset' | 'modes' | 'models' | 'tasks' | 'runs'>;

/** Per-model, per-mode mean top-1 over the tasks with a run. */
export function computeAverages(input: Pick<BenchmarkResults, 'models' | 'runs'>): BenchmarkResults['averages'] {
  const out: Record<string, { ft?: ModeAverage; lp?: ModeAverage }> = {};
  for (const m of input.models) {
    const entry: { ft?: ModeAverage; lp?: ModeAverage } = {};
    for (const mode of ['ft', 'lp'] as const) {
      const vals = input.runs
        .filter((r) => r.model === m.name && r.mode === mode && Number.isFinite(r.top1))
        .map((r) => r.top1);
      if (vals.length) entry[mode] = { mean: vals.reduce((a, b) => a + b, 0) / vals.length, tasks: vals.length };
    }
    out[m.name] = entry;
  }
  return out;
}

/** Writes `results.json`, `results.md` and the charts into `out`; returns the results. */
export async function writeReport(out: string, input: ReportInput): Promise<BenchmarkResults> {
  const charts: string[] = [];
  const files = { json: 'results.json', table: 'results.md', charts };
  const results: BenchmarkResults = { format: 'ppma-bench/1', ...input, averages: computeAverages(input), files };
  for (const mode of input.modes) {
    if (!input.runs.some((r) => r.mode === mode)) continue;
    const acc = `accuracy-${mode}.svg`;
    await atomicWrite(join(out, acc), [accuracyChart(results, mode)]);
    charts.push(acc);
    const cur = `curves-${mode}.svg`;
    await atomicWrite(join(out, cur), [curvesChart(results, mode)]);
    charts.push(cur);
  }
  await atomicWrite(join(out, files.table), [resultsTable(results)]);
  await atomicWrite(join(out, files.json), [JSON.stringify(results, null, 2) + '\n']);
  return results;
}
