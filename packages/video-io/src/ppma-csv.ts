/**
 * The PPMA split format: one `relpath;label` line per video (label = integer id), with the label
 * names in `<csv stem>.labels.txt` or `labels.txt` beside the CSV (one name per line, in id order).
 */
import { access } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { atomicWrite, ManifestError } from '@ppma/core';
import type { Manifest, ManifestEntry } from './manifest.js';
import {
  checkDuplicates,
  implicitLabels,
  parseLabelId,
  readManifestText,
  resolveEntryPath,
} from './manifest-strict.js';
import type { StrictManifestOptions } from './manifest-strict.js';

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

const readText = (file: string): Promise<string> => readManifestText(file);

/** Non-empty, non-comment lines with their 1-based line numbers. */
export function dataLines(text: string): { line: string; n: number }[] {
  return text
    .split(/\r?\n/)
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter((l) => l.line !== '' && !l.line.startsWith('#'));
}

/** Reads a labels file: one name per line, in id order. */
export async function readLabelsFile(file: string): Promise<string[]> {
  return (await readText(file))
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** Options of {@link readPpmaCsv}. */
export interface ReadPpmaCsvOptions extends StrictManifestOptions {
  /** Folder relative paths resolve against, and that no path may escape (default: the CSV's folder). */
  readonly root?: string;
  /** The label map to check ids against (default: the labels file beside the CSV, else `0..max id`). */
  readonly labels?: readonly string[];
}

/**
 * Reads a PPMA `relpath;label` CSV, strictly: integer ids only, within the label map, each path
 * once, none outside the root (unless `allowOutsideRoot`). Without a labels file the names are the
 * ids as text.
 * @throws ManifestError naming the file and line on malformed input.
 */
export async function readPpmaCsv(csvPath: string, opts: ReadPpmaCsvOptions = {}): Promise<Manifest> {
  const dir = dirname(resolve(csvPath));
  const root = resolve(opts.root ?? dir);
  const stem = basename(csvPath, extname(csvPath));
  let labels: string[] | undefined = opts.labels ? [...opts.labels] : undefined;
  for (const f of labels ? [] : [join(dir, `${stem}.labels.txt`), join(dir, 'labels.txt')]) {
    if (await exists(f)) {
      labels = await readLabelsFile(f);
      break;
    }
  }
  const entries: { path: string; label: number; line: number }[] = [];
  for (const { line, n } of dataLines(await readText(csvPath))) {
    const cut = line.lastIndexOf(';');
    const label = cut < 0 ? null : parseLabelId(line.slice(cut + 1).trim());
    if (cut <= 0 || label === null)
      throw new ManifestError(csvPath, `line ${n}: expected "relpath;label" with an integer label, got "${line}"`);
    if (labels && label >= labels.length)
      throw new ManifestError(
        csvPath,
        `line ${n}: label id ${label} is outside the ${labels.length} labels of the label map (ids 0..${labels.length - 1})`,
      );
    const p = resolveEntryPath(csvPath, root, line.slice(0, cut).trim(), n, opts);
    entries.push({ path: p, label, line: n });
  }
  checkDuplicates(csvPath, entries);
  const names = labels ?? implicitLabels(csvPath, entries);
  return {
    entries: entries.map((e): ManifestEntry => ({ path: e.path, label: e.label, labelName: names[e.label] })),
    labels: names,
  };
}

/**
 * Writes `manifest` as a PPMA CSV (paths relative to the CSV's folder, `/`-separated) plus
 * `labels.txt` beside it, both atomically.
 */
export async function writePpmaCsv(manifest: Manifest, csvPath: string): Promise<void> {
  const dir = dirname(resolve(csvPath));
  const lines = manifest.entries.map((e) => {
    if (e.path.includes('\n'))
      throw new ManifestError(csvPath, `path with a newline cannot be written: ${JSON.stringify(e.path)}`);
    if (!Number.isInteger(e.label) || e.label < 0 || e.label >= manifest.labels.length)
      throw new ManifestError(
        csvPath,
        `entry ${e.path} has label ${e.label} outside the ${manifest.labels.length} labels`,
      );
    return `${relative(dir, resolve(e.path)).split(sep).join('/')};${e.label}`;
  });
  for (const name of manifest.labels) {
    if (/[\r\n]/.test(name))
      throw new ManifestError(csvPath, `label name with a newline cannot be written: ${JSON.stringify(name)}`);
  }
  await atomicWrite(join(dir, 'labels.txt'), [Buffer.from(manifest.labels.map((l) => `${l}\n`).join(''))]);
  await atomicWrite(resolve(csvPath), [Buffer.from(lines.map((l) => `${l}\n`).join(''))]);
}
