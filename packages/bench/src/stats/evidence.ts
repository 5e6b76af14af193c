/**
 * From per-clip predictions to evidence (docs/ARCHITECTURE.md §12): a mean with a 95% interval for
 * every (model, task, mode) cell and every average over tasks, and paired comparisons of two
 * models on the same validation clips (paired bootstrap interval and p-value, plus an exact sign
 * test over clips). Everything here is a pure function of the runs' predictions and the bootstrap
 * seed, so anyone holding `results.json` recomputes the same numbers.
 */
import {
  bootstrapAccuracy,
  clipScores,
  pairedBootstrap,
  type BootstrapOptions,
  type Correctness,
  type Interval,
} from './bootstrap.js';
import { pairedSignTest, type SignTestResult } from './sign-test.js';
import type { ClipPrediction } from '@ppma/video-io';

export type { ClipPrediction } from '@ppma/video-io';

/** What the statistics need of a run. */
export interface ScoredRun {
  readonly model: string;
  readonly task: string;
  readonly mode: 'ft' | 'lp';
  readonly seed: number;
  /** Top-1 in percent. */
  readonly top1: number;
  readonly predictions: readonly ClipPrediction[];
}

/** Top-1 (percent) of predictions: the share whose most probable class is the label. */
export function predictionsTop1(p: readonly ClipPrediction[]): number {
  if (p.length === 0) return NaN;
  return (100 * p.filter((x) => x.top5[0]?.[0] === x.label).length) / p.length;
}

/** The runs of one cell, sorted by seed. */
export function cellRuns(runs: readonly ScoredRun[], model: string, task: string, mode: 'ft' | 'lp'): ScoredRun[] {
  return runs.filter((r) => r.model === model && r.task === task && r.mode === mode).sort((a, b) => a.seed - b.seed);
}

/** Clips present in every run (in the first run's order): a clip skipped by one run is left out of all. */
export function commonClips(runs: readonly ScoredRun[]): string[] {
  if (runs.length === 0) return [];
  const sets = runs.slice(1).map((r) => new Set(r.predictions.map((p) => p.clip)));
  return runs[0].predictions.map((p) => p.clip).filter((c) => sets.every((s) => s.has(c)));
}

/** The 0/1 correctness table of a cell's runs over `clips`. */
export function correctnessOf(runs: readonly ScoredRun[], clips: readonly string[]): Correctness {
  const correct = new Uint8Array(runs.length * clips.length);
  runs.forEach((r, s) => {
    const byClip = new Map(r.predictions.map((p) => [p.clip, p]));
    clips.forEach((c, i) => {
      const p = byClip.get(c);
      correct[s * clips.length + i] = p && p.top5[0]?.[0] === p.label ? 1 : 0;
    });
  });
  return { seeds: runs.length, clips: clips.length, correct };
}

/** A table cell: mean top-1 over seeds with its interval. */
export interface CellSummary extends Interval {
  readonly model: string;
  readonly task: string;
  readonly mode: 'ft' | 'lp';
  readonly seeds: readonly number[];
  /** Validation clips scored by every seed. */
  readonly clips: number;
}

/** A model's average over tasks in one mode, with its interval. */
export interface AverageSummary extends Interval {
  readonly model: string;
  readonly mode: 'ft' | 'lp';
  /** Tasks averaged (fewer than asked when some cells have no run). */
  readonly tasks: number;
}

const seedOf = (o: BootstrapOptions, ...parts: string[]): string => [String(o.seed ?? 0), ...parts].join(':');

/** Summary of one cell (undefined when it has no run). */
export function summariseCell(
  runs: readonly ScoredRun[],
  model: string,
  task: string,
  mode: 'ft' | 'lp',
  o: BootstrapOptions = {},
): CellSummary | undefined {
  const mine = cellRuns(runs, model, task, mode);
  const clips = commonClips(mine);
  if (mine.length === 0 || clips.length === 0) return undefined;
  const iv = bootstrapAccuracy([correctnessOf(mine, clips)], { ...o, seed: seedOf(o, model, task, mode) });
  return { model, task, mode, seeds: mine.map((r) => r.seed), clips: clips.length, ...iv };
}

/** Summary of a model's average over `tasks` in `mode` (over the tasks that have runs). */
export function summariseAverage(
  runs: readonly ScoredRun[],
  model: string,
  tasks: readonly string[],
  mode: 'ft' | 'lp',
  o: BootstrapOptions = {},
): AverageSummary | undefined {
  const cells: Correctness[] = [];
  for (const t of tasks) {
    const mine = cellRuns(runs, model, t, mode);
    const clips = commonClips(mine);
    if (mine.length && clips.length) cells.push(correctnessOf(mine, clips));
  }
  if (cells.length === 0) return undefined;
  const iv = bootstrapAccuracy(cells, { ...o, seed: seedOf(o, model, 'avg', mode) });
  return { model, mode, tasks: cells.length, ...iv };
}

