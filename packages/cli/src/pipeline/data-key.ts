/**
 * The content key of a user's benchmark folder (docs/ARCHITECTURE.md §10): the data stage is cached by
 * what the data is, not by its path, so data regenerated in place starts the pipeline over. The
 * key hashes `index.json` and every file it lists, and the size and modification time of every
 * other file under the folder (videos are not read).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ManifestError } from '@ppma/core';

function walk(dir: string, out: string[]): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
}

/** The index file of `data` (a folder with `index.json`, or the file itself). */
export function indexFileOf(data: string): string {
  return path.resolve(data, data.endsWith('.json') ? '' : 'index.json');
}

/** SHA-256 (16 hex characters) of a benchmark folder's content. */
export function dataContentKey(data: string): string {
  const index = indexFileOf(data);
  const root = path.dirname(index);
  let files: string[] = [];
  try {
    walk(root, files);
  } catch (e) {
    throw new ManifestError(root, `cannot read the data folder (${(e as NodeJS.ErrnoException).code})`, { cause: e });
  }
  files = files.sort();
  const h = crypto.createHash('sha256');
  for (const f of files) {
    const rel = path.relative(root, f);
    if (f === index || /\.(json|csv|txt)$/i.test(f)) h.update(`${rel}\0`).update(fs.readFileSync(f)).update('\0');
    else {
      const s = fs.statSync(f);
      h.update(`${rel}\0${s.size}\0${s.mtimeMs}\0`);
    }
  }
  return h.digest('hex').slice(0, 16);
}
