/**
 * Compute estimates of a pipeline plan (docs/ARCHITECTURE.md §13): each training stage's matmul
 * FLOPs from the model geometry, the clip counts and the recipe (`@ppma/vit`'s `vitFlops`: a
 * training step is 3x the forward), this machine's measured speed on a ViT forward, and the
 * up-front check that the machine can hold the run at all.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '@ppma/core';
import { vitFlops } from '@ppma/vit';
import type { PipelineConfig } from './config.js';
import type { PipelineSettings } from './presets.js';
import type { PlannedStage } from './stage.js';
import type { SplitCheck } from './user-data.js';

/** Usable clips per dataset (null: unknown before the data stage runs, as for the embedded world). */
export interface DatasetSizes {
  readonly real: number | null;
  readonly synthetic: number | null;
  readonly tasks: Readonly<Record<string, { train: number; val: number }>>;
}

/** What `--dry-run` returns. */
export interface PipelinePlan {
  readonly checks: readonly SplitCheck[];
  readonly stages: readonly PlannedStage[];
  /** Measured FLOP/s of a ViT forward on this machine's backend. */
  readonly speed: number;
  readonly machine: MachineCheck;
}

/** The clip counts that validation found. */
export function datasetSizes(checks: readonly SplitCheck[]): DatasetSizes {
  const find = (n: string) => checks.find((c) => c.name === n)?.usable ?? null;
  const tasks: Record<string, { train: number; val: number }> = {};
  for (const c of checks) {
    const m = /^tasks\.(.+)\.(train|val)$/.exec(c.name);
    if (m) tasks[m[1]] = { ...(tasks[m[1]] ?? { train: 0, val: 0 }), [m[2]]: c.usable };
  }
  return { real: find('real'), synthetic: find('synthetic'), tasks };
}

/**
 * The clip counts of a benchmark index's datasets (lines of their PPMA CSVs), for a plan whose data
 * stage is already done (the embedded world, or `data`).
 */
export function indexSizes(indexFile: string): DatasetSizes {
  const lines = (f: string) =>
    fs
      .readFileSync(f, 'utf8')
      .split(/\r?\n/)
      .filter((l) => l.trim() !== '' && !l.startsWith('#')).length;
  try {
    const idx = JSON.parse(fs.readFileSync(indexFile, 'utf8')) as {
      datasets: { name: string; kind: string; train: string; val: string }[];
    };
    const dir = path.dirname(indexFile);
    const count = (d: { train: string; val: string }) => ({
      train: lines(path.resolve(dir, d.train)),
      val: lines(path.resolve(dir, d.val)),
    });
    const tasks: Record<string, { train: number; val: number }> = {};
    for (const d of idx.datasets) if (d.kind === 'downstream') tasks[d.name] = count(d);
    const kind = (k: string) => idx.datasets.find((d) => d.kind === k);
    const real = kind('pretrain-real');
    const synth = kind('pretrain-synthetic');
    return { real: real ? count(real).train : null, synthetic: synth ? count(synth).train : null, tasks };
  } catch {
    return { real: null, synthetic: null, tasks: {} }; // unreadable: the estimates stay unknown
  }
}

/** The encoder geometry of a run: the MAE preset's model with the config's overrides. */
export interface Geometry {
  readonly dim: number;
  readonly depth: number;
  readonly tubelet: number;
  readonly patch: number;
  readonly frames: number;
  readonly height: number;
  readonly width: number;
  readonly decoderDim: number;
  readonly decoderDepth: number;
}

/** The geometry of the run's models. */
export async function geometryOf(s: PipelineSettings): Promise<Geometry> {
  const { maePreset } = await import('@ppma/mae');
  return { ...maePreset(s.maePreset).model, ...(s.model ?? {}) };
}

let geometryCache: { s: PipelineSettings; g: Geometry } | null = null;

/** Sets the geometry the synchronous estimates below use (the plan calls this first). */
export async function prepareEstimates(s: PipelineSettings): Promise<void> {
  geometryCache = { s, g: await geometryOf(s) };
}

function geometry(s: PipelineSettings): Geometry | null {
  return geometryCache && geometryCache.s === s ? geometryCache.g : null;
}

function tokens(g: Geometry): number {
  return (g.frames / g.tubelet) * (g.height / g.patch) * (g.width / g.patch);
}

function patchValues(g: Geometry): number {
  return g.tubelet * g.patch * g.patch * 3;
}

/** One clip's forward (or training step) through the encoder with a classifier head. */
function clipFlops(g: Geometry, train: boolean): number {
  const f = vitFlops({ batch: 1, tokens: tokens(g), patchValues: patchValues(g), dim: g.dim, depth: g.depth });
  return train ? f.train : f.forward;
}

/** An MAE stage: epochs x clips x repeats training steps with the visible tokens and the decoder. */
export function maeFlops(s: PipelineSettings, clips: number | null): number | null {
  const g = geometry(s);
  if (!g || clips === null) return null;
  const n = tokens(g);
  const visible = Math.max(1, Math.round(n * (1 - s.pretrain.maskRatio)));
  const step = vitFlops({
    batch: 1,
    tokens: n,
    visible,
    patchValues: patchValues(g),
    dim: g.dim,
    depth: g.depth,
    decoder: { dim: g.decoderDim, depth: g.decoderDepth, predicted: n - visible },
  });
  return step.train * clips * s.pretrain.repeats * s.pretrain.epochs;
}

/** An alignment stage: every clip of every dataset once per epoch. */
export function alignFlops(s: PipelineSettings, clips: readonly (number | null)[]): number | null {
  const g = geometry(s);
  if (!g || clips.some((c) => c === null)) return null;
  const total = (clips as number[]).reduce((a, b) => a + b, 0);
  return clipFlops(g, true) * total * s.align.epochs;
}

