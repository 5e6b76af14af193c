/**
 * What each pipeline stage does (docs/ARCHITECTURE.md §1, §5): the run functions that `runPipeline`
 * declares as stages. Each takes the stage's hashed config, the outputs of the stages it reads,
 * and its directory; each calls the package that owns the step.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ManifestError } from '@ppma/core';
import type { StageContext } from './stage.js';
import type { TaskSpec } from './config.js';
import { prepareUserData } from './user-data.js';
import type { SplitCheck, UserDatasets } from './user-data.js';
import { resolveTaskSpecs } from './task-specs.js';

/** The datasets of a benchmark index that the pipeline uses. */
export interface DataPaths {
  /** The benchmark index (embedded or `ppma synth` data); null for the config's own datasets. */
  readonly indexFile: string | null;
  readonly realTrain: string;
  readonly realVal: string | null;
  readonly synthTrain: string;
  readonly synthVal: string | null;
  /** A No-Human set given in the config (made by `ppma remove-humans` beforehand). */
  readonly noHumanTrain?: string | null;
  readonly tasks: readonly string[];
}

/** Reads the datasets of a benchmark index. */
export async function readIndex(indexFile: string): Promise<DataPaths> {
  const { readFile } = await import('node:fs/promises');
  const idx = JSON.parse(await readFile(indexFile, 'utf8')) as import('@ppma/synth').BenchmarkIndex;
  const dir = path.dirname(indexFile);
  const real = idx.datasets.find((d) => d.kind === 'pretrain-real');
  const synth = idx.datasets.find((d) => d.kind === 'pretrain-synthetic');
  if (!real || !synth) throw new ManifestError(indexFile, 'needs a pretrain-real and a pretrain-synthetic dataset');
  return {
    indexFile,
    realTrain: path.resolve(dir, real.train),
    realVal: path.resolve(dir, real.val),
    synthTrain: path.resolve(dir, synth.train),
    synthVal: path.resolve(dir, synth.val),
    tasks: idx.tasks.map((t) => t.name),
  };
}

/** Config of the data stage: the user's benchmark (by path and content), or the preset to generate. */
export interface DataConfig {
  readonly preset: 'tiny' | 'small';
  readonly seed: number;
  readonly given: string | null;
  /** Content key of `given` (see data-key.ts), or of `datasets` and `tasks` (user-data.ts). */
  readonly content?: string;
  /** The config's own pre-training datasets (any manifest format). */
  readonly datasets?: UserDatasets;
  /** The config's downstream tasks, checked here with the datasets. */
  readonly tasks?: readonly TaskSpec[];
}

/** What the data stage returns: an index, or the user's datasets as PPMA CSVs with their checks. */
export interface DataResult {
  readonly indexFile: string | null;
  readonly user?: { paths: DataPaths; checks: readonly SplitCheck[] };
  readonly clips?: number;
  readonly seconds?: number;
}

/**
 * The embedded mini-benchmark, the user's benchmark index, or the user's datasets: those are read in
 * their formats, every video probed, and written as PPMA CSVs; the tasks' splits are checked too,
 * so a bad dataset fails here, before any training.
 */
export async function runData(c: DataConfig, ctx: StageContext): Promise<DataResult> {
  if (c.datasets) {
    const u = await prepareUserData(c.datasets, ctx.dir);
    const t = c.tasks ? await resolveTaskSpecs(c.tasks, c.given) : { checks: [] };
    const { checks, ...files } = u;
    const tasks = (c.tasks ?? []).map((x) => x.task);
    return {
      indexFile: c.given,
      user: { paths: { indexFile: c.given, ...files, tasks }, checks: [...checks, ...t.checks] },
    };
  }
  if (c.given) return { indexFile: c.given };
  const { generateBenchmark } = await import('@ppma/synth');
  const r = await generateBenchmark({ preset: c.preset, seed: c.seed, out: ctx.dir });
  return { indexFile: r.indexFile, clips: r.clips, seconds: r.seconds };
}

/** The datasets the stages after the data stage read. */
export async function dataPaths(r: DataResult): Promise<DataPaths> {
  if (r.user) return r.user.paths;
  if (!r.indexFile) throw new ManifestError('(data stage)', 'no benchmark index and no datasets');
  return readIndex(r.indexFile);
}

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

/**
 * Removes the humans from the real pre-training set, then audits a sample of the output: people
 * re-detected by a detector other than the segmenter, and the inpainted region scored against the
 * true clean background that the synthetic data comes with.
 */
export async function runRemoveHumans(c: RemovalConfig, input: string, ctx: StageContext & { progress: boolean }) {
  return onConvolutionBackend(() => removeAndAudit(c, input, ctx));
}

