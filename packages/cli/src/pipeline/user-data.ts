/**
 * The user's own pre-training data (docs/ARCHITECTURE.md §6, §13): each dataset of the config's
 * `datasets` is read in its manifest format, every video is probed (the checks of `ppma data
 * validate`), and the usable split is written as a PPMA CSV in the data stage's folder for the
 * stages after it. A bad dataset stops the pipeline here, before any training, in one line that
 * names the file and the problem.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { definedOnly, ManifestError } from '@ppma/core';
import type { Manifest, ValidationReport } from '@ppma/video-io';
import type { DatasetConfig, DatasetSplitSpec, TaskSpec } from './config.js';

/** The two pre-training datasets of the config. */
export interface UserDatasets {
  readonly real: DatasetConfig;
  readonly synthetic: DatasetConfig;
  /** The No-Human set `ppma remove-humans` made from `real` beforehand. */
  readonly noHuman?: DatasetSplitSpec;
}

/** What validation found in one split. */
export interface SplitCheck {
  /** `real`, `real.val`, `synthetic`, `synthetic.val`, or `tasks.<name>.train|val`. */
  readonly name: string;
  /** The annotation file (or the root, for folder formats). */
  readonly source: string;
  readonly videos: number;
  readonly usable: number;
  readonly classes: number;
  readonly problems: ValidationReport['problems'];
}

/** The annotation file (or folder) a split is read from, for messages. */
export function splitSource(s: DatasetSplitSpec): string {
  return path.resolve(s.annotations ?? s.root);
}

/** Reads a split in its format (every format `ppma data list` reads). */
export async function readSplit(s: DatasetSplitSpec): Promise<Manifest> {
  const { readManifest } = await import('@ppma/video-io');
  return readManifest({
    format: s.format,
    root: s.root,
    ...definedOnly({ annotations: s.annotations, split: s.split, fold: s.fold }),
  });
}

/** Probes every video of a manifest, as `ppma data validate` does. */
export async function checkManifest(name: string, source: string, m: Manifest): Promise<SplitCheck> {
  const { validateManifest } = await import('@ppma/video-io');
  const r = await validateManifest(m, { concurrency: 2 });
  return { name, source, videos: m.entries.length, usable: r.ok, classes: m.labels.length, problems: r.problems };
}

/**
 * The one-line refusal of a split that cannot be trained on: no videos, fewer than 2 classes, or
 * unreadable videos (the first one named, with `ppma data validate`'s reason).
 * @throws ManifestError naming the file and the problem.
 */
export function refuseBadSplit(c: SplitCheck): void {
  if (c.videos === 0) throw new ManifestError(c.source, `${c.name}: lists no videos`);
  if (c.classes < 2) throw new ManifestError(c.source, `${c.name}: has ${c.classes} class; training needs at least 2`);
  const p = c.problems[0];
  if (p)
    throw new ManifestError(
      p.path,
      `${c.name} (${c.source}): ${p.reason}${c.problems.length > 1 ? ` (and ${c.problems.length - 1} more unreadable videos)` : ''}`,
    );
}

/** Reads and checks every split of `datasets`; throws on the first bad one. */
export async function checkDatasets(datasets: UserDatasets): Promise<{ checks: SplitCheck[]; manifests: Manifest[] }> {
  const checks: SplitCheck[] = [];
  const manifests: Manifest[] = [];
  for (const [name, spec] of splitsOf(datasets)) {
    let m: Manifest;
    try {
      m = await readSplit(spec);
    } catch (e) {
      if (e instanceof ManifestError) throw e;
      throw new ManifestError(splitSource(spec), `${name}: ${(e as Error).message}`, { cause: e });
    }
    const c = await checkManifest(name, splitSource(spec), m);
    refuseBadSplit(c);
    checks.push(c);
    manifests.push(m);
  }
  return { checks, manifests };
}

function splitsOf(d: UserDatasets): [string, DatasetSplitSpec][] {
  const out: [string, DatasetSplitSpec][] = [];
  for (const k of ['real', 'synthetic'] as const) {
    const { val, ...train } = d[k];
    out.push([k, train]);
    if (val) out.push([`${k}.val`, val]);
  }
  if (d.noHuman) out.push(['noHuman', d.noHuman]);
  return out;
}

