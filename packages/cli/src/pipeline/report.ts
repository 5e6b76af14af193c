/**
 * `report.md` of a pipeline run: the Table 1 layout (rows = models, columns = tasks FT/LP, and the
 * averages), the learned soup proportions (Table 6 style), the human-removal audit, and the compute
 * used per stage. Also `pipeline-results.json` with the same numbers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { atomicWrite } from '@ppma/core';
import {
  comparisonLines,
  computeEvidence,
  DEFAULT_STATISTICS,
  intervalCell,
  predictionsTop1,
  type BenchmarkResults,
  type ClipPrediction,
  type Comparison,
  type ComparisonRequest,
  type Interval,
  type ScoredRun,
} from '@ppma/bench';
import type { RunSummary } from '@ppma/hat-removal';
import type { PipelineSettings } from './presets.js';
import { privacyReportLines } from './privacy-stage.js';

/**
 * One learned-beta soup run on one task and seed: the proportions it learned, and the per-clip
 * predictions of its LP (the head learned with beta) and of its FT, evaluated with the same views
 * as every other model. Older stage outputs without predictions (`lpTop1` in [0, 1], `ftTop1` in
 * percent) are still shown, without an interval and outside the comparisons.
 */
export interface BetaEvidence {
  readonly task: string;
  readonly seed?: number;
  readonly proportions: readonly (readonly number[])[];
  readonly lpPredictions?: readonly ClipPrediction[];
  /** The LP's predictions under the name `@ppma/soup`'s `learnBetaOnTask` gives them (used when `lpPredictions` is absent). */
  readonly predictions?: readonly ClipPrediction[];
  readonly ftPredictions?: readonly ClipPrediction[];
  readonly lpTop1?: number | null;
  readonly ftTop1?: number | null;
}

/** Inputs of {@link writePipelineReport}. */
export interface ReportInput {
  readonly out: string;
  readonly settings: PipelineSettings;
  readonly benchResults: string;
  readonly beta: readonly BetaEvidence[];
  readonly removal: RunSummary;
  /** The privacy audit of a sample of the output. */
  readonly audit: PipelineAudit;
  /** The privacy stage's `privacy.json` (leakage probes), when the run has one. */
  readonly privacy?: string;
  readonly stages: readonly { name: string; seconds: number; cached: boolean }[];
  readonly backend: string;
}

/** The audit summary the pipeline keeps. */
export interface PipelineAudit {
  readonly videos: number;
  readonly frames: number;
  readonly residualFrameRate: number;
  readonly residualVideoRate: number;
  readonly meanPsnr?: number;
  readonly meanSsim?: number;
  readonly detector: string;
  readonly detectorLicence: string;
  readonly minScore: number;
  readonly inputPersonRate: number;
  /** Set when the detector re-detection was skipped: the line saying why (and how to force it). */
  readonly detectorsSkipped?: string;
  /** On the user's real data: which measures the data allowed, and why. */
  readonly measures?: readonly { name: string; possible: boolean; why: string }[];
  /** On the user's real data: the models that removed the people (the audit's detectors are others). */
  readonly removalModels?: readonly string[];
}

type Cell = Interval | null;

/** One row of the final table: a model's mean top-1 (percent) with its 95% interval per task and mode. */
export interface TableRow {
  readonly model: string;
  readonly cells: Record<string, { ft: Cell; lp: Cell }>;
  readonly avg: { ft: Cell; lp: Cell };
}

/** The beta-soup model name in tables and comparisons. */
export const BETA_SOUP = 'beta-soup';

/** The beta soup's runs as scored runs (only those with per-clip predictions). */
export function betaRuns(beta: readonly BetaEvidence[]): ScoredRun[] {
  const out: ScoredRun[] = [];
  for (const b of beta)
    for (const [mode, predictions] of [
      ['lp', b.lpPredictions ?? b.predictions],
      ['ft', b.ftPredictions],
    ] as const)
      if (predictions?.length)
        out.push({
          model: BETA_SOUP,
          task: b.task,
          mode,
          seed: b.seed ?? 0,
          top1: predictionsTop1(predictions),
          predictions,
        });
  return out;
}

