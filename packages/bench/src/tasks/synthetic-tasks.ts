/**
 * The embedded mini-benchmark's downstream tasks (docs/ARCHITECTURE.md §9) as task plugins: `@ppma/synth`'s
 * `generateBenchmark` writes an `index.json` listing each task with its class names, its
 * scene-object bias and its PPMA CSV manifests; every listed task becomes a {@link TaskPlugin}.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ManifestError, definedOnly } from '@ppma/core';
import { readManifest, type Manifest } from '@ppma/video-io';
import { defineTask, type TaskPlugin } from '../task.js';

/** One task entry of the benchmark `index.json` (the fields this reader understands). */
export interface SynthTaskEntry {
  readonly name: string;
  /** Class names in label-id order (or their number). */
  readonly classes?: readonly string[] | number;
  readonly sceneObjectBias?: number;
  readonly description?: string;
  /** Train and validation CSVs, relative to the index file (`train`/`val`, `test` accepted, or under `manifests` / `splits`). */
  readonly train?: string;
  readonly val?: string;
  readonly test?: string;
  readonly manifests?: { readonly train?: string; readonly val?: string; readonly test?: string };
  readonly splits?: { readonly train?: string; readonly val?: string; readonly test?: string };
  /** Folder the CSV paths resolve against (default: the CSV's folder, else the index's). */
  readonly root?: string;
  /** Protocol hints: frame stride and whether flips keep the label. */
  readonly stride?: number;
  readonly hflip?: boolean;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

async function readCsv(csv: string, root: string | undefined, indexDir: string): Promise<Manifest> {
  const m = await readManifest({ format: 'ppma-csv', root: root ?? dirname(csv), annotations: csv });
  if (root !== undefined || m.entries.length === 0 || existsSync(m.entries[0].path)) return m;
  const alt = await readManifest({ format: 'ppma-csv', root: indexDir, annotations: csv });
  return existsSync(alt.entries[0].path) ? alt : m;
}

function taskFromEntry(e: SynthTaskEntry, indexFile: string): TaskPlugin {
  const dir = dirname(indexFile);
  const pick = (k: 'train' | 'val'): string => {
    const rel =
      k === 'train'
        ? (e.train ?? e.manifests?.train ?? e.splits?.train)
        : (e.val ?? e.test ?? e.manifests?.val ?? e.manifests?.test ?? e.splits?.val ?? e.splits?.test);
    if (typeof rel !== 'string') throw new ManifestError(indexFile, `task "${e.name}" has no ${k} manifest`);
    return resolve(dir, rel);
  };
  const trainCsv = pick('train');
  const valCsv = pick('val');
  const root = e.root === undefined ? undefined : resolve(dir, e.root);
  return defineTask({
    name: e.name,
    classes: e.classes ?? 2,
    ...definedOnly({ sceneObjectBias: e.sceneObjectBias }),
    description: e.description ?? `synthetic task from ${indexFile}`,
    defaults: definedOnly({ stride: e.stride, hflip: e.hflip }),
    load: async () => ({ train: await readCsv(trainCsv, root, dir), val: await readCsv(valCsv, root, dir) }),
  });
}

/**
 * Reads a benchmark `index.json` (or the folder holding it) written by `@ppma/synth` and returns
 * its downstream tasks, in the order listed. Tasks that do not list their classes get them from
 * their train manifest's labels.
 * @throws ManifestError naming the index file when it is missing or malformed.
 */
export async function syntheticTasks(indexFileOrDir: string): Promise<TaskPlugin[]> {
  const p = resolve(indexFileOrDir);
  const file = existsSync(p) && statSync(p).isDirectory() ? join(p, 'index.json') : p;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new ManifestError(file, `cannot read the benchmark index: ${(e as Error).message}`, { cause: e });
  }
  const top = asRecord(raw);
  const list = top?.tasks ?? top?.downstream ?? top?.downstreamTasks;
  const items: unknown[] = Array.isArray(list)
    ? list
    : asRecord(list)
      ? Object.entries(asRecord(list) ?? {}).map(([name, v]) => ({ name, ...asRecord(v) }))
      : [];
  if (items.length === 0) throw new ManifestError(file, 'no downstream tasks ("tasks" array) in the benchmark index');
  const tasks: TaskPlugin[] = [];
  for (const [i, it] of items.entries()) {
    const e = asRecord(it) as SynthTaskEntry | undefined;
    if (!e || typeof e.name !== 'string') throw new ManifestError(file, `task ${i} has no name`);
    let task = taskFromEntry(e, file);
    if (e.classes === undefined) {
      const { train } = await task.load(dirname(file));
      task = { ...task, classes: train.labels };
    }
    tasks.push(task);
  }
  return tasks;
}
