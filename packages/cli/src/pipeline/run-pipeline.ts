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
import { acquireFolderLock, definedOnly, describeBackend, ensureRunFolder, formatBackend } from '@ppma/core';
import type { PipelineConfig } from './config.js';
import { knownPipelineTasks } from './config.js';
import {
  alignFlops,
  benchFlops,
  betaFlops,
  checkMachine,
  datasetSizes,
  indexSizes,
  machineCheck,
  maeFlops,
  measureSpeed,
  prepareEstimates,
} from './estimate.js';
import type { DatasetSizes, PipelinePlan } from './estimate.js';
import { userDataKey } from './user-data.js';
import { validateConfigData } from './validate-data.js';
import { resolvePipelineSettings } from './presets.js';
import type { PipelineSettings } from './presets.js';
import { writePipelineReport } from './report.js';
import { betaSoupStage } from './beta-stage.js';
import { runPrivacyStage } from './privacy-stage.js';
import { dataContentKey, indexFileOf } from './data-key.js';
import { Pipeline } from './stage.js';
import {
  dataPaths,
  importRemoval,
  runAlign,
  runAlphaSoup,
  runBench,
  runData,
  runMae,
  runRemoveHumans,
  scratchConfigOf,
} from './stage-runs.js';
import type { BenchModel, DataConfig, DataPaths, RemovalResult } from './stage-runs.js';
import type { Stage } from './stage.js';

/** What {@link runPipeline} returns. */
export interface PipelineResult {
  readonly out: string;
  readonly report: string;
  readonly resultsJson: string;
  readonly stages: readonly { name: string; seconds: number; cached: boolean }[];
}

/** Options of {@link runPipeline} and {@link planPipeline}. */
export interface RunPipelineOptions {
  readonly log?: (line: string) => void;
  readonly progress?: boolean;
}

/** Runs the PPMA protocol: each stage declared once, with the config it hashes and the stages it reads. */
export async function runPipeline(config: PipelineConfig, options: RunPipelineOptions = {}): Promise<PipelineResult> {
  const s: PipelineSettings = resolvePipelineSettings(config);
  const out = path.resolve(config.out);
  const log = options.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const progress = options.progress ?? true;
  const sizes = await checkMachine(s, config, log);
  ensureRunFolder(out, { command: 'ppma pipeline' }); // the marker --no-resume checks before deleting
  // One pipeline per output folder (docs/ARCHITECTURE.md §10): a second one fails naming the first.
  const lock = acquireFolderLock(out, { command: `ppma pipeline --out ${out}` });
  try {
    const p = new Pipeline(out, log);
    await preferFastFfmpeg(s, log);
    const restoreViewCache = shareViewsOnDisk(s, out, log);
    const { t, bench, beta, privacy } = await declareStages(p, s, config, { progress, log, sizes }).finally(
      restoreViewCache,
    );
    const report = await writePipelineReport({
      out,
      settings: s,
      benchResults: bench.result.resultsJson,
      beta: beta.result.runs,
      removal: t.nh.result.summary,
      audit: t.nh.result.audit,
      ...(privacy ? { privacy: privacy.result.privacyJson } : {}),
      stages: p.done,
      backend: safeBackend(),
    });
    fs.mkdirSync(out, { recursive: true });
    return { out, report: report.markdown, resultsJson: report.json, stages: p.done };
  } finally {
    lock.release();
  }
}

/**
 * `ppma pipeline --dry-run`: validates every dataset, declares every stage without running it, and
 * returns the plan (which stages are done, each one's estimated FLOPs and time at this machine's
 * measured speed). Writes nothing.
 */
export async function planPipeline(config: PipelineConfig, options: RunPipelineOptions = {}): Promise<PipelinePlan> {
  const s = resolvePipelineSettings(config);
  const log = options.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const checks = await validateConfigData(config);
  const sizes = datasetSizes(checks);
  await prepareEstimates(s);
  const p = new Pipeline(path.resolve(config.out), log, true);
  await declareStages(p, s, config, { progress: false, log, sizes });
  const speed = await measureSpeed();
  return { checks, stages: p.planned, speed, machine: machineCheck(s, config) };
}

