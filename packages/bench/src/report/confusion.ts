/** Confusion matrices as SVG heat maps: one per (model, task, mode), counts pooled over seeds, rows = true class. */
import type { ScoredRun } from '../stats/evidence.js';
import { classBreakdown } from '../stats/evidence.js';
import { esc, svgDoc, text } from './svg.js';
import type { BenchmarkResults } from './results.js';

/** One confusion matrix; `names` are the class labels in label order. */
export function confusionChart(title: string, names: readonly string[], runs: readonly ScoredRun[]): string {
  const n = names.length;
  const { confusion, support, perClass } = classBreakdown(runs, n);
  const cell = Math.max(14, Math.min(40, Math.floor(360 / Math.max(1, n))));
  const labelW = 8 + 6.5 * Math.max(4, ...names.map((s) => s.length));
  const left = labelW + 10;
  const top = 64 + labelW * 0.75;
  const width = left + n * cell + 80;
  const height = top + n * cell + 40;
  const body: string[] = [
    text(10, 20, title, 'font-size="13" font-weight="bold"'),
    text(
      10,
      38,
      'rows: true class, columns: predicted; share of the row, pooled over seeds',
      'font-size="10" fill="#555"',
    ),
  ];
  names.forEach((name, j) => {
    const x = left + j * cell + cell / 2;
    body.push(text(x, top - 6, name, `font-size="10" transform="rotate(-45 ${x} ${top - 6})"`));
  });
  confusion.forEach((row, i) => {
    const y = top + i * cell;
    body.push(text(left - 6, y + cell / 2 + 4, names[i], 'text-anchor="end" font-size="10"'));
    row.forEach((v, j) => {
      const share = support[i] ? v / support[i] : 0;
      const shade = Math.round(255 - 200 * share);
      const fill = i === j ? `rgb(${shade},${Math.round(255 - 120 * share)},${shade})` : `rgb(255,${shade},${shade})`;
      body.push(
        `<rect x="${left + j * cell}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#fff"><title>${esc(`${names[i]} → ${names[j]}: ${v} of ${support[i]}`)}</title></rect>`,
      );
      if (cell >= 22 && v > 0)
        body.push(text(left + j * cell + cell / 2, y + cell / 2 + 4, String(v), 'text-anchor="middle" font-size="9"'));
    });
    const acc = perClass[i];
    body.push(
      text(
        left + n * cell + 8,
        y + cell / 2 + 4,
        Number.isFinite(acc) ? `${acc.toFixed(0)}%` : '',
        'font-size="10" fill="#333"',
      ),
    );
  });
  return svgDoc(width, height, body);
}

/** Every confusion chart of a result: `confusion/<model>/<task>-<mode>.svg`. */
export function confusionCharts(
  r: Pick<BenchmarkResults, 'models' | 'tasks' | 'runs'>,
): { file: string; svg: string }[] {
  const out: { file: string; svg: string }[] = [];
  for (const m of r.models)
    for (const t of r.tasks)
      for (const mode of ['ft', 'lp'] as const) {
        const runs = r.runs.filter((x) => x.model === m.name && x.task === t.name && x.mode === mode);
        if (!runs.length) continue;
        const names = t.classNames ?? Array.from({ length: t.classes }, (_, i) => String(i));
        const title = `${m.name} on ${t.name}, ${mode.toUpperCase()} (${runs.length} seed${runs.length === 1 ? '' : 's'})`;
        out.push({ file: `confusion/${m.name}/${t.name}-${mode}.svg`, svg: confusionChart(title, names, runs) });
      }
  return out;
}