/** A paired comparison of model `a` against model `b`. */
export interface Comparison extends Interval {
  readonly a: string;
  readonly b: string;
  readonly mode: 'ft' | 'lp';
  /** A task name, or `avg` for the average over tasks. */
  readonly scope: string;
  readonly tasks: number;
  /** Clips scored by both (summed over tasks). */
  readonly clips: number;
  /** Paired-bootstrap two-sided p-value of "no difference". */
  readonly p: number;
  /** Exact sign test over clips, on the per-clip share of seeds that got the clip right. */
  readonly sign: SignTestResult;
  /** False when the 95% interval of the difference contains 0. */
  readonly distinguishable: boolean;
}

/**
 * Compares `a` with `b` in `mode` on `tasks` (their average when there are several; `scope` names
 * the task otherwise): the difference a - b in points with its paired-bootstrap interval and p.
 * Only tasks where both have runs count, and only clips both scored.
 */
export function compareModels(
  runs: readonly ScoredRun[],
  a: string,
  b: string,
  mode: 'ft' | 'lp',
  tasks: readonly string[],
  o: BootstrapOptions & { scope?: string } = {},
): Comparison | undefined {
  const pairs: { a: Correctness; b: Correctness }[] = [];
  const sa: number[] = [];
  const sb: number[] = [];
  for (const t of tasks) {
    const ra = cellRuns(runs, a, t, mode);
    const rb = cellRuns(runs, b, t, mode);
    if (!ra.length || !rb.length) continue;
    const clips = commonClips([...ra, ...rb]);
    if (!clips.length) continue;
    const pa = correctnessOf(ra, clips);
    const pb = correctnessOf(rb, clips);
    pairs.push({ a: pa, b: pb });
    sa.push(...clipScores(pa));
    sb.push(...clipScores(pb));
  }
  if (pairs.length === 0) return undefined;
  const scope = o.scope ?? (tasks.length === 1 ? tasks[0] : 'avg');
  const d = pairedBootstrap(pairs, { ...o, seed: seedOf(o, a, b, scope, mode) });
  return {
    a,
    b,
    mode,
    scope,
    tasks: pairs.length,
    clips: sa.length,
    mean: d.mean,
    lo: d.lo,
    hi: d.hi,
    p: d.p,
    sign: pairedSignTest(sa, sb),
    distinguishable: d.lo > 0 || d.hi < 0,
  };
}

const signed = (v: number): string => `${v >= 0 ? '+' : ''}${v.toFixed(1)}`;

/** A p-value as printed: three decimals, or `< 0.001`. */
export function formatP(p: number): string {
  if (!Number.isFinite(p)) return 'n/a';
  return p < 0.001 ? '< 0.001' : `= ${p.toFixed(3)}`;
}

/**
 * A comparison as a sentence: "ppma > scratch on avg FT: +3.1 points, 95% CI [1.2, 5.0], p = 0.004
 * (sign test over 750 clips: 41 better, 22 worse, p = 0.023)", ending in "not distinguishable"
 * when the interval contains 0.
 */
export function comparisonSentence(c: Comparison, names: Readonly<Record<string, string>> = {}): string {
  const na = names[c.a] ?? c.a;
  const nb = names[c.b] ?? c.b;
  const rel = !c.distinguishable ? '≈' : c.mean > 0 ? '>' : '<';
  const s = c.sign;
  const head = `${na} ${rel} ${nb} on ${c.scope} ${c.mode.toUpperCase()}: ${signed(c.mean)} points, 95% CI [${c.lo.toFixed(1)}, ${c.hi.toFixed(1)}], p ${formatP(c.p)}`;
  const sign = ` (sign test over ${c.clips} clips: ${s.wins} better, ${s.losses} worse, p ${formatP(s.p)})`;
  return head + sign + (c.distinguishable ? '' : ' — not distinguishable');
}

/** Per-class accuracy (percent, pooled over seeds) and the confusion counts `[label][predicted]`. */
export function classBreakdown(
  runs: readonly ScoredRun[],
  classes: number,
): { perClass: number[]; confusion: number[][]; support: number[] } {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (const r of runs)
    for (const p of r.predictions) {
      const pred = p.top5[0]?.[0];
      if (pred !== undefined && p.label >= 0 && p.label < classes && pred < classes) confusion[p.label][pred]++;
    }
  const support = confusion.map((row) => row.reduce((s, v) => s + v, 0));
  const perClass = confusion.map((row, c) => (support[c] ? (100 * row[c]) / support[c] : NaN));
  return { perClass, confusion, support };
}
