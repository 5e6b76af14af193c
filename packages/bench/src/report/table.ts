/**
 * The results table in the layout of the paper's Table 1: one row per model, a column per task
 * and protocol (FT, LP), then the FT and LP averages. Accuracies are top-1 in percent.
 */
import type { BenchmarkResults } from './results.js';

const pct = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '' : (100 * v).toFixed(1));

/** Markdown for `results.md`. */
export function resultsTable(
  r: Pick<BenchmarkResults, 'models' | 'tasks' | 'runs' | 'averages' | 'modes' | 'preset'>,
): string {
  const modes = (['ft', 'lp'] as const).filter((m) => r.modes.includes(m));
  const header = ['model'];
  for (const t of r.tasks) for (const m of modes) header.push(`${t.name} ${m.toUpperCase()}`);
  for (const m of modes) header.push(`avg ${m.toUpperCase()}`);
  const rows = r.models.map((model) => {
    const cells = [model.name];
    for (const t of r.tasks)
      for (const m of modes)
        cells.push(pct(r.runs.find((x) => x.model === model.name && x.task === t.name && x.mode === m)?.top1));
    for (const m of modes) {
      const a = r.averages[model.name]?.[m];
      cells.push(
        a === undefined ? '' : a.tasks < r.tasks.length ? `${pct(a.mean)} (${a.tasks}/${r.tasks.length})` : pct(a.mean),
      );
    }
    return cells;
  });
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const align = ['---', ...header.slice(1).map(() => '---:')];
  const bias = r.tasks
    .map(
      (t) =>
        `${t.name}: ${t.classes} classes${t.sceneObjectBias === undefined ? '' : `, scene-object bias ${t.sceneObjectBias}`}`,
    )
    .join('; ');
  return [
    `Top-1 accuracy (%), multi-view testing; FT = fine-tuning, LP = linear probe on the frozen trunk. Preset: ${r.preset}.`,
    '',
    line(header),
    line(align),
    ...rows.map(line),
    '',
    `Tasks (in column order): ${bias}.`,
    'An average marked (k/n) covers only the k tasks with a finished run.',
    '',
  ].join('\n');
}
