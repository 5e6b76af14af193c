/**
 * Leakage statistics (issue 17 §3, docs/ARCHITECTURE.md §12): the accuracy of a linear probe that
 * predicts a private attribute from frozen features, with the bootstrap interval of every benchmark
 * cell, against chance (the constant predictor of the attribute's most frequent training class),
 * and paired comparisons between models. Each (task, attribute) is scored like a benchmark task in
 * LP mode, so the cell, average and comparison code of `stats/evidence.ts` applies unchanged.
 */
import type { ClipPrediction } from '@ppma/video-io';
import type { BootstrapOptions, Interval } from '../stats/bootstrap.js';
import {
  cellRuns,
  compareModels,
  summariseAverage,
  summariseCell,
  type Comparison,
  type ScoredRun,
} from '../stats/evidence.js';

/** One probe run: a model's frozen features, one attribute of one privacy task, one seed. */
export interface PrivacyRun {
  readonly model: string;
  readonly task: string;
  readonly attribute: string;
  readonly seed: number;
  /** Accuracy in percent, recomputable from `predictions`. */
  readonly top1: number;
  /** One per validation clip annotated for the attribute (`clip` = its path). */
  readonly predictions: readonly ClipPrediction[];
  /** The attribute's most frequent class among the training clips: what chance predicts. */
  readonly majority: number;
}

/** Name of the chance predictor in cells and comparisons. */
export const CHANCE = 'chance';

/** Leakage of one attribute for one model. */
export interface LeakageCell extends Interval {
  readonly model: string;
  readonly task: string;
  readonly attribute: string;
  readonly seeds: readonly number[];
  readonly clips: number;
  /** The model's accuracy minus chance, paired over clips, with p. */
  readonly vsChance?: Comparison;
}

/** A model's mean leakage over the attributes of a task. */
export interface LeakageSummary extends Interval {
  readonly model: string;
  readonly task: string;
  readonly attributes: number;
  readonly vsChance?: Comparison;
}

/** Everything the leakage table, sentences and chart need. */
export interface LeakageEvidence {
  /** Per model (and {@link CHANCE}), task and attribute. */
  readonly cells: LeakageCell[];
  /** Per model (and {@link CHANCE}) and task: the mean over attributes. */
  readonly summaries: LeakageSummary[];
  /** Requested model-vs-model comparisons of mean leakage (scope: the task). */
  readonly comparisons: Comparison[];
}

const key = (task: string, attribute: string): string => `${task}/${attribute}`;

function scored(r: PrivacyRun): ScoredRun {
  return {
    model: r.model,
    task: key(r.task, r.attribute),
    mode: 'lp',
    seed: r.seed,
    top1: r.top1,
    predictions: r.predictions,
  };
}

/**
 * The chance predictor's runs: for every (task, attribute), the first run's validation clips all
 * predicted as that run's training majority class.
 */
export function chanceRuns(runs: readonly PrivacyRun[]): ScoredRun[] {
  const out = new Map<string, ScoredRun>();
  for (const r of runs) {
    const k = key(r.task, r.attribute);
    if (out.has(k)) continue;
    const predictions = r.predictions.map((p) => ({ clip: p.clip, label: p.label, top5: [[r.majority, 1]] as const }));
    const top1 = (100 * predictions.filter((p) => p.label === r.majority).length) / Math.max(1, predictions.length);
    out.set(k, { model: CHANCE, task: k, mode: 'lp', seed: 0, top1, predictions });
  }
  return [...out.values()];
}

/**
 * Cells, per-task means and comparisons from probe runs. `attributes` lists each task's attributes
 * in table order; `comparisons` the model pairs to compare (a - b in points of mean leakage).
 */
export function computeLeakage(
  runs: readonly PrivacyRun[],
  models: readonly string[],
  attributes: Readonly<Record<string, readonly string[]>>,
  comparisons: readonly { a: string; b: string }[] = [],
  o: BootstrapOptions = {},
): LeakageEvidence {
  const all = [...runs.map(scored), ...chanceRuns(runs)];
  const cells: LeakageCell[] = [];
  const summaries: LeakageSummary[] = [];
  const out: Comparison[] = [];
  for (const [task, attrs] of Object.entries(attributes)) {
    const keys = attrs.map((a) => key(task, a));
    for (const model of [...models, CHANCE]) {
      attrs.forEach((attribute, i) => {
        const c = summariseCell(all, model, keys[i], 'lp', o);
        if (!c) return;
        const vsChance =
          model === CHANCE ? undefined : compareModels(all, model, CHANCE, 'lp', [keys[i]], { ...o, scope: keys[i] });
        cells.push({
          model,
          task,
          attribute,
          seeds: c.seeds,
          clips: c.clips,
          mean: c.mean,
          lo: c.lo,
          hi: c.hi,
          vsChance,
        });
      });
      const avg = summariseAverage(all, model, keys, 'lp', { ...o, seed: `${String(o.seed ?? 0)}:${task}` });
      if (!avg) continue;
      const vsChance =
        model === CHANCE ? undefined : compareModels(all, model, CHANCE, 'lp', keys, { ...o, scope: task });
      summaries.push({ model, task, attributes: avg.tasks, mean: avg.mean, lo: avg.lo, hi: avg.hi, vsChance });
    }
    for (const { a, b } of comparisons) {
      if (!cellRuns(all, a, keys[0], 'lp').length || !cellRuns(all, b, keys[0], 'lp').length) continue;
      const c = compareModels(all, a, b, 'lp', keys, { ...o, scope: task });
      if (c) out.push(c);
    }
  }
  return { cells, summaries, comparisons: out };
}
