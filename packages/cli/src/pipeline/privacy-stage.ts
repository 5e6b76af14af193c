/**
 * The pipeline's leakage probes (docs/ARCHITECTURE.md §9, issue 17 §3): what the learned
 * representations know about the people. For every model of the run, a linear probe on frozen
 * features predicts each private attribute of the virtual humans of the embedded world (skin, hair,
 * shirt, height, build, sleeves); `@ppma/bench`'s `runPrivacyProbes` reports leakage with 95%
 * intervals against chance, beside the model's action accuracy (the bench stage's FT average).
 */
import fs from 'node:fs';
import path from 'node:path';
import { privacySection, type PrivacyResults } from '@ppma/bench';
import type { StageContext } from './stage.js';
import type { BenchModel } from './stage-runs.js';

/** Config of the privacy stage (hashed by the pipeline and passed as is). */
export interface PrivacyStageConfig {
  readonly preset: 'tiny' | 'small' | 'paper';
  readonly seed: number;
  readonly seeds: number;
  readonly models: readonly string[];
  /** The attribute set probed (changes when the synth identity labels change). */
  readonly attributes: 'synth-identity/1';
}

/** What the privacy stage reads. */
export interface PrivacyStageInputs {
  readonly models: readonly BenchModel[];
  /** The benchmark's index.json (its `privacy` entry, or labels written here for an older one). */
  readonly indexFile: string;
  /** The bench stage's results.json: the utility axis (average FT top-1 per model). */
  readonly benchResults: string;
}

/** The pairs whose mean leakage the report compares: with real humans vs without, and vs an untrained trunk. */
const COMPARISONS = [
  { a: 'ppma', b: 'mae-align-real' },
  { a: 'mae-align-synthetic', b: 'mae-align-real' },
  { a: 'alpha-soup', b: 'mae-align-real' },
  { a: 'mae-align-real', b: 'scratch' },
] as const;

/** Runs the leakage probes of every model; returns the path of `privacy.json`. */
export async function runPrivacyStage(
  c: PrivacyStageConfig,
  inputs: PrivacyStageInputs,
  ctx: StageContext & { progress: boolean; log: (line: string) => void },
): Promise<{ privacyJson: string }> {
  const bench = await import('@ppma/bench');
  const index = JSON.parse(fs.readFileSync(inputs.indexFile, 'utf8')) as { privacy?: unknown[] };
  let labels = inputs.indexFile;
  if (!index.privacy?.length) {
    // A benchmark generated before the identity labels existed: label its clips (renders nothing).
    const { labelIdentities } = await import('@ppma/synth');
    const dir = path.join(ctx.dir, 'labels');
    const entry = await labelIdentities(inputs.indexFile, dir);
    labels = path.join(dir, 'index.json');
    fs.writeFileSync(labels, JSON.stringify({ format: 'ppma-synth-benchmark', tasks: [], privacy: [entry] }) + '\n');
  }
  const tasks = await bench.syntheticPrivacyTasks(labels);
  const results = JSON.parse(fs.readFileSync(inputs.benchResults, 'utf8')) as import('@ppma/bench').BenchmarkResults;
  const utility = Object.fromEntries(
    Object.entries(results.averages).flatMap(([m, a]) => (a.ft ? [[m, a.ft]] : [])),
  ) as Record<string, import('@ppma/bench').Interval>;
  const has = (m: string) => c.models.includes(m);
  const res = await bench.runPrivacyProbes({
    models: inputs.models as Parameters<typeof bench.runPrivacyProbes>[0]['models'],
    tasks,
    out: ctx.dir,
    preset: c.preset,
    seed: c.seed,
    seeds: c.seeds,
    utility,
    utilityLabel: 'avg FT top-1 (%)',
    comparisons: COMPARISONS.filter((p) => has(p.a) && has(p.b)),
    resume: true,
    progress: ctx.progress,
    log: ctx.log,
  });
  return { privacyJson: path.join(ctx.dir, res.files.json) };
}

/**
 * The report's privacy section (Markdown lines): the leakage table with intervals and the
 * privacy/utility chart, copied beside `report.md`. Empty when the run has no privacy stage.
 */
export function privacyReportLines(privacyJson: string | undefined, out: string): string[] {
  if (!privacyJson) return [];
  const r = JSON.parse(fs.readFileSync(privacyJson, 'utf8')) as PrivacyResults;
  const chart = 'privacy-utility.svg';
  fs.copyFileSync(path.join(path.dirname(privacyJson), r.files.chart), path.join(out, chart));
  const probes = `Probes: ${r.runs.length} linear probes on frozen features (${r.seeds.length} seeds each); every run in [${path.relative(out, privacyJson)}](${path.relative(out, privacyJson)}).`;
  return [privacySection(r, { chart }), '', probes, ''];
}