/** Every stage in order: training, then the benchmark and the learned-beta soup. */
async function declareStages(
  p: Pipeline,
  s: PipelineSettings,
  config: PipelineConfig,
  o: { progress: boolean; log: (line: string) => void; sizes: DatasetSizes },
) {
  const { progress, log } = o;
  const seed = config.seed;
  const t = await trainingStages(p, s, config, o);
  const models = ['scratch', 'mae-align-real', 'mae-align-synthetic', 'ppma', 'alpha-soup'];
  const checkpoints = [t.withHumans, t.synthOnly, t.ppma, t.soup].map((x) => x.result.checkpoint);
  const modelList = async (): Promise<BenchModel[]> => [
    { name: 'scratch', scratch: await scratchConfigOf(t.ppma.result.checkpoint) },
    ...checkpoints.map((checkpoint, k) => ({ name: models[k + 1], checkpoint })),
  ];
  const tasks = s.bench.tasks ?? t.paths.tasks;
  const specs = definedOnly({ taskSpecs: config.tasks });
  const synthIndex = t.paths.indexFile;
  const bench = await p.stage({
    name: 'bench',
    config: { preset: s.benchPreset, bench: s.bench, seed, seeds: s.seeds, tasks, models, ...specs },
    upstream: [t.ppma, t.withHumans, t.synthOnly, t.soup],
    // Not in the stage config: the number of parallel runs does not change the results.
    run: async (c, ctx) => runBench(c, await modelList(), synthIndex, { ...ctx, progress, log, jobs: s.jobs }),
    plan: (_c, dir) => ({ resultsJson: path.join(dir, 'results.json') }),
    flops: () => benchFlops(s, t.sizes, tasks, models.length),
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
      ...specs,
    },
    upstream: t.ingredients,
    run: async (c, ctx) => ({ runs: await betaSoupStage(c, { ...ctx, ingredients, synthIndex, progress, log }) }),
    plan: () => ({ runs: [] }),
    flops: () => betaFlops(s, t.sizes, tasks),
  });
  const indexFile = t.paths.indexFile;
  const privacy =
    s.privacy && indexFile
      ? await p.stage({
          name: 'privacy',
          config: { preset: s.benchPreset, seed, seeds: 2, models, attributes: 'synth-identity/1' } as const,
          upstream: [bench],
          run: async (c, ctx) =>
            runPrivacyStage(
              c,
              { models: await modelList(), indexFile, benchResults: bench.result.resultsJson },
              {
                ...ctx,
                progress,
                log,
              },
            ),
          plan: (_c, dir) => ({ privacyJson: path.join(dir, 'privacy.json') }),
        })
      : null;
  return { t, bench, beta, privacy };
}

/** Data, human removal, the three MAEs, the five alignments and the alpha soup. */
async function trainingStages(
  p: Pipeline,
  s: PipelineSettings,
  config: PipelineConfig,
  o: { progress: boolean; log: (line: string) => void; sizes: DatasetSizes },
) {
  const { progress } = o;
  const seed = config.seed;
  const data = await p.stage({
    name: 'data',
    config: await dataConfig(s, config),
    upstream: [],
    run: runData,
    plan: (_c, dir) => ({ indexFile: config.datasets ? null : path.join(dir, 'index.json') }),
  });
  const paths = p.dryRun && !data.cached ? plannedPaths(config, data.dir) : await dataPaths(data.result);
  // A plan whose embedded (or given) benchmark is already there counts its clips for the estimates.
  const sizes =
    p.dryRun && o.sizes.real === null && paths.indexFile && data.cached ? indexSizes(paths.indexFile) : o.sizes;
  const removal = {
    segmenter: s.segmenter,
    auditVideos: s.auditVideos,
    ...(config.datasets ? { realData: true } : {}),
    // Only a skipped re-detection enters the stage key, so runs with the detectors keep their keys.
    ...(s.auditDetectors ? {} : { auditDetectors: false as const }),
  };
  const given = config.datasets?.noHuman;
  const nh = await p.stage({
    name: 'remove-humans',
    // A No-Human set made beforehand (sharded): audited here, keyed by the data stage's content key.
    config: given ? { ...removal, folder: path.resolve(given.root) } : removal,
    upstream: [data],
    run: (c, ctx) =>
      'folder' in c && paths.noHumanTrain
        ? importRemoval(c, paths.noHumanTrain, { ...ctx, progress })
        : runRemoveHumans(c, paths.realTrain, { ...ctx, progress }),
    plan: (_c, dir) => ({ manifest: path.join(dir, path.basename(paths.realTrain)) }) as RemovalResult,
  });
  const failed = p.dryRun ? 0 : nh.result.summary.failed.length;
  if (failed)
    o.log(`pipeline: human removal skipped ${failed} video(s) (fail closed); see ${path.join(nh.dir, 'report.json')}`);
  const maeCfg = { preset: s.maePreset, ...s.pretrain, seed, ...(s.model ? { model: s.model } : {}) };
  const mae = (name: string, manifest: string, up: Stage<unknown>, clips: number | null) =>
    p.stage({
      name,
      config: maeCfg,
      upstream: [up],
      run: (c, ctx) => runMae(c, manifest, { ...ctx, progress }),
      plan: (_c, dir) => ({ encoder: path.join(dir, 'encoder.safetensors'), lastLoss: NaN, skipped: 0 }),
      flops: () => maeFlops(s, clips),
    });
  const maeNh = await mae('mae-nh', nh.result.manifest, nh, sizes.real);
  const maeReal = await mae('mae-real', paths.realTrain, data, sizes.real);
  const maeSynth = await mae('mae-synth', paths.synthTrain, data, sizes.synthetic);
  // Stage 2: one head per dataset; No-Human clips keep the real set's labels.
  const align = (name: string, init: Stage<{ encoder: string }>, ds: { name: string; manifest: string }[]) =>
    p.stage({
      name,
      config: { preset: s.alignPreset, ...s.align, seed, datasets: ds.map((d) => d.name) },
      upstream: [init],
      run: (c, ctx) => runAlign(c, init.result.encoder, ds, { ...ctx, progress }),
      plan: (_c, dir) => ({ checkpoint: path.join(dir, 'aligned.safetensors'), steps: 0, datasets: [] }),
      flops: () =>
        alignFlops(
          s,
          ds.map((d) => (d.name === 'synthetic' ? sizes.synthetic : sizes.real)),
        ),
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
    plan: (_c, dir) => ({ checkpoint: path.join(dir, 'soup.safetensors') }),
  });
  return { paths, nh, ppma, withHumans, synthOnly, ingredients, soup, sizes };
}