/**
 * The No-Human set made beforehand by `ppma remove-humans` (sharded, on many machines): its run
 * summaries (`report.json`, or one per shard) are merged, and the same privacy audit runs on a
 * spread sample of its outputs. `manifest` is the data stage's CSV of that set.
 * @throws ManifestError naming the folder when it holds no run summary.
 */
export async function importRemoval(
  c: RemovalConfig & { readonly folder: string },
  manifest: string,
  ctx: StageContext & { progress: boolean },
) {
  const summary = mergeSummaries(c.folder);
  return onConvolutionBackend(async () => ({
    ...(await auditOutputs(c, summary, c.folder, ctx.dir)),
    manifest,
  }));
}

function mergeSummaries(folder: string): import('@ppma/hat-removal').RunSummary {
  const names = fs.existsSync(folder) ? fs.readdirSync(folder).filter((f) => /^report(\..+)?\.json$/.test(f)) : [];
  if (names.length === 0)
    throw new ManifestError(
      folder,
      'holds no report.json of ppma remove-humans (datasets.noHuman must be the --out folder of that run)',
    );
  const all = names
    .sort()
    .map((n) => JSON.parse(fs.readFileSync(path.join(folder, n), 'utf8')) as import('@ppma/hat-removal').RunSummary);
  const sum = (f: (r: import('@ppma/hat-removal').RunSummary) => number) => all.reduce((a, r) => a + f(r), 0);
  const frames = sum((r) => r.frames);
  const seconds = sum((r) => r.seconds);
  const unrec = sum((r) => r.unrecoverable.frames);
  return {
    ...all[0],
    shard: all.length > 1 ? `${all.length} shards` : all[0].shard,
    videos: all[0].videos,
    processed: sum((r) => r.processed),
    skipped: sum((r) => r.skipped),
    failed: all.flatMap((r) => r.failed),
    frames,
    seconds,
    fps: seconds > 0 ? frames / seconds : 0,
    outputs: all.flatMap((r) => r.outputs),
    cuts: sum((r) => r.cuts),
    unrecoverable: { ...all[0].unrecoverable, frames: unrec, fraction: frames > 0 ? unrec / frames : 0 },
  };
}

/**
 * Runs `fn` on wasm when the pipeline trains on the native backend: the main thread's pixel work and
 * the selfie segmenter are faster there (see `CONVOLUTION_BACKENDS` in @ppma/core); rvm and
 * CenterNet still pick native in their own worker threads (@ppma/hat-removal registry).
 * `PPMA_BACKEND=native` keeps native throughout.
 */
async function onConvolutionBackend<T>(fn: () => Promise<T>): Promise<T> {
  const core = await import('@ppma/core');
  const before = core.describeBackend();
  if (before.name !== 'native' || process.env.PPMA_BACKEND === 'native') return fn();
  await core.initBackend({ backend: 'wasm', threads: before.threads });
  try {
    return await fn();
  } finally {
    await core.initBackend({ backend: 'native', threads: before.threads });
  }
}

/** Config of the human-removal stage. */
export interface RemovalConfig {
  readonly segmenter: 'oracle' | 'rvm' | 'selfie-crops';
  readonly auditVideos: number;
  /**
   * The input is the user's real footage (no clean plates, masks only where the data ships them);
   * the audit names the removal's models so that its detectors are other ones.
   */
  readonly realData?: boolean;
  /**
   * False: the audit skips the detectors' re-detection (the tiny preset's 32 px clips are below
   * their input scale, so they find nobody even in the input) and keeps PSNR/SSIM against the
   * clean plates. Absent: the detectors run (`audit.detectors` in the config).
   */
  readonly auditDetectors?: false;
}

/** Which audit measures the data allowed (the report prints them). */
export interface AuditMeasure {
  readonly name: string;
  readonly possible: boolean;
  readonly why: string;
}

async function orNull<T>(p: () => Promise<T>): Promise<T | undefined> {
  try {
    return await p();
  } catch {
    return undefined;
  }
}

/** What the human-removal stage returns. */
export type RemovalResult = Awaited<ReturnType<typeof removeAndAudit>>;

async function removeAndAudit(c: RemovalConfig, input: string, ctx: StageContext & { progress: boolean }) {
  const { removeHumans } = await import('@ppma/hat-removal');
  // Oracle masks are exact, so the detector catch for missed people only costs time there.
  const catchDetector = c.segmenter === 'oracle' ? 'none' : 'centernet';
  const summary = await removeHumans({
    input,
    out: ctx.dir,
    segmenter: c.segmenter,
    catchDetector,
    resume: ctx.resume,
    progress: ctx.progress,
  });
  return { ...(await auditOutputs(c, summary, ctx.dir, ctx.dir)), manifest: path.join(ctx.dir, path.basename(input)) };
}

