/**
 * `runPipeline`: the whole PPMA protocol (docs/ARCHITECTURE.md §1) in one call, on the embedded mini-benchmark
 * by default.
 *
 *   data → remove humans from the "real" set (+ privacy audit) → MAE on No-Human, on real-with-humans
 *   and on synthetic → align: PPMA (NH + synthetic), real, synthetic, and the two soup ingredients
 *   (NH only, synthetic only, both from the NH MAE) → alpha soup → FT and LP of every model on every
 *   downstream task, plus a learned-beta soup per task → report.md.
 *
 * Every stage runs in `<out>/stages/<name>-<hash>/`, where the hash covers the stage's config and
 * the hashes of the stages it reads; a stage with a done-marker is skipped, and an unfinished one
 * resumes from its own checkpoints.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describeBackend, ensureRunFolder, formatBackend } from '@ppma/core';
import type { PipelineConfig } from './config.js';
import { resolvePipelineSettings } from './presets.js';
import type { PipelineSettings } from './presets.js';
import { writePipelineReport } from './report.js';
import { betaSoupStage } from './beta-stage.js';
import { dataContentKey, indexFileOf } from './data-key.js';
import { Pipeline } from './stage.js';
import {
  readIndex,
  runAlign,
  runAlphaSoup,
  runBench,
  runData,
  runMae,
  runRemoveHumans,
  scratchConfigOf,
} from './stage-runs.js';
import type { Stage } from './stage.js';

/** What {@link runPipeline} returns. */
export interface PipelineResult {
  readonly out: string;
  readonly report: string;
  readonly resultsJson: string;
  readonly stages: readonly { name: string; seconds: number; cached: boolean }[];
}

/** Runs the PPMA protocol: each stage declared once, with the config it hashes and the stages it reads. */
export async function runPipeline(
  config: PipelineConfig,
  options: { log?: (line: string) => void; progress?: boolean } = {},
): Promise<PipelineResult> {
  const s: PipelineSettings = resolvePipelineSettings(config);
  const out = path.resolve(config.out);
  const log = options.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const progress = options.progress ?? true;
  ensureRunFolder(out, { command: 'ppma pipeline' }); // the marker --no-resume checks before deleting
  const p = new Pipeline(out, log);
  const seed = config.seed;
  await preferFastFfmpeg(s, log);
  const t = await trainingStages(p, s, config, { progress, log });
  const models = [
    { name: 'scratch', scratch: await scratchConfigOf(t.ppma.result.checkpoint) },
    { name: 'mae-align-real', checkpoint: t.withHumans.result.checkpoint },
    { name: 'mae-align-synthetic', checkpoint: t.synthOnly.result.checkpoint },
    { name: 'ppma', checkpoint: t.ppma.result.checkpoint },
    { name: 'alpha-soup', checkpoint: t.soup.result.checkpoint },
  ];
  const tasks = s.bench.tasks ?? t.paths.tasks;
  const synthIndex = t.paths.indexFile;
  const bench = await p.stage({
    name: 'bench',
    config: { preset: s.benchPreset, bench: s.bench, seed, seeds: s.seeds, tasks, models: models.map((m) => m.name) },
    upstream: [t.ppma, t.withHumans, t.synthOnly, t.soup],
    run: (c, ctx) => runBench(c, models, synthIndex, { ...ctx, progress, log }),
  });
  const ingredients = t.ingredients.map((i) => i.result.checkpoint);
  const beta = await p.stage({
    name: 'soup-beta',
    config: {
      preset: s.benchPreset,
      ftEpochs: s.bench.ftEpochs,
      betaEpochs: s.betaEpochs,
      modes: s.bench.modes,
      seed,
      seeds: s.seeds,
      tasks,
    },
    upstream: t.ingredients,
    run: async (c, ctx) => ({ runs: await betaSoupStage(c, { ...ctx, ingredients, synthIndex, progress, log }) }),
  });
  const report = await writePipelineReport({
    out,
    settings: s,
    benchResults: bench.result.resultsJson,
    beta: beta.result.runs,
    removal: t.nh.result.summary,
    audit: t.nh.result.audit,
    stages: p.done,
    backend: safeBackend(),
  });
  fs.mkdirSync(out, { recursive: true });
  return { out, report: report.markdown, resultsJson: report.json, stages: p.done };
}