/**
 * Writes a manifest as a PPMA CSV under `dir/<name>/`, reaching the videos through a link to the
 * dataset root (`dir/<name>/root`), so the readers' inside-the-root check holds without copying.
 */
async function writeLinked(m: Manifest, root: string, dir: string, name: string): Promise<string> {
  const { writePpmaCsv } = await import('@ppma/video-io');
  const base = path.join(dir, name);
  fs.mkdirSync(base, { recursive: true });
  const link = path.join(base, 'root');
  fs.rmSync(link, { force: true });
  fs.symlinkSync(path.resolve(root), link, 'dir');
  const entries = m.entries.map((e) => ({ ...e, path: path.join(link, path.relative(path.resolve(root), e.path)) }));
  const file = path.join(base, 'train.csv');
  await writePpmaCsv({ ...m, entries }, file);
  return file;
}

/** The data stage's result for user datasets: PPMA CSVs of each split and what validation found. */
export interface UserDataResult {
  readonly realTrain: string;
  readonly realVal: string | null;
  readonly synthTrain: string;
  readonly synthVal: string | null;
  /** The given No-Human set, when the removal ran beforehand. */
  readonly noHumanTrain: string | null;
  readonly checks: readonly SplitCheck[];
}

/** Checks the user's datasets and writes their PPMA CSVs into `dir`. */
export async function prepareUserData(datasets: UserDatasets, dir: string): Promise<UserDataResult> {
  const { checks, manifests } = await checkDatasets(datasets);
  const files = new Map<string, string>();
  let k = 0;
  for (const [name, spec] of splitsOf(datasets))
    files.set(name, await writeLinked(manifests[k++], spec.root, dir, name));
  return {
    realTrain: files.get('real') as string,
    realVal: files.get('real.val') ?? null,
    synthTrain: files.get('synthetic') as string,
    synthVal: files.get('synthetic.val') ?? null,
    noHumanTrain: files.get('noHuman') ?? null,
    checks,
  };
}

/**
 * Hashes an annotation file, or the small text files (split lists, CSV, JSON) of an annotation
 * folder and its first level of subfolders.
 */
function hashAnnotations(h: crypto.Hash, p: string | undefined): void {
  if (p === undefined) return;
  const walk = (dir: string, depth: number) => {
    const st = fs.statSync(dir, { throwIfNoEntry: false });
    if (!st) return void h.update(`${dir}\0missing\0`);
    if (st.isFile()) return void h.update(`${dir}\0`).update(fs.readFileSync(dir));
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const f = path.join(dir, e.name);
      if (e.isFile() && /\.(txt|csv|json|tsv)$/i.test(e.name)) h.update(`${f}\0`).update(fs.readFileSync(f));
      else if (e.isDirectory() && depth > 0) walk(f, depth - 1);
    }
  };
  walk(path.resolve(p), 1);
}

/**
 * Content key of the user's datasets (docs/ARCHITECTURE.md §10): each annotation file's bytes and
 * the size and modification time of every video it lists, and the tasks' split files, so data
 * changed in place starts over.
 */
export async function userDataKey(datasets: UserDatasets, tasks: readonly TaskSpec[] = []): Promise<string> {
  const h = crypto.createHash('sha256');
  for (const t of tasks) hashAnnotations(h, t.annotations ?? t.root);
  for (const [name, spec] of splitsOf(datasets)) {
    h.update(`${name}\0`);
    const src = splitSource(spec);
    if (fs.existsSync(src) && fs.statSync(src).isFile()) h.update(fs.readFileSync(src));
    let m: Manifest;
    try {
      m = await readSplit(spec);
    } catch {
      continue; // unreadable: the data stage refuses it, naming the file
    }
    for (const e of m.entries) {
      const s = fs.statSync(e.path, { throwIfNoEntry: false });
      h.update(`${e.path}\0${e.label}\0${s ? `${s.size}\0${s.mtimeMs}` : 'missing'}\0`);
    }
  }
  return h.digest('hex').slice(0, 16);
}
