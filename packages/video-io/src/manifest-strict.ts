/**
 * The strict rules every manifest reader applies (docs/ARCHITECTURE.md §6 "Manifests"):
 *
 * - label ids are plain decimal integers (`a.mp4;` is not label 0, `0x3` and `1e1` are not numbers);
 * - without a label map the class list is `0..max id`, so the max id is bounded by
 *   {@link MAX_IMPLICIT_CLASSES}: the cost of parsing is bounded by the file, not by a number in it;
 * - a path may appear only once;
 * - paths may not escape the dataset root (`../x`, `/etc/passwd`) unless the caller allows it.
 *
 * Every error is a `ManifestError` naming the file and the line.
 */
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ManifestError } from '@ppma/core';

/** Most classes a manifest may imply without a labels file naming them. */
export const MAX_IMPLICIT_CLASSES = 10_000;

/** Options shared by the manifest readers. */
export interface StrictManifestOptions {
  /** Accept entries whose path lies outside the dataset root (absolute paths elsewhere, `../`). */
  readonly allowOutsideRoot?: boolean;
}

/** A plain decimal label id (at most 9 digits), or null for anything else (`''`, `0x3`, `1e1`, `-1`, `1.0`). */
export function parseLabelId(text: string): number | null {
  return /^\d{1,9}$/.test(text) ? Number(text) : null;
}

/** `where` for messages: `line 3` or the entry description. */
function at(line: number | string | undefined): string {
  return line === undefined ? '' : typeof line === 'number' ? `line ${line}: ` : `${line}: `;
}

/**
 * The label names when no labels file names them: `'0'..String(maxId)`.
 * @throws ManifestError when `maxId` would imply more than {@link MAX_IMPLICIT_CLASSES} classes.
 */
export function implicitLabels(file: string, items: readonly { label: number; line?: number | string }[]): string[] {
  let max = -1;
  let where: number | string | undefined;
  for (const it of items)
    if (it.label > max) {
      max = it.label;
      where = it.line;
    }
  if (max >= MAX_IMPLICIT_CLASSES)
    throw new ManifestError(
      file,
      `${at(where)}label id ${max} would make ${max + 1} classes; without a labels file ids must be below ${MAX_IMPLICIT_CLASSES} (add labels.txt naming every class)`,
    );
  return Array.from({ length: max + 1 }, (_, i) => String(i));
}

/** True when `p` (absolute) lies inside `root` (absolute). */
export function insideRoot(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Resolves a manifest path against the dataset root, refusing one that escapes it unless allowed.
 * @throws ManifestError naming the file and line.
 */
export function resolveEntryPath(
  file: string,
  root: string,
  raw: string,
  line: number | string | undefined,
  opts: StrictManifestOptions,
): string {
  if (raw === '') throw new ManifestError(file, `${at(line)}empty path`);
  if (raw.includes('\0')) throw new ManifestError(file, `${at(line)}path contains a NUL byte`);
  const abs = isAbsolute(raw) ? resolve(raw) : resolve(root, raw);
  if (!opts.allowOutsideRoot && !insideRoot(resolve(root), abs))
    throw new ManifestError(
      file,
      `${at(line)}path "${raw}" lies outside the dataset root ${resolve(root)}; move the data under the root, or allow it explicitly (allowOutsideRoot, --allow-outside-root)`,
    );
  return abs;
}

/**
 * Refuses a path listed twice, naming both lines.
 * @throws ManifestError naming the file and the lines.
 */
export function checkDuplicates(file: string, items: readonly { path: string; line?: number | string }[]): void {
  const seen = new Map<string, number | string | undefined>();
  for (const it of items) {
    if (seen.has(it.path)) {
      const first = seen.get(it.path);
      throw new ManifestError(
        file,
        `${at(it.line)}${it.path} is listed twice${first === undefined ? '' : ` (first at ${typeof first === 'number' ? `line ${first}` : first})`}; remove the duplicate`,
      );
    }
    seen.set(it.path, it.line);
  }
}

/**
 * Reads a manifest or annotation file as text, checking first that it is a regular file: a FIFO
 * would block the read forever, a folder gives a bare EISDIR.
 * @throws ManifestError naming the file.
 */
export async function readManifestText(file: string, what = 'the file'): Promise<string> {
  let st;
  try {
    st = await stat(file);
  } catch (e) {
    throw new ManifestError(
      file,
      `cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      {
        cause: e,
      },
    );
  }
  if (st.isDirectory()) throw new ManifestError(file, `${what} is a folder, not a file`);
  if (!st.isFile())
    throw new ManifestError(file, `${what} is ${st.isFIFO() ? 'a FIFO (named pipe)' : 'not a regular file'}`);
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new ManifestError(
      file,
      `cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      {
        cause: e,
      },
    );
  }
}