/** The comparisons the paper makes (those whose models exist in the run). */
export function pipelineComparisons(models: readonly string[]): ComparisonRequest[] {
  const has = (m: string) => models.includes(m);
  const pre = ['mae-align-real', 'mae-align-synthetic', 'ppma', 'alpha-soup', BETA_SOUP].filter(has);
  const pairs: ComparisonRequest[] = [
    ...(has('scratch') ? pre.map((a) => ({ a, b: 'scratch' })) : []),
    { a: 'ppma', b: 'mae-align-real' },
    { a: 'ppma', b: 'mae-align-synthetic' },
    { a: 'alpha-soup', b: 'ppma' },
    { a: BETA_SOUP, b: 'ppma' },
  ];
  return pairs.filter((p) => has(p.a) && has(p.b));
}

/** Everything the report shows, from the bench results and the beta runs: a pure function of the predictions. */
export function pipelineEvidence(bench: BenchmarkResults, beta: readonly BetaEvidence[]) {
  const extra = betaRuns(beta);
  const models = [...bench.models.map((m) => m.name), ...(extra.length ? [BETA_SOUP] : [])];
  const runs: ScoredRun[] = [...bench.runs, ...extra];
  const stats = bench.statistics ?? DEFAULT_STATISTICS;
  const input = { models: models.map((name) => ({ name, checkpoint: null })), tasks: bench.tasks, runs };
  return { models, runs, ...computeEvidence(input, pipelineComparisons(models), stats), statistics: stats };
}

/** Builds the table rows (beta-soup last; legacy beta runs without predictions as bare numbers). */
export function tableRows(bench: BenchmarkResults, beta: readonly BetaEvidence[]): TableRow[] {
  const ev = pipelineEvidence(bench, beta);
  const tasks = bench.tasks.map((t) => t.name);
  const cell = (model: string, t: string, mode: 'ft' | 'lp'): Cell =>
    ev.cells.find((c) => c.model === model && c.task === t && c.mode === mode) ?? null;
  const rows: TableRow[] = ev.models.map((model) => {
    const cells: TableRow['cells'] = {};
    for (const t of tasks) cells[t] = { ft: cell(model, t, 'ft'), lp: cell(model, t, 'lp') };
    const a = ev.averages[model] ?? {};
    // An average over fewer tasks than the table has is not shown.
    const full = (m: 'ft' | 'lp'): Cell => (a[m] && a[m].tasks === tasks.length ? a[m] : null);
    return { model, cells, avg: { ft: full('ft'), lp: full('lp') } };
  });
  if (beta.length) {
    // A beta-soup cell without per-clip predictions (an older stage output, or an FT whose
    // predictions were not kept) shows its single number, marked, with no interval.
    const point = (v: number | null | undefined): Cell =>
      v === null || v === undefined || !Number.isFinite(v) ? null : { mean: v, lo: NaN, hi: NaN };
    let row = rows.find((r) => r.model === BETA_SOUP);
    if (!row) {
      row = { model: BETA_SOUP, cells: {}, avg: { ft: null, lp: null } };
      rows.push(row);
    }
    for (const t of tasks) {
      const b = beta.find((r) => r.task === t);
      const c = row.cells[t] ?? { ft: null, lp: null };
      row.cells[t] = {
        ft: c.ft ?? point(b?.ftTop1),
        lp: c.lp ?? point(b?.lpTop1 === undefined || b?.lpTop1 === null ? null : 100 * b.lpTop1),
      };
    }
  }
  return rows;
}

const pct = (v: number | null | undefined): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : (100 * v).toFixed(1);

const show = (c: Cell): string => {
  if (!c || !Number.isFinite(c.mean)) return '–';
  return Number.isFinite(c.lo) ? intervalCell(c) : `${c.mean.toFixed(1)}*`;
};

