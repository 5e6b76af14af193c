/**
 * `generateBenchmark`: renders every clip of every dataset of a preset and writes the videos, the
 * PPMA CSV manifests (train/val) and `index.json`, the machine-readable description of what was
 * generated. Rendering runs on the main thread while up to `concurrency` ffmpeg encoders run in
 * their own processes, which keeps both cores busy (encoding, not rendering, dominates).
 */
import { mkdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { atomicWrite, ConfigError } from '@ppma/core';
import { encodeVideo, writePpmaCsv } from '@ppma/video-io';
import type { Manifest } from '@ppma/video-io';
import { writeSynthClean, writeSynthMasks } from './companions.js';
import { BENCHMARK_DATASETS, PRESETS, presetCounts } from './datasets.js';
import type { DatasetKind, DatasetSpec, PresetSpec } from './datasets.js';
import { planClip } from './plan.js';
import type { ClipGeometry, SynthSplit } from './plan.js';
import { renderClip } from './render-clip.js';
import { clipIdentity } from './identity.js';
import type { IdentityLabels } from './identity.js';
import { writeIdentityTask } from './identity-task.js';
import type { BenchmarkPrivacyEntry } from './identity-task.js';

/** Options of {@link generateBenchmark}. */
export interface GenerateOptions {
  preset: PresetSpec['name'];
  seed: number;
  /** Output folder (created). */
  out: string;
  /** Called after each clip with the number done and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Only these datasets (by name); default all. */
  datasets?: readonly string[];
  /** Overrides of the preset's clip geometry and per-class counts. */
  geometry?: Partial<ClipGeometry>;
  perClass?: Partial<Record<DatasetKind, { train: number; val: number }>>;
  /** Encoders in flight (default 4). */
  concurrency?: number;
}

/** One dataset as described in `index.json` (paths relative to the index). */
export interface BenchmarkIndexEntry {
  name: string;
  kind: DatasetKind;
  paperAnalogue: string;
  description: string;
  style: DatasetSpec['style'];
  view: DatasetSpec['view'];
  classes: string[];
  sceneObjectBias: number;
  train: string;
  val: string;
  labels: string;
  clips: { train: number; val: number };
  /** Masks (`<video>.mask.png`) and clean plates (`<video>.clean.png`) exist for every clip. */
  companions: boolean;
  hflip: boolean;
}

/** The content of `index.json`. */
export interface BenchmarkIndex {
  format: 'ppma-synth-benchmark';
  version: 1;
  preset: string;
  seed: number;
  width: number;
  height: number;
  frames: number;
  fps: number;
  datasets: BenchmarkIndexEntry[];
  /** The downstream entries of `datasets` (what `@ppma/bench` turns into task plugins). */
  tasks: BenchmarkIndexEntry[];
  /**
   * Privacy tasks: the downstream clips labelled with their main person's identity attributes
   * (absent when no downstream dataset was generated). `@ppma/bench` probes them for leakage.
   */
  privacy?: BenchmarkPrivacyEntry[];
}

export type { BenchmarkPrivacyEntry } from './identity-task.js';

/** What {@link generateBenchmark} returns: the index plus timing. */
export interface GenerateResult {
  index: BenchmarkIndex;
  indexFile: string;
  clips: number;
  files: number;
  seconds: number;
  clipsPerSecond: number;
}

/** Folder-safe form of a class name. */
export function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}

interface Job {
  ds: DatasetSpec;
  split: SynthSplit;
  classIndex: number;
  index: number;
  path: string;
  /** Identity labels of the main person (downstream clips only). */
  identity?: IdentityLabels;
}

