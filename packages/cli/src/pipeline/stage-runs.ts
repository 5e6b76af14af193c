/**
 * What each pipeline stage does (docs/ARCHITECTURE.md §1, §5): the run functions that `runPipeline`
 * declares as stages. Each takes the stage's hashed config, the outputs of the stages it reads,
 * and its directory; each calls the package that owns the step.
 */
import path from 'node:path';
import { ManifestError } from '@ppma/core';
import type { StageContext } from './stage.js';

/** The datasets of a benchmark index that the pipeline uses. */
export interface DataPaths {
  readonly indexFile: string;
  readonly realTrain: string;
  readonly realVal: string;
  readonly synthTrain: string;
  readonly synthVal: string;
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
  /** Content key of `given` (see data-key.ts). */
  readonly content?: string;
}

/** The embedded mini-benchmark, or the user's. */
export async function runData(c: DataConfig, ctx: StageContext) {
  if (c.given) return { indexFile: c.given };
  const { generateBenchmark } = await import('@ppma/synth');
  const r = await generateBenchmark({ preset: c.preset, seed: c.seed, out: ctx.dir });
  return { indexFile: r.indexFile, clips: r.clips, seconds: r.seconds };
}

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

/**
 * Removes the humans from the real pre-training set, then audits a sample of the output: people
 * re-detected by a detector other than the segmenter, and the inpainted region scored against the
 * true clean background that the synthetic data comes with.
 */
export async function runRemoveHumans(
  c: { segmenter: 'oracle' | 'rvm' | 'selfie-crops'; auditVideos: number },
  input: string,
  ctx: StageContext & { progress: boolean },
) {
  return onConvolutionBackend(() => removeAndAudit(c, input, ctx));
}

/**
 * Runs `fn` on wasm when the pipeline trains on the native backend: the segmenters and the audit's
 * detectors are convolution networks, and native runs convolutions on tfjs's slow cpu kernels
 * (see `CONVOLUTION_BACKENDS` in @ppma/core). `PPMA_BACKEND=native` keeps native throughout.
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

async function removeAndAudit(
  c: { segmenter: 'oracle' | 'rvm' | 'selfie-crops'; auditVideos: number },
  input: string,
  ctx: StageContext & { progress: boolean },
) {
  const { removeHumans, auditRemoval } = await import('@ppma/hat-removal');
  const { readSynthClean, readSynthMasks } = await import('@ppma/synth');
  // Oracle masks are exact, so the detector catch for missed people only costs time there.
  const summary = await removeHumans({
    input,
    out: ctx.dir,
    segmenter: c.segmenter,
    catchDetector: c.segmenter === 'oracle' ? 'none' : 'centernet',
    resume: ctx.resume,
    progress: ctx.progress,
  });
  const outputs = summary.outputs;
  const n = Math.min(c.auditVideos, outputs.length);
  const sample = Array.from({ length: n }, (_, i) => outputs[Math.floor(((i + 0.5) * outputs.length) / n)]);
  const items = await Promise.all(
    sample.map(async (o) => ({
      input: o.input,
      output: path.resolve(ctx.dir, o.output),
      masks: await readSynthMasks(o.input),
      clean: await readSynthClean(o.input),
    })),
  );
  const audit = await auditRemoval({ items, outDir: path.join(ctx.dir, 'audit'), inputStride: 2 });
  return {
    manifest: path.join(ctx.dir, path.basename(input)),
    summary,
    audit: {
      ...audit.summary,
      detector: audit.detector,
      detectorLicence: audit.detectorLicence,
      minScore: audit.minScore,
      inputPersonRate: mean(audit.videos.map((v) => v.inputPersonRate)),
    },
  };
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
  synthIndex: string,
  ctx: StageContext & { progress: boolean; log: (line: string) => void },
) {
  const { runBenchmark } = await import('@ppma/bench');
  const res = await runBenchmark({
    models: models as Parameters<typeof runBenchmark>[0]['models'],
    tasks: [...c.tasks],
    modes: [...c.bench.modes],
    out: ctx.dir,
    preset: c.preset,
    settings: { ft: { epochs: c.bench.ftEpochs }, lp: { epochs: c.bench.lpEpochs } },
    synthIndex,
    seed: c.seed,
    seeds: c.seeds,
    resume: true,
    progress: ctx.progress,
    log: ctx.log,
  });
  return { resultsJson: path.join(ctx.dir, res.files.json) };
}