/** The Table 1 Markdown: every cell `mean [95% interval]`. */
export function table1(bench: BenchmarkResults, rows: readonly TableRow[]): string {
  const tasks = bench.tasks;
  const head = `| model | ${tasks.map((t) => `${t.name} FT | ${t.name} LP`).join(' | ')} | avg FT | avg LP |`;
  const sep = `| --- | ${tasks.map(() => '---: | ---:').join(' | ')} | ---: | ---: |`;
  const bias = `| *scene-object bias* | ${tasks.map((t) => `${t.sceneObjectBias ?? '?'} | `).join('| ')}| | |`;
  // A randomly initialised trunk has nothing to probe: scratch is FT only, as in the paper's Table 1.
  const lp = (r: TableRow, v: Cell) => (v === null && r.model === 'scratch' ? 'n/a' : show(v));
  const lines = rows.map(
    (r) =>
      `| ${r.model} | ${tasks.map((t) => `${show(r.cells[t.name].ft)} | ${lp(r, r.cells[t.name].lp)}`).join(' | ')} | ${show(r.avg.ft)} | ${lp(r, r.avg.lp)} |`,
  );
  return [head, sep, bias, ...lines].join('\n') + '\n';
}

const NAMES: Readonly<Record<string, string>> = {
  'mae-align-real': 'MAE-Align (real humans)',
  'mae-align-synthetic': 'MAE-Align (synthetic humans)',
  ppma: 'PPMA',
  scratch: 'scratch',
  'alpha-soup': 'alpha soup',
  [BETA_SOUP]: 'beta soup',
};

/** The comparisons as sentences, grouped as the paper asks them. */
export function comparisonSection(comparisons: readonly Comparison[]): string[] {
  const group = (title: string, f: (c: Comparison) => boolean): string[] => {
    const cs = comparisons.filter(f);
    return cs.length ? [`**${title}**`, '', ...comparisonLines(cs, NAMES), ''] : [];
  };
  return [
    ...group('Every pre-trained model vs scratch', (c) => c.b === 'scratch'),
    ...group('PPMA vs MAE-Align on real and on synthetic humans', (c) => c.a === 'ppma' && c.b.startsWith('mae-align')),
    ...group('Each soup vs PPMA', (c) => c.b === 'ppma'),
  ];
}

/** Mean learned proportions per task over seeds (Table 6 style). */
function proportionRows(beta: readonly BetaEvidence[], tasks: readonly string[]): string[] {
  return tasks.flatMap((t) => {
    const mine = beta.filter((b) => b.task === t && b.proportions[0]?.length);
    if (!mine.length) return [];
    const avg = (k: number) => mine.reduce((s, b) => s + (b.proportions[0][k] ?? NaN), 0) / mine.length;
    const spread = (k: number) => {
      const v = mine.map((b) => b.proportions[0][k]);
      return mine.length > 1 ? ` (${Math.min(...v).toFixed(3)}–${Math.max(...v).toFixed(3)})` : '';
    };
    return [`| ${t} | ${mine.length} | ${avg(0).toFixed(3)}${spread(0)} | ${avg(1).toFixed(3)}${spread(1)} |`];
  });
}

