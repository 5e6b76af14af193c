/**
 * Reading every dataset manifest format of docs/ARCHITECTURE.md §6 into one typed {@link Manifest}. Label ids
 * are 0-based; each format's official convention decides the order (see README "Label ids").
 */
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ManifestError } from '@ppma/core';
import { match } from 'ts-pattern';
import type { Manifest } from './manifest.js';
import { readDiving48, readHmdb51, readKinetics, readSsv2, readUcf101 } from './manifest-official.js';
import { build, exists, isVideoName, listDir, naturalCompare, readText, sortedNames } from './manifest-util.js';
import { dataLines, readLabelsFile, readPpmaCsv } from './ppma-csv.js';
import { implicitLabels, parseLabelId, resolveEntryPath } from './manifest-strict.js';
import type { StrictManifestOptions } from './manifest-strict.js';

/** The manifest formats {@link readManifest} understands. */
export const MANIFEST_FORMATS = [
  'ppma-csv',
  'videomae',
  'rawframes',
  'ucf101',
  'hmdb51',
  'ssv2',
  'kinetics',
  'diving48',
  'folders',
] as const;
/** One manifest format name. */
export type ManifestFormat = (typeof MANIFEST_FORMATS)[number];
/** Dataset split. */
export type Split = 'train' | 'val' | 'test';

/** Options of {@link readManifest}. */
export interface ReadManifestOptions {
  format: ManifestFormat;
  /** Dataset folder: videos resolve against it. */
  root: string;
  /** Annotation file or folder (defaults per format, see README). */
  annotations?: string;
  /** Split (default `'train'`). */
  split?: Split;
  /** UCF101 / HMDB51 official split number 1-3 (default 1). */
  fold?: 1 | 2 | 3;
  /** Accept entries whose path lies outside `root` (default: refused, naming the file and line). */
  allowOutsideRoot?: boolean;
}

async function labelsBeside(file: string): Promise<string[] | undefined> {
  const dir = dirname(file);
  for (const f of [join(dir, `${basename(file, extname(file))}.labels.txt`), join(dir, 'labels.txt')]) {
    if (await exists(f)) return readLabelsFile(f);
  }
  return undefined;
}

/** `path label` (VideoMAE) or `frame_dir num_frames label` (rawframes) list files; integer label ids. */
async function readIdList(
  file: string,
  root: string,
  withFrames: boolean,
  strict: StrictManifestOptions,
): Promise<Manifest> {
  const items: { path: string; label: number; numFrames?: number; line: number }[] = [];
  for (const { line, n } of dataLines(await readText(file))) {
    const parts = line.split(/\s+/);
    const need = withFrames ? 3 : 2;
    const label = parseLabelId(parts[parts.length - 1]);
    const frames = withFrames ? parseLabelId(parts[parts.length - 2]) : 0;
    if (parts.length < need || label === null || frames === null) {
      throw new ManifestError(
        file,
        `line ${n}: expected "${withFrames ? 'frame_dir num_frames label' : 'path label'}" with integer numbers, got "${line}"`,
      );
    }
    const p = resolveEntryPath(file, root, parts.slice(0, parts.length - need + 1).join(' '), n, strict);
    items.push(withFrames ? { path: p, label, numFrames: frames, line: n } : { path: p, label, line: n });
  }
  const labels = (await labelsBeside(file)) ?? implicitLabels(file, items);
  return build(file, labels, items);
}

/** A folder per class: `<root>/<class>/<video file or frame folder>`; ids in sorted class order. */
async function readFolders(root: string): Promise<Manifest> {
  const classes = sortedNames(
    (await listDir(root)).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name),
  );
  if (classes.length === 0) throw new ManifestError(root, 'no class folders');
  const items: { path: string; label: number }[] = [];
  for (const [id, cls] of classes.entries()) {
    const dir = join(root, cls);
    const names = (await listDir(dir))
      .filter((d) => !d.name.startsWith('.') && (d.isDirectory() || (d.isFile() && isVideoName(d.name))))
      .map((d) => d.name)
      .sort(naturalCompare);
    for (const name of names) items.push({ path: join(dir, name), label: id });
  }
  return build(root, classes, items);
}

/**
 * Reads a dataset split in any supported format. Paths in the result are absolute.
 * @throws ManifestError naming the annotation file (and line) on malformed or missing annotations.
 */
export async function readManifest(opts: ReadManifestOptions): Promise<Manifest> {
  const root = resolve(opts.root);
  const split: Split = opts.split ?? 'train';
  const fold = opts.fold ?? 1;
  const ann = opts.annotations === undefined ? undefined : resolve(opts.annotations);
  const listFile = ann ?? join(root, `${split}.csv`);
  const strict: StrictManifestOptions & { root: string } = { root, allowOutsideRoot: opts.allowOutsideRoot };
  return match(opts.format)
    .with('ppma-csv', () => readPpmaCsv(listFile, { root, allowOutsideRoot: opts.allowOutsideRoot }))
    .with('videomae', () => readIdList(listFile, root, false, strict))
    .with('rawframes', async () => readIdList(ann ?? join(root, `${split}.txt`), root, true, strict))
    .with('ucf101', async () =>
      readUcf101(
        root,
        ann ?? ((await exists(join(root, 'ucfTrainTestlist'))) ? join(root, 'ucfTrainTestlist') : root),
        split,
        fold,
        strict,
      ),
    )
    .with('hmdb51', async () =>
      readHmdb51(
        root,
        ann ??
          ((await exists(join(root, 'testTrainMulti_7030_splits'))) ? join(root, 'testTrainMulti_7030_splits') : root),
        split,
        fold,
        strict,
      ),
    )
    .with('ssv2', () => readSsv2(root, ann ?? root, split, strict))
    .with('kinetics', () => readKinetics(root, ann ?? join(root, `${split}.csv`), strict))
    .with('diving48', () => readDiving48(root, ann ?? root, split, strict))
    .with('folders', async () =>
      readFolders((await exists(join(root, split))) && opts.split !== undefined ? join(root, split) : root),
    )
    .exhaustive();
}
