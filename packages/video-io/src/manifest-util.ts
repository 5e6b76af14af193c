/** Shared helpers of the manifest readers. */
import { access, readdir } from 'node:fs/promises';
import { extname, isAbsolute, resolve } from 'node:path';
import { ManifestError } from '@ppma/core';
import type { Manifest, ManifestEntry } from './manifest.js';
import { checkDuplicates, readManifestText, resolveEntryPath } from './manifest-strict.js';
import type { StrictManifestOptions } from './manifest-strict.js';

/** File extensions treated as videos when scanning folders. */
export const VIDEO_EXTENSIONS = new Set([
  '.mp4',
  '.avi',
  '.mkv',
  '.webm',
  '.mov',
  '.m4v',
  '.mpg',
  '.mpeg',
  '.flv',
  '.wmv',
  '.3gp',
  '.ogv',
]);

export async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

export async function readText(file: string): Promise<string> {
  return readManifestText(file, 'the annotation file');
}

export async function readJson(file: string): Promise<unknown> {
  const text = await readText(file);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ManifestError(file, `invalid JSON (${(e as Error).message})`, { cause: e });
  }
}

export async function listDir(dir: string): Promise<import('node:fs').Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new ManifestError(dir, 'cannot list the folder', { cause: e });
  }
}

export function isVideoName(name: string): boolean {
  return VIDEO_EXTENSIONS.has(extname(name).toLowerCase());
}

export function absolute(root: string, p: string): string {
  return isAbsolute(p) ? p : resolve(root, p);
}

const collator = new Intl.Collator('en', { numeric: true });
/** Sorted unique names (natural order). */
export function sortedNames(names: Iterable<string>): string[] {
  return [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
export const naturalCompare = collator.compare;

/**
 * Builds a manifest from (path, label id) pairs and a label list, checking ids, duplicates and,
 * when `opts.root` is given, that no path escapes it (unless `opts.allowOutsideRoot`).
 */
export function build(
  file: string,
  labels: string[],
  items: { path: string; label: number; numFrames?: number; line?: number | string }[],
  opts: StrictManifestOptions & { root?: string } = {},
): Manifest {
  const entries = items.map((it): ManifestEntry => {
    const where = it.line === undefined ? '' : typeof it.line === 'number' ? `line ${it.line}: ` : `${it.line}: `;
    if (!Number.isInteger(it.label) || it.label < 0 || it.label >= labels.length)
      throw new ManifestError(file, `${where}label id ${it.label} of ${it.path} outside the ${labels.length} labels`);
    if (opts.root !== undefined) resolveEntryPath(file, opts.root, it.path, it.line, opts);
    return it.numFrames === undefined
      ? { path: it.path, label: it.label, labelName: labels[it.label] }
      : { path: it.path, label: it.label, labelName: labels[it.label], numFrames: it.numFrames };
  });
  checkDuplicates(file, items);
  return { entries, labels };
}

/** Minimal RFC 4180 CSV parser (quotes, escaped quotes, commas in fields). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') q = false;
      else field += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}