/** Writes `report.md` and `pipeline-results.json`. */
export async function writePipelineReport(i: ReportInput): Promise<{ markdown: string; json: string }> {
  const bench = JSON.parse(fs.readFileSync(i.benchResults, 'utf8')) as BenchmarkResults;
  const rows = tableRows(bench, i.beta);
  const ev = pipelineEvidence(bench, i.beta);
  const seeds = [...new Set(ev.runs.map((r) => r.seed))].sort((x, y) => x - y);
  const clips = bench.tasks.map((t) => ev.cells.find((c) => c.task === t.name)?.clips ?? 0);
  const legacyBeta = rows.some((r) =>
    Object.values(r.cells).some((c) => [c.ft, c.lp].some((v) => v && !Number.isFinite(v.lo))),
  );
  const charts = bench.files.charts.filter((c) => !c.startsWith('confusion/'));
  const evalSet = (bench.runs[0]?.settings as { eval?: { numClips: number; numCrops: number } } | undefined)?.eval;
  const views = evalSet ? `${evalSet.numClips} clips x ${evalSet.numCrops} crops` : 'multi-view';
  const benchDir = path.dirname(i.benchResults);
  const rel = (p: string) => path.relative(i.out, p);
  const totalSec = i.stages.reduce((s, x) => s + (x.cached ? 0 : x.seconds), 0);
  const md = [
    `# PPMA pipeline report`,
    ``,
    `Preset \`${i.settings.preset}\`, backend ${i.backend}. Top-1 accuracy (%) on each downstream task's validation split, multi-view testing`,
    `(every row the same views: ${views}, softmax averaged); FT = fine-tune the whole model, LP = linear probe on the frozen trunk.`,
    `Each cell is the mean over ${seeds.length} seed${seeds.length === 1 ? '' : 's'} (${seeds.join(', ')}; the seed changes the head's initialisation, the data order and the augmentation;`,
    `pre-training and alignment are single-seed) with its 95% interval [${ev.statistics.replicates}-replicate bootstrap over validation clips and seeds].`,
    `Validation clips per task: ${bench.tasks.map((t, k) => `${t.name} ${clips[k]}`).join(', ')}. Tasks are ordered as generated (scene-object bias in the second row).`,
    ``,
    table1(bench, rows),
    ...(legacyBeta
      ? [`\\* a single number without per-clip predictions (one seed), so no interval and no comparison.`, ``]
      : []),
    `Models: **scratch** (no pre-training; FT only, as in the paper: LP of a random trunk is n/a), **mae-align-real** (MAE and alignment on real clips with humans),`,
    `**mae-align-synthetic** (MAE and alignment on synthetic humans only), **ppma** (MAE on No-Human, alignment on No-Human + synthetic),`,
    `**alpha-soup** (weights averaged with alpha = ${i.settings.alpha.join(', ')} over models aligned on No-Human and on synthetic data, both from the No-Human MAE),`,
    `**beta-soup** (the same two ingredients mixed by proportions learned during LP on each task; its FT fine-tunes that soup).`,
    ``,
    `## Paired comparisons`,
    ``,
    `Difference in mean top-1 on the FT (and LP) average over tasks, on the same validation clips: interval and p from a paired bootstrap`,
    `(clips drawn together for both models, seeds independently), and an exact sign test over clips on the share of seeds that got each clip right.`,
    `"≈" and "not distinguishable" mark differences whose 95% interval contains 0.`,
    ``,
    ...comparisonSection(ev.comparisons),
    `## Learned soup proportions (Table 6 style)`,
    ``,
    `Mean over seeds (range over seeds in brackets).`,
    ``,
    `| task | seeds | No-Human-aligned | synthetic-aligned |`,
    `| --- | ---: | ---: | ---: |`,
    ...proportionRows(
      i.beta,
      bench.tasks.map((t) => t.name),
    ),
    ``,
    ...auditSection(i),
    ...privacyReportLines(i.privacy, i.out),
    `## Compute`,
    ``,
    `| stage | seconds | |`,
    `| --- | ---: | --- |`,
    ...i.stages.map(
      (s) => `| ${s.name} | ${s.seconds.toFixed(1)} | ${s.cached ? 'cached (done in an earlier run)' : ''} |`,
    ),
    `| total, all stages | ${i.stages.reduce((t, x) => t + x.seconds, 0).toFixed(1)} | |`,
    `| total, this run | ${totalSec.toFixed(1)} | (the rest was cached) |`,
    ``,
    `Charts: ${charts.map((c) => `[${c}](${rel(path.join(benchDir, c))})`).join(', ')}; a confusion matrix per model, task and mode in [${rel(path.join(benchDir, 'confusion'))}](${rel(path.join(benchDir, 'confusion'))}),`,
    `per-class accuracy in [${rel(path.join(benchDir, bench.files.table))}](${rel(path.join(benchDir, bench.files.table))}). Every run with its per-clip predictions: [${rel(i.benchResults)}](${rel(i.benchResults)}).`,
    ``,
  ].join('\n');
  const markdown = path.join(i.out, 'report.md');
  const json = path.join(i.out, 'pipeline-results.json');
  await writeResultsJson(i.out, bench, ev, seeds);
  await atomicWrite(markdown, [md]);
  await atomicWrite(json, [
    JSON.stringify(
      {
        settings: i.settings,
        backend: i.backend,
        rows,
        statistics: ev.statistics,
        cells: ev.cells,
        averages: ev.averages,
        comparisons: ev.comparisons,
        beta: i.beta,
        removal: i.removal,
        audit: i.audit,
        privacy: i.privacy ? path.relative(i.out, i.privacy) : null,
        stages: i.stages,
      },
      null,
      2,
    ) + '\n',
  ]);
  return { markdown, json };
}

