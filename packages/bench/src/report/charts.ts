/**
 * The report charts, as small hand-written SVG: grouped bars of top-1 accuracy per task and model
 * (the paper's Fig. 4 style, one chart per protocol), and training-loss curves per task.
 */
import { colour, fmt, legend, niceTicks, svgDoc, text } from './svg.js';
import type { Interval } from '../stats/bootstrap.js';
import type { BenchmarkResults } from './results.js';

const MODE_NAME = { ft: 'fine-tuning (FT)', lp: 'linear probe (LP)' } as const;

/** Grouped bar chart: a group per task (and the average), a bar per model; mean top-1 in % with its 95% interval. */
export function accuracyChart(
  r: Pick<BenchmarkResults, 'models' | 'tasks' | 'cells' | 'averages'>,
  mode: 'ft' | 'lp',
): string {
  const models = r.models.map((m) => m.name);
  const groups = [...r.tasks.map((t) => t.name), 'average'];
  const value = (model: string, g: number): Interval | undefined =>
    g < r.tasks.length
      ? r.cells.find((x) => x.model === model && x.task === r.tasks[g].name && x.mode === mode)
      : r.averages[model]?.[mode];
  const barW = Math.max(8, Math.min(28, 120 / Math.max(1, models.length)));
  const longest = Math.max(...groups.map((g) => g.length));
  const groupW = Math.max(models.length * barW + 24, 7 * longest + 14);
  const left = 52;
  const top = 56;
  const plotH = 220;
  const width = Math.max(340, left + groups.length * groupW + 20);
  const height = top + plotH + 48;
  const y = (v: number): number => top + plotH - (plotH * v) / 100;
  const body: string[] = [
    text(left, 20, `Top-1 accuracy per task, ${MODE_NAME[mode]}`, 'font-size="14" font-weight="bold"'),
    ...legend(left, 40, models),
  ];
  for (const t of niceTicks(0, 100, 5)) {
    body.push(`<line x1="${left}" x2="${width - 10}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`);
    body.push(text(left - 6, y(t) + 4, fmt(t), 'text-anchor="end" fill="#555"'));
  }
  body.push(
    text(
      14,
      top + plotH / 2,
      'top-1 (%)',
      `transform="rotate(-90 14 ${top + plotH / 2})" text-anchor="middle" fill="#555"`,
    ),
  );
  groups.forEach((g, gi) => {
    const x0 = left + 12 + gi * groupW + (groupW - 24 - models.length * barW) / 2;
    models.forEach((m, mi) => {
      const v = value(m, gi);
      if (v === undefined || !Number.isFinite(v.mean)) return;
      const pct = v.mean;
      const x = x0 + mi * barW;
      body.push(
        `<rect x="${x.toFixed(1)}" y="${y(pct).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(top + plotH - y(pct)).toFixed(1)}" fill="${colour(mi)}"><title>${m} / ${g}: ${pct.toFixed(1)}% [${v.lo.toFixed(1)}, ${v.hi.toFixed(1)}]</title></rect>`,
      );
      if (Number.isFinite(v.lo) && Number.isFinite(v.hi)) {
        const cx = (x + (barW - 2) / 2).toFixed(1);
        body.push(
          `<line class="ci" x1="${cx}" x2="${cx}" y1="${y(v.lo).toFixed(1)}" y2="${y(v.hi).toFixed(1)}" stroke="#222" stroke-width="1.2"/>`,
        );
      }
      if (barW >= 14)
        body.push(
          text(
            x + (barW - 2) / 2,
            y(Number.isFinite(v.hi) ? Math.max(pct, v.hi) : pct) - 3,
            pct.toFixed(0),
            'text-anchor="middle" font-size="9" fill="#333"',
          ),
        );
    });
    body.push(
      text(
        x0 + (models.length * barW) / 2,
        top + plotH + 16,
        g,
        `text-anchor="middle"${gi === groups.length - 1 ? ' font-weight="bold"' : ''}`,
      ),
    );
  });
  body.push(`<line x1="${left}" x2="${width - 10}" y1="${top + plotH}" y2="${top + plotH}" stroke="#333"/>`);
  return svgDoc(width, height, body);
}

/** Training loss per epoch: one panel per task, one line per model. */
export function curvesChart(r: Pick<BenchmarkResults, 'models' | 'tasks' | 'runs'>, mode: 'ft' | 'lp'): string {
  const models = r.models.map((m) => m.name);
  const cols = Math.min(3, Math.max(1, r.tasks.length));
  const rows = Math.ceil(r.tasks.length / cols);
  const pw = 240;
  const ph = 150;
  const gap = 56;
  const top = 56;
  const title = `Training loss per epoch, ${MODE_NAME[mode]}`;
  const width = Math.max(20 + cols * (pw + gap), 40 + 8 * title.length);
  const height = top + rows * (ph + gap) + 10;
  const body: string[] = [text(20, 20, title, 'font-size="14" font-weight="bold"'), ...legend(20, 40, models)];
  r.tasks.forEach((t, ti) => {
    const ox = 20 + gap - 10 + (ti % cols) * (pw + gap);
    const oy = top + 18 + Math.floor(ti / cols) * (ph + gap);
    const runs = models.map((m) => r.runs.find((x) => x.model === m && x.task === t.name && x.mode === mode));
    const pts = runs.flatMap((x) => x?.curve ?? []);
    body.push(text(ox + pw / 2, oy - 6, t.name, 'text-anchor="middle" font-weight="bold"'));
    body.push(`<rect x="${ox}" y="${oy}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
    if (pts.length === 0) {
      body.push(text(ox + pw / 2, oy + ph / 2, 'no curve', 'text-anchor="middle" fill="#999"'));
      return;
    }
    const maxE = Math.max(...pts.map((p) => p.epoch));
    const lo = Math.min(0, ...pts.map((p) => p.loss));
    const hi = Math.max(...pts.map((p) => p.loss)) * 1.05 || 1;
    const sx = (e: number): number => ox + (maxE <= 1 ? pw / 2 : ((e - 1) / (maxE - 1)) * pw);
    const sy = (v: number): number => oy + ph - ((v - lo) / (hi - lo)) * ph;
    for (const tk of niceTicks(lo, hi, 4)) {
      body.push(`<line x1="${ox}" x2="${ox + pw}" y1="${sy(tk).toFixed(1)}" y2="${sy(tk).toFixed(1)}" stroke="#eee"/>`);
      body.push(text(ox - 4, sy(tk) + 4, fmt(tk), 'text-anchor="end" font-size="10" fill="#555"'));
    }
    body.push(text(ox + pw / 2, oy + ph + 16, `epoch (1-${maxE})`, 'text-anchor="middle" font-size="10" fill="#555"'));
    runs.forEach((x, mi) => {
      if (!x || x.curve.length === 0) return;
      const d = x.curve.map((p, i) => `${i ? 'L' : 'M'}${sx(p.epoch).toFixed(1)},${sy(p.loss).toFixed(1)}`).join(' ');
      body.push(
        `<path d="${d}" fill="none" stroke="${colour(mi)}" stroke-width="1.8"><title>${x.model}</title></path>`,
      );
    });
  });
  return svgDoc(width, height, body);
}