/** Generates the mini-benchmark. Same options → byte-identical files. */
export async function generateBenchmark(opts: GenerateOptions): Promise<GenerateResult> {
  const t0 = performance.now();
  const preset = PRESETS[opts.preset];
  if (!preset) throw new ConfigError('preset', `unknown preset '${String(opts.preset)}' (tiny or small)`);
  if (!Number.isInteger(opts.seed)) throw new ConfigError('seed', `must be an integer, got ${opts.seed}`);
  const geom: ClipGeometry = {
    width: preset.width,
    height: preset.height,
    frames: preset.frames,
    fps: preset.fps,
    ...opts.geometry,
  };
  const chosen = opts.datasets ? BENCHMARK_DATASETS.filter((d) => opts.datasets?.includes(d.name)) : BENCHMARK_DATASETS;
  for (const n of opts.datasets ?? [])
    if (!BENCHMARK_DATASETS.some((d) => d.name === n)) throw new ConfigError('datasets', `unknown dataset '${n}'`);
  const out = resolve(opts.out);
  await mkdir(out, { recursive: true });
  const jobs: Job[] = [];
  for (const ds of chosen) {
    const counts = opts.perClass?.[ds.kind] ?? presetCounts(preset, ds);
    for (const split of ['train', 'val'] as const) {
      ds.classes.forEach((c, ci) => {
        for (let k = 0; k < counts[split]; k++)
          jobs.push({
            ds,
            split,
            classIndex: ci,
            index: k,
            path: join(out, ds.name, split, slug(c.name), `${slug(c.name)}_${String(k).padStart(3, '0')}.mp4`),
          });
      });
    }
  }
  const limit = Math.max(1, opts.concurrency ?? 4);
  const inFlight = new Set<Promise<void>>();
  let files = 0;
  let done = 0;
  let failure: unknown;
  const launch = (p: Promise<void>): void => {
    const q = p.then(
      () => {
        inFlight.delete(q);
      },
      (e: unknown) => {
        inFlight.delete(q);
        failure ??= e;
      },
    );
    inFlight.add(q);
  };
  for (const job of jobs) {
    const spec = planClip(job.ds, geom, opts.seed, job.split, job.classIndex, job.index);
    if (job.ds.kind === 'downstream') job.identity = clipIdentity(spec);
    const clip = renderClip(spec, { withClean: job.ds.companions });
    const enc = { width: clip.width, height: clip.height, fps: clip.fps };
    const work: Promise<void>[] = [encodeVideo(job.path, clip.video, enc)];
    if (job.ds.companions && clip.clean) {
      work.push(writeSynthClean(job.path, clip.clean, clip.frames, clip.width, clip.height).then(() => undefined));
      work.push(writeSynthMasks(job.path, clip.mask, clip.frames, clip.width, clip.height).then(() => undefined));
    }
    files += work.length;
    launch(
      Promise.all(work).then(() => {
        done++;
        opts.onProgress?.(done, jobs.length);
      }),
    );
    while (inFlight.size >= limit) await Promise.race(inFlight);
    if (failure !== undefined) break;
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  const index = await writeManifests(out, chosen, jobs, preset, geom, opts.seed);
  const indexFile = join(out, 'index.json');
  await atomicWrite(indexFile, [Buffer.from(JSON.stringify(index, null, 2) + '\n')]);
  const seconds = (performance.now() - t0) / 1000;
  return { index, indexFile, clips: jobs.length, files, seconds, clipsPerSecond: jobs.length / seconds };
}

const rel = (from: string, to: string): string => relative(from, to).split(sep).join('/');

async function writeManifests(
  out: string,
  chosen: readonly DatasetSpec[],
  jobs: readonly Job[],
  preset: PresetSpec,
  geom: ClipGeometry,
  seed: number,
): Promise<BenchmarkIndex> {
  const datasets: BenchmarkIndexEntry[] = [];
  for (const ds of chosen) {
    const labels = ds.classes.map((c) => c.name);
    const clips = { train: 0, val: 0 };
    for (const split of ['train', 'val'] as const) {
      const mine = jobs.filter((j) => j.ds === ds && j.split === split);
      clips[split] = mine.length;
      const manifest: Manifest = {
        labels,
        entries: mine.map((j) => ({ path: j.path, label: j.classIndex, labelName: labels[j.classIndex] })),
      };
      await writePpmaCsv(manifest, join(out, ds.name, `${split}.csv`));
    }
    datasets.push({
      name: ds.name,
      kind: ds.kind,
      paperAnalogue: ds.paperAnalogue,
      description: ds.description,
      style: ds.style,
      view: ds.view,
      classes: labels,
      sceneObjectBias: ds.sceneObjectBias,
      train: rel(out, join(out, ds.name, 'train.csv')),
      val: rel(out, join(out, ds.name, 'val.csv')),
      labels: rel(out, join(out, ds.name, 'labels.txt')),
      clips,
      companions: ds.companions,
      hflip: ds.hflip,
    });
  }
  const tasks = datasets.filter((d) => d.kind === 'downstream');
  const labelled = jobs.flatMap((j) => (j.identity ? [{ split: j.split, path: j.path, identity: j.identity }] : []));
  const privacy =
    tasks.length > 0
      ? [
          await writeIdentityTask(
            out,
            labelled,
            tasks.map((t) => t.name),
          ),
        ]
      : undefined;
  return {
    format: 'ppma-synth-benchmark',
    version: 1,
    preset: preset.name,
    seed,
    ...geom,
    datasets,
    tasks,
    ...(privacy ? { privacy } : {}),
  };
}