/** The human-removal section: the run summary, the audit's figures, and which measures were possible. */
function auditSection(i: ReportInput): string[] {
  const a = i.audit;
  const measures = a.measures
    ? [
        `Measures on this data (removal by ${(a.removalModels ?? []).join(' + ')}):`,
        ``,
        ...a.measures.map((m) => `- ${m.name}: ${m.possible ? 'measured' : 'not possible'} (${m.why})`),
        ``,
      ]
    : [];
  const removal =
    `Segmenter \`${i.removal.segmenter}\` (licence: ${i.removal.licence}); ${i.removal.processed} of ${i.removal.videos} videos processed, ` +
    `${i.removal.failed.length} not written (fail closed), ${i.removal.frames} frames at ${i.removal.fps.toFixed(1)} frames/s.`;
  const quality = [
    `| PSNR of the inpainted region vs the true background | ${a.meanPsnr === undefined ? '–' : `${a.meanPsnr.toFixed(2)} dB`} |`,
    `| SSIM of the inpainted region vs the true background | ${a.meanSsim === undefined ? '–' : a.meanSsim.toFixed(3)} |`,
  ];
  if (a.detectorsSkipped !== undefined)
    return [
      `## Human removal and privacy audit`,
      ``,
      removal,
      `Privacy audit of ${a.videos} output videos (${a.frames} frames); ${a.detectorsSkipped}.`,
      ``,
      `| | value |`,
      `| --- | ---: |`,
      ...quality,
      ``,
      ...measures,
    ];
  return [
    `## Human removal and privacy audit`,
    ``,
    removal,
    `Privacy audit of ${a.videos} output videos (${a.frames} frames), re-detected with \`${a.detector}\` (a model other than the segmenter; licence: ${a.detectorLicence}), person score >= ${a.minScore}:`,
    ``,
    `| | value |`,
    `| --- | ---: |`,
    `| input frames with a person (before removal) | ${pct(a.inputPersonRate)}% |`,
    `| output frames with a residual person | ${pct(a.residualFrameRate)}% |`,
    `| output videos with a residual person (> 5% of frames) | ${pct(a.residualVideoRate)}% |`,
    ...quality,
    ``,
    a.inputPersonRate < 0.5
      ? `Caveat: the detector found people in only ${pct(a.inputPersonRate)}% of the input frames, so at this resolution its residual rate says little; ` +
        `the PSNR/SSIM against the true background (known for synthetic data) is the meaningful measure here. Run the audit on full-size footage ` +
        `(\`ppma audit\`) for a re-detection number that means something.`
      : `The detector found people in ${pct(a.inputPersonRate)}% of the input frames, so a low residual rate is evidence that people were removed.`,
    ``,
    ...measures,
  ];
}

/**
 * `results.json`: every run of every row (bench models and the beta soup) with its per-clip
 * predictions, and the numbers of the report; each recomputes from the runs with @ppma/bench's
 * computeEvidence.
 */
async function writeResultsJson(
  out: string,
  bench: BenchmarkResults,
  ev: ReturnType<typeof pipelineEvidence>,
  seeds: readonly number[],
): Promise<void> {
  await atomicWrite(path.join(out, 'results.json'), [
    JSON.stringify({
      format: 'ppma-bench/2',
      preset: bench.preset,
      modes: bench.modes,
      seeds,
      models: ev.models.map((name) => ({ name })),
      tasks: bench.tasks,
      statistics: ev.statistics,
      runs: ev.runs.map((r) => ({
        model: r.model,
        task: r.task,
        mode: r.mode,
        seed: r.seed,
        top1: r.top1,
        predictions: r.predictions,
      })),
      cells: ev.cells,
      averages: ev.averages,
      comparisons: ev.comparisons,
    }) + '\n',
  ]);
}
