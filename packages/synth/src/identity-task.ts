/**
 * The identity privacy task of the mini-benchmark (issue 17 §3): every downstream clip labelled with
 * its main person's identity attributes, as `synth-identity/{train,val}.csv`. Written by
 * `generateBenchmark`, or afterwards for a benchmark generated before the labels existed
 * ({@link labelIdentities}: it re-plans the clips, which is cheap and renders nothing).
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { atomicWrite, ManifestError } from '@ppma/core';
import { DOWNSTREAM_TASKS } from './datasets.js';
import { clipIdentity, IDENTITY_ATTRIBUTES } from './identity.js';
import type { IdentityLabels } from './identity.js';
import { planClip } from './plan.js';
import type { SynthSplit } from './plan.js';

/**
 * A privacy task of `index.json`: identity-attribute manifests (`path;<attribute>;...` with a
 * header row, one class name per attribute, paths relative to the CSV's folder).
 */
export interface BenchmarkPrivacyEntry {
  name: string;
  description: string;
  attributes: { name: string; classes: string[]; description: string }[];
  /** The datasets whose clips it labels. */
  sources: string[];
  train: string;
  val: string;
  clips: { train: number; val: number };
}

/** Folder (under the output) and name of the identity privacy task. */
export const IDENTITY_TASK = 'synth-identity';

/** One labelled clip. */
export interface IdentityClip {
  readonly split: SynthSplit;
  /** Absolute path of the video. */
  readonly path: string;
  readonly identity: IdentityLabels;
}

const rel = (from: string, to: string): string => relative(from, to).split(sep).join('/');

/** Writes `<out>/synth-identity/{train,val}.csv` and returns the task's `index.json` entry (paths relative to `out`). */
export async function writeIdentityTask(
  out: string,
  clips: readonly IdentityClip[],
  sources: readonly string[],
): Promise<BenchmarkPrivacyEntry> {
  const dir = join(out, IDENTITY_TASK);
  await mkdir(dir, { recursive: true });
  const counts = { train: 0, val: 0 };
  for (const split of ['train', 'val'] as const) {
    const rows = [['path', ...IDENTITY_ATTRIBUTES.map((a) => a.name)].join(';')];
    for (const c of clips) {
      if (c.split !== split) continue;
      rows.push([rel(dir, c.path), ...IDENTITY_ATTRIBUTES.map((a) => a.classes[c.identity[a.name]])].join(';'));
      counts[split]++;
    }
    await atomicWrite(join(dir, `${split}.csv`), [Buffer.from(rows.join('\n') + '\n')]);
  }
  return {
    name: IDENTITY_TASK,
    description:
      'Identity attributes of the main person of every downstream clip (skin, hair, shirt hue, height, build, sleeves): a privacy task.',
    attributes: IDENTITY_ATTRIBUTES.map((a) => ({ name: a.name, classes: [...a.classes], description: a.description })),
    sources: [...sources],
    train: rel(out, join(dir, 'train.csv')),
    val: rel(out, join(dir, 'val.csv')),
    clips: counts,
  };
}

interface IndexTask {
  name: string;
  classes: string[];
  train: string;
  val: string;
}

interface IndexHead {
  seed: number;
  width: number;
  height: number;
  frames: number;
  fps: number;
  tasks: IndexTask[];
}

async function readIndexHead(file: string): Promise<IndexHead> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new ManifestError(file, `cannot read the benchmark index: ${(e as Error).message}`, { cause: e });
  }
  const idx = raw as Partial<IndexHead> & { format?: unknown };
  if (idx.format !== 'ppma-synth-benchmark' || !Array.isArray(idx.tasks))
    throw new ManifestError(file, 'not a ppma-synth-benchmark index (no "format" or "tasks")');
  for (const k of ['seed', 'width', 'height', 'frames', 'fps'] as const)
    if (typeof idx[k] !== 'number') throw new ManifestError(file, `"${k}" must be a number`);
  return idx as IndexHead;
}

/** The clips of one split of a generated task, from its PPMA CSV (`<relpath>;<label>` rows in generation order). */
async function plannedClips(file: string, head: IndexHead, t: IndexTask, split: SynthSplit): Promise<IdentityClip[]> {
  const ds = DOWNSTREAM_TASKS.find((d) => d.name === t.name);
  if (!ds) throw new ManifestError(file, `task "${t.name}" is not a dataset of @ppma/synth`);
  const csv = resolve(dirname(file), split === 'train' ? t.train : t.val);
  const lines = (await readFile(csv, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  const perClass = new Map<number, number>();
  return lines.map((line) => {
    const [path, label] = line.split(';');
    const ci = Number(label);
    if (!Number.isInteger(ci) || !ds.classes[ci]) throw new ManifestError(csv, `bad label in "${line}"`);
    const k = perClass.get(ci) ?? 0;
    perClass.set(ci, k + 1);
    const spec = planClip(ds, head, head.seed, split, ci, k);
    return { split, path: resolve(dirname(csv), path), identity: clipIdentity(spec) };
  });
}

/**
 * Writes the identity privacy task for a benchmark generated earlier (its `index.json` or folder),
 * into `out` (default: the benchmark's folder), without touching any existing file of the benchmark.
 * @returns the task's entry, paths relative to `out`.
 * @throws ManifestError naming the index or manifest when it cannot be read.
 */
export async function labelIdentities(indexFileOrDir: string, out?: string): Promise<BenchmarkPrivacyEntry> {
  const p = resolve(indexFileOrDir);
  const file = existsSync(p) && statSync(p).isDirectory() ? join(p, 'index.json') : p;
  const head = await readIndexHead(file);
  const clips: IdentityClip[] = [];
  for (const t of head.tasks)
    for (const split of ['train', 'val'] as const) clips.push(...(await plannedClips(file, head, t, split)));
  return writeIdentityTask(
    resolve(out ?? dirname(file)),
    clips,
    head.tasks.map((t) => t.name),
  );
}