const VIEWS = 6; // 2 clips x 3 crops (docs/ARCHITECTURE.md §5 "Downstream")

/** The benchmark: FT of every model (train + multi-view eval) and LP features, per seed. */
export function benchFlops(
  s: PipelineSettings,
  sizes: DatasetSizes,
  tasks: readonly string[],
  models: number,
): number | null {
  const g = geometry(s);
  if (!g) return null;
  let f = 0;
  for (const t of tasks) {
    const n = sizes.tasks[t];
    if (!n) return null;
    const evalF = clipFlops(g, false) * n.val * VIEWS;
    if (s.bench.modes.includes('ft')) f += models * s.seeds * (clipFlops(g, true) * n.train * s.bench.ftEpochs + evalF);
    if (s.bench.modes.includes('lp')) f += (models - 1) * (clipFlops(g, false) * n.train + evalF);
  }
  return f;
}

/** The learned-beta soup: features of both ingredients once, then FT of the soup per seed. */
export function betaFlops(s: PipelineSettings, sizes: DatasetSizes, tasks: readonly string[]): number | null {
  const g = geometry(s);
  if (!g) return null;
  let f = 0;
  for (const t of tasks) {
    const n = sizes.tasks[t];
    if (!n) return null;
    f += 2 * s.seeds * clipFlops(g, false) * (n.train + n.val * VIEWS);
    if (s.bench.modes.includes('ft'))
      f += s.seeds * (clipFlops(g, true) * n.train * s.bench.ftEpochs + clipFlops(g, false) * n.val * VIEWS);
  }
  return f;
}

/**
 * This machine's speed in FLOP/s: a small ViT forward on the current backend, timed after a
 * warm-up, divided into `@ppma/vit`'s FLOP count of that forward.
 */
export async function measureSpeed(): Promise<number> {
  const { createModel } = await import('@ppma/vit');
  const { batchToTensor } = await import('@ppma/video-io');
  const m = createModel('vit-micro', { classes: 0 });
  const c = m.config;
  const batch = 2;
  const x = batchToTensor({
    clips: new Uint8Array(batch * c.frames * c.height * c.width * 3),
    batchSize: batch,
    frames: c.frames,
    height: c.height,
    width: c.width,
  });
  try {
    m.features(x).dispose(); // warm-up
    const t0 = performance.now();
    let runs = 0;
    while (performance.now() - t0 < 1500 || runs < 2) {
      const y = m.features(x);
      await y.data();
      y.dispose();
      runs++;
    }
    const seconds = (performance.now() - t0) / 1000;
    const n = (c.frames / c.tubelet) * (c.height / c.patch) * (c.width / c.patch);
    const f = vitFlops({
      batch,
      tokens: n,
      patchValues: c.tubelet * c.patch * c.patch * 3,
      dim: c.dim,
      depth: c.depth,
    });
    return (f.forward * runs) / seconds;
  } finally {
    x.dispose();
    m.dispose();
  }
}

/** Whether the machine can hold the run: the estimated peak memory of the biggest training step. */
export interface MachineCheck {
  readonly neededBytes: number;
  readonly totalBytes: number;
  readonly fits: boolean;
  readonly line: string;
}

/**
 * Peak memory of an MAE step (the biggest): weights, gradients and AdamW moments of encoder and
 * decoder (16 bytes per parameter), plus the activations kept for the backward pass (about 20
 * values of width D per visible token and block, and the attention maps).
 */
export function machineCheck(s: PipelineSettings, _config: PipelineConfig): MachineCheck {
  const g = geometry(s);
  const totalBytes = os.totalmem();
  if (!g) return { neededBytes: 0, totalBytes, fits: true, line: 'memory: not estimated' };
  const params = 12 * g.depth * g.dim * g.dim + 12 * g.decoderDepth * g.decoderDim * g.decoderDim;
  const n = tokens(g);
  const visible = Math.max(1, Math.round(n * (1 - s.pretrain.maskRatio)));
  const b = s.pretrain.batchSize * s.pretrain.repeats;
  const act = (nTok: number, d: number, depth: number) => 4 * b * depth * (20 * nTok * d + 2 * nTok * nTok);
  const neededBytes = 16 * params + act(visible, g.dim, g.depth) + act(n, g.decoderDim, g.decoderDepth);
  const fits = neededBytes <= 0.8 * totalBytes;
  const size = (x: number) =>
    x < 2 ** 30 ? `${Math.max(1, Math.round(x / 2 ** 20))} MB` : `${(x / 2 ** 30).toFixed(1)} GB`;
  const line = `memory: an MAE step of ${b} clips of ${g.frames}x${g.height}x${g.width} on D=${g.dim} x ${g.depth} blocks needs about ${size(neededBytes)}; this machine has ${size(totalBytes)}`;
  return { neededBytes, totalBytes, fits, line };
}

/**
 * Refuses up front a run this machine cannot hold (instead of failing hours later), and returns
 * the sizes the run's stages use (unknown until the data stage has run).
 * @throws ConfigError naming `preset` (or `model`) and the memory figures.
 */
export async function checkMachine(
  s: PipelineSettings,
  config: PipelineConfig,
  log: (line: string) => void,
): Promise<DatasetSizes> {
  await prepareEstimates(s);
  const m = machineCheck(s, config);
  if (!m.fits)
    throw new ConfigError(
      config.model ? 'model' : 'preset',
      `this machine is too small for the run: ${m.line}. Choose a smaller model or clip (model, clip, pretrain.batchSize in the config) or a bigger machine`,
    );
  if (s.preset === 'paper') log(`pipeline: ${m.line}`);
  return { real: null, synthetic: null, tasks: {} };
}