/**
 * The audit name of an output: its path under the run folder without the extension, folders joined
 * by `__`, so that two videos with the same file name in different folders keep apart.
 */
export function auditItemName(relOutput: string): string {
  const rel = relOutput.replace(/\\/g, '/');
  return rel.slice(0, rel.length - path.extname(rel).length).replace(/\//g, '__');
}

/** The one line the report prints when the detector re-detection was skipped. */
function skippedLine(size: number | undefined): string {
  const px = size === undefined ? 'the tiny preset' : `${size} px`;
  return `detector audit skipped: clips of ${px} are below the detectors' input scale; \`audit.detectors: true\` forces it`;
}

/** The privacy audit of a spread sample of a removal run's outputs (written into `dir/audit`). */
export async function auditOutputs(
  c: RemovalConfig,
  summary: import('@ppma/hat-removal').RunSummary,
  outRoot: string,
  dir: string,
) {
  const { auditRemoval } = await import('@ppma/hat-removal');
  const { readSynthClean, readSynthMasks } = await import('@ppma/synth');
  const outputs = summary.outputs;
  const n = Math.min(c.auditVideos, outputs.length);
  const sample = Array.from({ length: n }, (_, i) => outputs[Math.floor(((i + 0.5) * outputs.length) / n)]);
  // Real footage has no clean plates (and masks only when the data ships them): those are optional there.
  const companion = <T>(f: () => Promise<T>) => (c.realData ? orNull(f) : f());
  const items = await Promise.all(
    sample.map(async (o) => ({
      name: auditItemName(path.isAbsolute(o.output) ? path.relative(outRoot, o.output) : o.output),
      input: o.input,
      output: path.resolve(outRoot, o.output),
      masks: await companion(() => readSynthMasks(o.input)),
      clean: await companion(() => readSynthClean(o.input)),
    })),
  );
  const removalModels = summary.removalModels ?? [];
  const detectors = c.auditDetectors !== false;
  const audit = await auditRemoval({
    items,
    outDir: path.join(dir, 'audit'),
    inputStride: 2,
    removalModels,
    // No detector instances: every video is still decoded, scored against its clean plate and sheeted.
    ...(detectors ? {} : { detectorInstances: [] }),
  });
  const clean = items.filter((i) => i.clean !== undefined).length;
  const size = items.find((i) => i.masks)?.masks?.width;
  return {
    summary,
    audit: {
      ...audit.summary,
      detector: detectors ? audit.detector : 'none',
      detectorLicence: audit.detectorLicence,
      minScore: audit.minScore,
      inputPersonRate: mean(audit.videos.map((v) => v.inputPersonRate)),
      ...(detectors ? {} : { detectorsSkipped: skippedLine(size) }),
      ...(c.realData ? { measures: auditMeasures(audit.detector, n, clean), removalModels } : {}),
    },
  };
}

function auditMeasures(detector: string, videos: number, clean: number): AuditMeasure[] {
  const rate = `re-detection with ${detector}, models the removal did not use, over ${videos} videos spread evenly over the output`;
  return [
    { name: 'residual-person rate per frame', possible: videos > 0, why: rate },
    { name: 'residual-person rate per video', possible: videos > 0, why: rate },
    {
      name: 'PSNR/SSIM of the inpainted region vs the true background',
      possible: clean > 0,
      why:
        clean > 0
          ? `clean plates shipped with ${clean} of ${videos} audited videos`
          : 'real footage has no clean plates',
    },
  ];
}

/** Config of an MAE stage. */
export interface MaeStageConfig {
  readonly preset: 'tiny' | 'small' | 'paper';
  readonly epochs: number;
  readonly batchSize: number;
  readonly repeats: number;
  readonly maskRatio: number;
  readonly masking: 'random' | 'tube';
  readonly lr: number;
  readonly seed: number;
}

/** Stage 1: MAE pre-training on one manifest; returns the encoder checkpoint. */
export async function runMae(c: MaeStageConfig, manifest: string, ctx: StageContext & { progress: boolean }) {
  const { pretrainMae } = await import('@ppma/mae');
  const res = await pretrainMae({
    data: { kind: 'manifest', manifest },
    outDir: ctx.dir,
    preset: c.preset,
    masking: { kind: c.masking, ratio: c.maskRatio },
    epochs: c.epochs,
    videosPerBatch: c.batchSize,
    repeats: c.repeats,
    lr: c.lr,
    seed: c.seed,
    resume: ctx.resume,
    progress: ctx.progress,
    handleSignals: true,
  });
  if (!res.encoder) throw new Error(`${ctx.dir}: pre-training stopped before the end`);
  return { encoder: res.encoder, lastLoss: res.lastLoss, skipped: res.skipped.length };
}

/** Config of an alignment stage: the recipe and the dataset names (their manifests come from upstream). */
export interface AlignStageConfig {
  readonly preset: 'cpu' | 'paper';
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly seed: number;
  readonly datasets: readonly string[];
}

/** Stage 2: alignment of an encoder on labelled datasets, one head each. */
export async function runAlign(
  c: AlignStageConfig,
  init: string,
  datasets: readonly { name: string; manifest: string }[],
  ctx: StageContext & { progress: boolean },
) {
  const { alignModel } = await import('@ppma/align');
  const res = await alignModel({
    init: { kind: 'checkpoint', file: init },
    datasets,
    out: ctx.dir,
    preset: c.preset,
    recipe: { epochs: c.epochs, batchSize: c.batchSize, lr: c.lr },
    seed: c.seed,
    resume: ctx.resume,
    progress: ctx.progress,
    handleSignals: true,
  });
  return {
    checkpoint: res.checkpoint,
    steps: res.steps,
    datasets: res.datasets.map((d) => ({ name: d.name, examples: d.examples, skipped: d.skipped.length })),
  };
}

/** The alpha soup of the ingredients (same MAE init, different alignment data). */
export async function runAlphaSoup(c: { alpha: readonly number[] }, ingredients: string[], ctx: StageContext) {
  const { averageWeights } = await import('@ppma/soup');
  const file = path.join(ctx.dir, 'soup.safetensors');
  await averageWeights(ingredients, [...c.alpha], { out: file });
  return { checkpoint: file };
}

/** Config of the benchmark stage. */
export interface BenchStageConfig {
  readonly preset: 'tiny' | 'small' | 'paper';
  readonly bench: { readonly modes: readonly ('ft' | 'lp')[]; readonly ftEpochs: number; readonly lpEpochs: number };
  readonly seed: number;
  readonly seeds: number;
  readonly tasks: readonly string[];
  readonly models: readonly string[];
  /** The config's own tasks (with their data), when it gives them. */
  readonly taskSpecs?: readonly TaskSpec[];
}

/** A model to benchmark: a checkpoint, or scratch with a trunk config. */
export type BenchModel = { name: string; checkpoint: string } | { name: string; scratch: Record<string, unknown> };

/** The trunk config of a checkpoint (its metadata config without heads), for the scratch row. */
export async function scratchConfigOf(checkpoint: string): Promise<Record<string, unknown>> {
  const { readCheckpointHeader } = await import('@ppma/vit');
  const { classes: _heads, ...trunk } = (await readCheckpointHeader(checkpoint)).config ?? {};
  return trunk;
}

/** Downstream: FT and LP of every model on every task. */
export async function runBench(
  c: BenchStageConfig,
  models: readonly BenchModel[],
  synthIndex: string | null,
  ctx: StageContext & { progress: boolean; log: (line: string) => void; jobs?: number },
) {
  const { runBenchmark } = await import('@ppma/bench');
  const res = await runBenchmark({
    models: models as Parameters<typeof runBenchmark>[0]['models'],
    tasks: await stageTasks(c, synthIndex),
    modes: [...c.bench.modes],
    out: ctx.dir,
    preset: c.preset,
    settings: { ft: { epochs: c.bench.ftEpochs }, lp: { epochs: c.bench.lpEpochs } },
    ...(synthIndex ? { synthIndex } : {}),
    seed: c.seed,
    seeds: c.seeds,
    resume: true,
    progress: ctx.progress,
    log: ctx.log,
    ...(ctx.jobs !== undefined ? { jobs: ctx.jobs } : {}),
  });
  return { resultsJson: path.join(ctx.dir, res.files.json) };
}

/**
 * The tasks of the bench and beta stages: the names (checked against the benchmark index), or the
 * config's task specs with their data roots bound, narrowed to the names when `bench.tasks` picks some.
 */
export async function stageTasks(
  c: { readonly tasks: readonly string[]; readonly taskSpecs?: readonly TaskSpec[] },
  synthIndex: string | null,
): Promise<(string | import('@ppma/bench').TaskPlugin)[]> {
  if (!c.taskSpecs) return [...c.tasks];
  const { tasks } = await resolveTaskSpecs(c.taskSpecs, synthIndex, { validate: false });
  const wanted = c.tasks.includes('all') ? null : new Set(c.tasks);
  return tasks.filter((t) => !wanted || wanted.has(t.name));
}
