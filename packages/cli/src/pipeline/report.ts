/**
 * `report.md` of a pipeline run: the Table 1 layout (rows = models, columns = tasks FT/LP, and the
 * averages), the learned soup proportions (Table 6 style), the human-removal audit, and the compute
 * used per stage. Also `pipeline-results.json` with the same numbers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { atomicWrite } from '@ppma/core';
import type { BenchmarkResults } from '@ppma/bench';
import type { RunSummary } from '@ppma/hat-removal';
import type { BetaSoupRun } from './beta-stage.js';
import type { PipelineSettings } from './presets.js';

/** Inputs of {@link writePipelineReport}. */
export interface ReportInput {
  readonly out: string;
  readonly settings: PipelineSettings;
  readonly benchResults: string;
  readonly beta: readonly BetaSoupRun[];
  readonly removal: RunSummary;
  /** The privacy audit of a sample of the output. */
  readonly audit: PipelineAudit;
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
}

/** One row of the final table: a model's top-1 per task and mode, in percent. */
export interface TableRow {
  readonly model: string;
  readonly cells: Record<string, { ft: number | null; lp: number | null }>;
  readonly avg: { ft: number | null; lp: number | null };
}

const pct = (v: number | null): string => (v === null || !Number.isFinite(v) ? '–' : (100 * v).toFixed(1));
const mean = (xs: (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length === xs.length && v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
};

/** Builds the table rows from the bench results and the beta-soup runs. */
export function tableRows(bench: BenchmarkResults, beta: readonly BetaSoupRun[]): TableRow[] {
  const tasks = bench.tasks.map((t) => t.name);
  const rows: TableRow[] = bench.models.map((m) => {
    const cells: TableRow['cells'] = {};
    for (const t of tasks) {
      const get = (mode: 'ft' | 'lp') =>
        bench.runs.find((r) => r.model === m.name && r.task === t && r.mode === mode)?.top1 ?? null;
      cells[t] = { ft: get('ft'), lp: get('lp') };
    }
    return {
      model: m.name,
      cells,
      avg: { ft: mean(tasks.map((t) => cells[t].ft)), lp: mean(tasks.map((t) => cells[t].lp)) },
    };
  });
  if (beta.length) {
    const cells: TableRow['cells'] = {};
    for (const t of tasks) {
      const b = beta.find((r) => r.task === t);
      cells[t] = { ft: b?.ftTop1 ?? null, lp: b ? b.lpTop1 : null };
    }
    rows.push({
      model: 'beta-soup',
      cells,
      avg: { ft: mean(tasks.map((t) => cells[t].ft)), lp: mean(tasks.map((t) => cells[t].lp)) },
    });
  }
  return rows;
}

/** The Table 1 Markdown. */
export function table1(bench: BenchmarkResults, rows: readonly TableRow[]): string {
  const tasks = bench.tasks;
  const head = `| model | ${tasks.map((t) => `${t.name} FT | ${t.name} LP`).join(' | ')} | avg FT | avg LP |`;
  const sep = `| --- | ${tasks.map(() => '---: | ---:').join(' | ')} | ---: | ---: |`;
  const bias = `| *scene-object bias* | ${tasks.map((t) => `${t.sceneObjectBias ?? '?'} | `).join('| ')}| | |`;
  // A randomly initialised trunk has nothing to probe: scratch is FT only, as in the paper's Table 1.
  const lp = (r: TableRow, v: number | null) => (v === null && r.model === 'scratch' ? 'n/a' : pct(v));
  const lines = rows.map(
    (r) =>
      `| ${r.model} | ${tasks.map((t) => `${pct(r.cells[t.name].ft)} | ${lp(r, r.cells[t.name].lp)}`).join(' | ')} | ${pct(r.avg.ft)} | ${lp(r, r.avg.lp)} |`,
  );
  return [head, sep, bias, ...lines].join('\n') + '\n';
}

/** Writes `report.md` and `pipeline-results.json`. */
export async function writePipelineReport(i: ReportInput): Promise<{ markdown: string; json: string }> {
  const bench = JSON.parse(fs.readFileSync(i.benchResults, 'utf8')) as BenchmarkResults;
  const rows = tableRows(bench, i.beta);
  const benchDir = path.dirname(i.benchResults);
  const rel = (p: string) => path.relative(i.out, p);
  const a = i.audit;
  const totalSec = i.stages.reduce((s, x) => s + (x.cached ? 0 : x.seconds), 0);
  const md = [
    `# PPMA pipeline report`,
    ``,
    `Preset \`${i.settings.preset}\`, backend ${i.backend}. Top-1 accuracy (%) on each downstream task's validation split, multi-view testing;`,
    `FT = fine-tune the whole model, LP = linear probe on the frozen trunk. Tasks are ordered as generated (scene-object bias in the second row).`,
    ``,
    table1(bench, rows),
    `Models: **scratch** (no pre-training; FT only, as in the paper: LP of a random trunk is n/a), **mae-align-real** (MAE and alignment on real clips with humans),`,
    `**mae-align-synthetic** (MAE and alignment on synthetic humans only), **ppma** (MAE on No-Human, alignment on No-Human + synthetic),`,
    `**alpha-soup** (weights averaged with alpha = ${i.settings.alpha.join(', ')} over models aligned on No-Human and on synthetic data, both from the No-Human MAE),`,
    `**beta-soup** (the same two ingredients mixed by proportions learned during LP on each task; its FT fine-tunes that soup).`,
    ``,
    `## Learned soup proportions (Table 6 style)`,
    ``,
    `| task | No-Human-aligned | synthetic-aligned | LP top-1 |`,
    `| --- | ---: | ---: | ---: |`,
    ...i.beta.map(
      (b) =>
        `| ${b.task} | ${b.proportions[0]?.[0]?.toFixed(3) ?? '–'} | ${b.proportions[0]?.[1]?.toFixed(3) ?? '–'} | ${pct(b.lpTop1)} |`,
    ),
    ``,
    `## Human removal and privacy audit`,
    ``,
    `Segmenter \`${i.removal.segmenter}\` (licence: ${i.removal.licence}); ${i.removal.processed} of ${i.removal.videos} videos processed, ` +
      `${i.removal.failed.length} not written (fail closed), ${i.removal.frames} frames at ${i.removal.fps.toFixed(1)} frames/s.`,
    `Privacy audit of ${a.videos} output videos (${a.frames} frames), re-detected with \`${a.detector}\` (a model other than the segmenter; licence: ${a.detectorLicence}), person score >= ${a.minScore}:`,
    ``,
    `| | value |`,
    `| --- | ---: |`,
    `| input frames with a person (before removal) | ${pct(a.inputPersonRate)}% |`,
    `| output frames with a residual person | ${pct(a.residualFrameRate)}% |`,
    `| output videos with a residual person (> 5% of frames) | ${pct(a.residualVideoRate)}% |`,
    `| PSNR of the inpainted region vs the true background | ${a.meanPsnr === undefined ? '–' : `${a.meanPsnr.toFixed(2)} dB`} |`,
    `| SSIM of the inpainted region vs the true background | ${a.meanSsim === undefined ? '–' : a.meanSsim.toFixed(3)} |`,
    ``,
    a.inputPersonRate < 0.5
      ? `Caveat: the detector found people in only ${pct(a.inputPersonRate)}% of the input frames, so at this resolution its residual rate says little; ` +
        `the PSNR/SSIM against the true background (known for synthetic data) is the meaningful measure here. Run the audit on full-size footage ` +
        `(\`ppma audit\`) for a re-detection number that means something.`
      : `The detector found people in ${pct(a.inputPersonRate)}% of the input frames, so a low residual rate is evidence that people were removed.`,
    ``,
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
    `Charts: ${bench.files.charts.map((c) => `[${c}](${rel(path.join(benchDir, c))})`).join(', ')}. Per-run details: [${rel(i.benchResults)}](${rel(i.benchResults)}).`,
    ``,
  ].join('\n');
  const markdown = path.join(i.out, 'report.md');
  const json = path.join(i.out, 'pipeline-results.json');
  await atomicWrite(markdown, [md]);
  await atomicWrite(json, [
    JSON.stringify(
      {
        settings: i.settings,
        backend: i.backend,
        rows,
        beta: i.beta,
        removal: i.removal,
        audit: i.audit,
        stages: i.stages,
      },
      null,
      2,
    ) + '\n',
  ]);
  return { markdown, json };
}
