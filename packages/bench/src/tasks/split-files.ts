/**
 * Shared loaders for the built-in tasks: read a train/val pair of annotation files with the
 * `@ppma/video-io` manifest readers, and subset/relabel a manifest to a class list.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ManifestError } from '@ppma/core';
import { readManifest, type Manifest, type ManifestFormat } from '@ppma/video-io';

/** The first of `names` that exists in `dir`, or undefined. */
export function firstExisting(dir: string, names: readonly string[]): string | undefined {
  for (const n of names) if (existsSync(join(dir, n))) return join(dir, n);
  return undefined;
}

/**
 * Reads `<annDir>/train.csv` + `val.csv` (PPMA `relpath;label`, `test.csv` accepted for val) or
 * `train.txt` + `val.txt` (VideoMAE `path label`); videos resolve against `root`.
 */
export async function readSplitFiles(
  root: string,
  annDir: string,
  what: string,
): Promise<{ train: Manifest; val: Manifest }> {
  const pick = async (split: 'train' | 'val'): Promise<Manifest> => {
    const names = split === 'train' ? ['train'] : ['val', 'test'];
    for (const [ext, format] of [
      ['csv', 'ppma-csv'],
      ['txt', 'videomae'],
    ] as const satisfies readonly (readonly [string, ManifestFormat])[]) {
      const file = firstExisting(
        annDir,
        names.map((n) => `${n}.${ext}`),
      );
      if (file) return readManifest({ format, root, annotations: file, split });
    }
    throw new ManifestError(
      annDir,
      `${what}: no ${split} split file (${names.map((n) => `${n}.csv or ${n}.txt`).join(', ')})`,
    );
  };
  return { train: await pick('train'), val: await pick('val') };
}

/**
 * Keeps the entries whose label name is in `classes` and renumbers them in the order of `classes`
 * (e.g. Mini-SSV2's 87 templates out of SSv2's 174).
 * @throws ManifestError when a listed class never occurs in the labels of `m`.
 */
export function subsetClasses(m: Manifest, classes: readonly string[], source: string): Manifest {
  const norm = (s: string): string => s.replace(/[[\]]/g, '').trim().toLowerCase();
  const ids = new Map(classes.map((c, i) => [norm(c), i]));
  const known = new Set(m.labels.map(norm));
  const absent = classes.filter((c) => !known.has(norm(c)));
  if (absent.length)
    throw new ManifestError(
      source,
      `${absent.length} listed class(es) are not in the dataset's labels, e.g. "${absent[0]}"`,
    );
  const entries = m.entries.flatMap((e) => {
    const id = ids.get(norm(e.labelName));
    return id === undefined ? [] : [{ ...e, label: id, labelName: classes[id] }];
  });
  return { entries, labels: [...classes] };
}
