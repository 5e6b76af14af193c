/**
 * The privacy/utility chart (issue 17 §3, as SPAct plots it): one point per model, x = mean leakage
 * over the private attributes (probe accuracy, %), y = action accuracy (%), each with its 95%
 * interval as whiskers, and chance leakage as a dashed vertical line. Better models sit top-left.
 */
import { colour, fmt, niceTicks, svgDoc, text } from '../report/svg.js';
import type { Interval } from '../stats/bootstrap.js';
import { CHANCE, type LeakageSummary } from './leakage.js';

/** What the chart reads. */
export interface PrivacyChartInput {
  readonly models: readonly { readonly name: string }[];
  readonly summaries: readonly LeakageSummary[];
  readonly utility?: Readonly<Record<string, Interval>>;
  readonly utilityLabel?: string;
}

const finite = (v: Interval): boolean => [v.mean, v.lo, v.hi].every(Number.isFinite);

/** The chart for the first privacy task of `summaries` (or `task`), as an SVG document. */
export function privacyUtilityChart(r: PrivacyChartInput, task?: string): string {
  const name = task ?? r.summaries[0]?.task ?? '';
  const leak = (m: string): LeakageSummary | undefined => r.summaries.find((s) => s.model === m && s.task === name);
  const chance = leak(CHANCE);
  const pts = r.models
    .map((m, i) => ({ name: m.name, i, x: leak(m.name), y: r.utility?.[m.name] }))
    .filter((p): p is { name: string; i: number; x: LeakageSummary; y: Interval | undefined } => !!p.x && finite(p.x));
  const xs = [...pts.flatMap((p) => [p.x.lo, p.x.hi]), ...(chance ? [chance.mean] : [])];
  const ys = pts.flatMap((p) => (p.y && finite(p.y) ? [p.y.lo, p.y.hi] : []));
  const pad = (lo: number, hi: number): [number, number] => {
    const span = Math.max(4, hi - lo);
    return [Math.max(0, lo - span * 0.1), Math.min(100, hi + span * 0.1)];
  };
  const [x0, x1] = xs.length ? pad(Math.min(...xs), Math.max(...xs)) : [0, 100];
  const [y0, y1] = ys.length ? pad(Math.min(...ys), Math.max(...ys)) : [0, 100];
  const left = 60;
  const top = 40;
  const w = 420;
  const h = 300;
  const X = (v: number): number => left + ((v - x0) / (x1 - x0)) * w;
  const Y = (v: number): number => top + h - ((v - y0) / (y1 - y0)) * h;
  const body: string[] = [
    text(
      left,
      20,
      `Privacy / utility (${name}): action accuracy vs identity leakage`,
      'font-size="14" font-weight="bold"',
    ),
  ];
  for (const t of niceTicks(x0, x1, 6)) {
    body.push(`<line x1="${X(t).toFixed(1)}" x2="${X(t).toFixed(1)}" y1="${top}" y2="${top + h}" stroke="#eee"/>`);
    body.push(text(X(t), top + h + 16, fmt(t), 'text-anchor="middle" fill="#555"'));
  }
  for (const t of niceTicks(y0, y1, 5)) {
    body.push(`<line x1="${left}" x2="${left + w}" y1="${Y(t).toFixed(1)}" y2="${Y(t).toFixed(1)}" stroke="#eee"/>`);
    body.push(text(left - 6, Y(t) + 4, fmt(t), 'text-anchor="end" fill="#555"'));
  }
  body.push(
    text(
      left + w / 2,
      top + h + 36,
      'leakage: mean probe accuracy over private attributes (%)',
      'text-anchor="middle" fill="#333"',
    ),
  );
  const yl = r.utilityLabel ?? 'action top-1 (%)';
  body.push(text(16, top + h / 2, yl, `transform="rotate(-90 16 ${top + h / 2})" text-anchor="middle" fill="#333"`));
  if (chance && Number.isFinite(chance.mean)) {
    const cx = X(chance.mean).toFixed(1);
    body.push(
      `<line class="chance" x1="${cx}" x2="${cx}" y1="${top}" y2="${top + h}" stroke="#888" stroke-dasharray="5 4"/>`,
    );
    body.push(text(X(chance.mean) + 4, top + 12, `chance ${chance.mean.toFixed(1)}`, 'fill="#666"'));
  }
  let unscored = 0;
  for (const p of pts) {
    const c = colour(p.i);
    const yv = p.y && finite(p.y) ? p.y : undefined;
    const cy = yv ? Y(yv.mean) : top + h - 8 - 16 * unscored++; // no action score: stacked along the bottom
    body.push(
      `<line class="ci" x1="${X(p.x.lo).toFixed(1)}" x2="${X(p.x.hi).toFixed(1)}" y1="${cy.toFixed(1)}" y2="${cy.toFixed(1)}" stroke="${c}" stroke-width="1.5"/>`,
    );
    if (yv)
      body.push(
        `<line class="ci" x1="${X(p.x.mean).toFixed(1)}" x2="${X(p.x.mean).toFixed(1)}" y1="${Y(yv.lo).toFixed(1)}" y2="${Y(yv.hi).toFixed(1)}" stroke="${c}" stroke-width="1.5"/>`,
      );
    const tip = `${p.name}: leakage ${p.x.mean.toFixed(1)} [${p.x.lo.toFixed(1)}, ${p.x.hi.toFixed(1)}]${yv ? `, ${yl} ${yv.mean.toFixed(1)} [${yv.lo.toFixed(1)}, ${yv.hi.toFixed(1)}]` : ''}`;
    body.push(
      `<circle class="model" cx="${X(p.x.mean).toFixed(1)}" cy="${cy.toFixed(1)}" r="5" fill="${c}"><title>${tip.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</title></circle>`,
    );
    body.push(text(X(p.x.mean) + 7, cy + 4, yv ? p.name : `${p.name} (no action score)`, `fill="${c}"`));
  }
  return svgDoc(left + w + 140, top + h + 50, body);
}