/** Data, human removal, the three MAEs, the five alignments and the alpha soup. */
async function trainingStages(
  p: Pipeline,
  s: PipelineSettings,
  config: PipelineConfig,
  o: { progress: boolean; log: (line: string) => void },
) {
  const { progress } = o;
  const seed = config.seed;
  const given = config.data ? indexFileOf(config.data) : null;
  const dataCfg = { preset: s.dataPreset, seed, given, ...(given ? { content: dataContentKey(given) } : {}) };
  const data = await p.stage({ name: 'data', config: dataCfg, upstream: [], run: runData });
  const paths = await readIndex(data.result.indexFile);
  const nh = await p.stage({
    name: 'remove-humans',
    config: { segmenter: s.segmenter, auditVideos: s.auditVideos },
    upstream: [data],
    run: (c, ctx) => runRemoveHumans(c, paths.realTrain, { ...ctx, progress }),
  });
  const failed = nh.result.summary.failed.length;
  if (failed)
    o.log(`pipeline: human removal skipped ${failed} video(s) (fail closed); see ${path.join(nh.dir, 'report.json')}`);
  const maeCfg = { preset: s.maePreset, ...s.pretrain, seed };
  const mae = (name: string, manifest: string, up: Stage<unknown>) =>
    p.stage({ name, config: maeCfg, upstream: [up], run: (c, ctx) => runMae(c, manifest, { ...ctx, progress }) });
  const maeNh = await mae('mae-nh', nh.result.manifest, nh);
  const maeReal = await mae('mae-real', paths.realTrain, data);
  const maeSynth = await mae('mae-synth', paths.synthTrain, data);
  // Stage 2: one head per dataset; No-Human clips keep the real set's labels.
  const align = (name: string, init: Stage<{ encoder: string }>, ds: { name: string; manifest: string }[]) =>
    p.stage({
      name,
      config: { preset: s.alignPreset, ...s.align, seed, datasets: ds.map((d) => d.name) },
      upstream: [init],
      run: (c, ctx) => runAlign(c, init.result.encoder, ds, { ...ctx, progress }),
    });
  const real = { name: 'real', manifest: paths.realTrain };
  const noHuman = { name: 'nohuman', manifest: nh.result.manifest };
  const synthetic = { name: 'synthetic', manifest: paths.synthTrain };
  const ppma = await align('align-ppma', maeNh, [noHuman, synthetic]);
  const withHumans = await align('align-real', maeReal, [real]);
  const synthOnly = await align('align-synth', maeSynth, [synthetic]);
  const ingredients = [await align('align-nh', maeNh, [noHuman]), await align('align-nh-synth', maeNh, [synthetic])];
  const files = ingredients.map((i) => i.result.checkpoint);
  const soup = await p.stage({
    name: 'soup-alpha',
    config: { alpha: s.alpha },
    upstream: ingredients,
    run: (c, ctx) => runAlphaSoup(c, files, ctx),
  });
  return { paths, nh, ppma, withHumans, synthOnly, ingredients, soup };
}

/**
 * The mini-benchmark's clips are tiny (32-64 px, 16 frames), so ffmpeg's start-up dominates every
 * decode; the bundled static build starts about 10x faster than a distribution build. Use it for
 * the small presets unless the user chose a binary with PPMA_FFMPEG / PPMA_FFPROBE.
 */
async function preferFastFfmpeg(s: PipelineSettings, log: (line: string) => void): Promise<void> {
  if (s.preset === 'paper' || process.env.PPMA_FFMPEG || process.env.PPMA_FFPROBE) return;
  const { bundledFfmpeg } = await import('@ppma/video-io');
  const b = bundledFfmpeg();
  if (!b) return;
  process.env.PPMA_FFMPEG = b.ffmpeg;
  process.env.PPMA_FFPROBE = b.ffprobe;
  log(`pipeline: using the bundled static ffmpeg for the small clips of preset ${s.preset} (${b.ffmpeg})`);
}

function safeBackend(): string {
  try {
    return formatBackend(describeBackend());
  } catch {
    return 'unknown';
  }
}
