/** A few SVG primitives for the report charts: escaped text, a colour-blind-safe palette, nice ticks. */

/** Okabe–Ito colours (distinguishable with the common colour-vision deficiencies). */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#56B4E9',
  '#F0E442',
  '#000000',
] as const;

/** Colour of series `i`. */
export function colour(i: number): string {
  return PALETTE[i % PALETTE.length];
}

/** Escapes text for SVG/XML. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A number with at most 3 significant digits, for axis labels. */
export function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1).replace(/\.0$/, '') : Number(v.toPrecision(2)).toString();
}

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toFixed(10)));
  return out;
}

/** `<text>` with the chart font. */
export function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(s)}</text>`;
}

/** Wraps the body in an `<svg>` with a white background and the chart font. */
export function svgDoc(width: number, height: number, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.round(width)}" height="${Math.round(height)}" viewBox="0 0 ${Math.round(width)} ${Math.round(height)}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** A legend row of coloured squares with names, starting at (x, y). */
export function legend(x: number, y: number, names: readonly string[]): string[] {
  const out: string[] = [];
  let cx = x;
  names.forEach((n, i) => {
    out.push(`<rect x="${cx}" y="${y - 10}" width="12" height="12" fill="${colour(i)}"/>`);
    out.push(text(cx + 16, y, n));
    cx += 28 + 7 * n.length;
  });
  return out;
}
