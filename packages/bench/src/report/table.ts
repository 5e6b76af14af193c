/**
 * `results.md`: the results table in the layout of the paper's Table 1 (one row per model, a column
 * per task and protocol, then the FT and LP averages; every cell the mean top-1 over seeds with its
 * 95% interval), the paired comparisons as sentences, and per-class accuracy.
 */
import type { Interval } from '../stats/bootstrap.js';
import { classBreakdown, comparisonSentence, type Comparison, type ScoredRun } from '../stats/evidence.js';
import type { BenchmarkResults, TaskInfo } from './results.js';

/** A cell as printed: `mean [lo, hi]` in percent, or empty. */
export function intervalCell(iv: Interval | undefined): string {
  if (!iv || !Number.isFinite(iv.mean)) return '';
  return `${iv.mean.toFixed(1)} [${iv.lo.toFixed(1)}, ${iv.hi.toFixed(1)}]`;
}

type TableInput = Pick<BenchmarkResults, 'models' | 'tasks' | 'cells' | 'averages' | 'modes' | 'preset' | 'seeds'>;

/** The Table 1 Markdown lines (header, alignment, a row per model). */
export function table1Lines(r: TableInput): string[] {
  const modes = (['ft', 'lp'] as const).filter((m) => r.modes.includes(m));
  const header = ['model'];
  for (const t of r.tasks) for (const m of modes) header.push(`${t.name} ${m.toUpperCase()}`);
  for (const m of modes) header.push(`avg ${m.toUpperCase()}`);
  const rows = r.models.map((model) => {
    const cells = [model.name];
    for (const t of r.tasks)
      for (const m of modes)
        cells.push(intervalCell(r.cells.find((x) => x.model === model.name && x.task === t.name && x.mode === m)));
    for (const m of modes) {
      const a = r.averages[model.name]?.[m];
      const s = intervalCell(a);
      cells.push(a && a.tasks < r.tasks.length ? `${s} (${a.tasks}/${r.tasks.length})` : s);
    }
    return cells;
  });
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(['---', ...header.slice(1).map(() => '---:')]), ...rows.map(line)];
}

/** One sentence per comparison. */
export function comparisonLines(cs: readonly Comparison[], names: Readonly<Record<string, string>> = {}): string[] {
  return cs.map((c) => `- ${comparisonSentence(c, names)}`);
}

/** A per-class accuracy table per task: a row per (model, mode), a column per class (pooled over seeds). */
export function perClassTables(
  tasks: readonly TaskInfo[],
  models: readonly string[],
  runs: readonly ScoredRun[],
  modes: readonly ('ft' | 'lp')[],
): string[] {
  const out: string[] = [];
  for (const t of tasks) {
    const names = t.classNames ?? Array.from({ length: t.classes }, (_, i) => String(i));
    const lines: string[] = [];
    for (const m of models)
      for (const mode of modes) {
        const mine = runs.filter((r) => r.model === m && r.task === t.name && r.mode === mode);
        if (!mine.length) continue;
        const { perClass } = classBreakdown(mine, t.classes);
        lines.push(
          `| ${m} ${mode.toUpperCase()} | ${perClass.map((v) => (Number.isFinite(v) ? v.toFixed(0) : '')).join(' | ')} |`,
        );
      }
    if (!lines.length) continue;
    out.push(
      `### ${t.name}`,
      '',
      `| model | ${names.join(' | ')} |`,
      `| --- | ${names.map(() => '---:').join(' | ')} |`,
      ...lines,
      '',
    );
  }
  return out;
}

/** Markdown for `results.md`. */
export function resultsTable(r: TableInput & Pick<BenchmarkResults, 'comparisons' | 'runs' | 'statistics'>): string {
  const bias = r.tasks
    .map(
      (t) =>
        `${t.name}: ${t.classes} classes${t.sceneObjectBias === undefined ? '' : `, scene-object bias ${t.sceneObjectBias}`}`,
    )
    .join('; ');
  const k = r.seeds.length;
  return [
    `Top-1 accuracy (%), multi-view testing; FT = fine-tuning, LP = linear probe on the frozen trunk. Preset: ${r.preset}.`,
    `Each cell: mean over ${k} seed${k === 1 ? '' : 's'} (${r.seeds.join(', ')}) [95% interval: ${r.statistics.replicates}-replicate bootstrap over validation clips and seeds].`,
    '',
    ...table1Lines(r),
    '',
    `Tasks (in column order): ${bias}.`,
    'An average marked (k/n) covers only the k tasks with a finished run.',
    '',
    ...(r.comparisons.length
      ? [
          '## Paired comparisons',
          '',
          'Difference in mean top-1 (points) on the same validation clips; interval and p from a paired bootstrap, plus an exact sign test over clips. "≈" marks differences whose interval contains 0.',
          '',
          ...comparisonLines(r.comparisons),
          '',
        ]
      : []),
    '## Per-class accuracy (%, pooled over seeds)',
    '',
    ...perClassTables(
      r.tasks,
      r.models.map((m) => m.name),
      r.runs,
      r.modes,
    ),
  ].join('\n');
}