/** The data stage's config: exactly as before for the embedded world and `data`; datasets add their specs and content. */
async function dataConfig(s: PipelineSettings, config: PipelineConfig): Promise<DataConfig> {
  const seed = config.seed;
  const given = config.data ? indexFileOf(config.data) : null;
  const base = { preset: s.dataPreset, seed, given, ...(given ? { content: dataContentKey(given) } : {}) };
  if (!config.datasets) return base;
  const content = await userDataKey(config.datasets, config.tasks);
  return { ...base, content, datasets: config.datasets, ...definedOnly({ tasks: config.tasks }) };
}

/** The data paths a plan uses before the data stage has run (only their names reach later stage keys). */
function plannedPaths(config: PipelineConfig, dir: string): DataPaths {
  const csv = (n: string) => path.join(dir, n, 'train.csv');
  if (config.datasets)
    return {
      indexFile: null,
      realTrain: csv('real'),
      realVal: null,
      synthTrain: csv('synthetic'),
      synthVal: null,
      tasks: (config.tasks ?? []).map((t) => t.task),
    };
  const generated = (knownPipelineTasks(undefined) ?? []).filter((t) => t !== 'all');
  return {
    indexFile: path.join(dir, 'index.json'),
    realTrain: '',
    realVal: null,
    synthTrain: '',
    synthVal: null,
    tasks: generated,
  };
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

/**
 * The small presets' benchmark runs in worker processes, and the learned-beta soup and the leakage
 * probes run after it in this one: with `PPMA_VIEW_CACHE_DIR` pointing into the run folder they read
 * the views and features the workers computed instead of decoding every clip again (`@ppma/bench`,
 * "Shared caches"). Not for the paper preset, whose views of big datasets would fill the disk,
 * unless the user sets the variable. Returns what puts the variable back.
 */
function shareViewsOnDisk(s: PipelineSettings, out: string, log: (line: string) => void): () => void {
  if (s.preset === 'paper' || process.env.PPMA_VIEW_CACHE_DIR) return () => undefined;
  const dir = path.join(out, 'view-cache');
  process.env.PPMA_VIEW_CACHE_DIR = dir;
  log(`pipeline: decoded views and trunk features shared on disk between processes in ${dir}`);
  return () => {
    delete process.env.PPMA_VIEW_CACHE_DIR;
  };
}

function safeBackend(): string {
  try {
    return formatBackend(describeBackend());
  } catch {
    return 'unknown';
  }
}
