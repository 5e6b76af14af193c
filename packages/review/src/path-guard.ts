/**
 * The review server's path guard: a request may name a file inside the output folder only. The
 * URL path is percent-decoded once, then refused when it holds a NUL byte, a backslash or an
 * absolute path, when it normalises to a place outside the folder (`..`, `%2e%2e`), or when its
 * real path (symlinks resolved) leaves the folder.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The outcome of {@link resolveInside}: the real file, or the HTTP status and reason of a refusal. */
export type GuardResult =
  | { readonly ok: true; readonly file: string }
  | { readonly ok: false; readonly status: 400 | 403 | 404; readonly reason: string };

const refuse = (status: 400 | 403 | 404, reason: string): GuardResult => ({ ok: false, status, reason });

/** True when `p` is `root` or below it (both absolute and normalised). */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/**
 * Resolves `encoded` (a percent-encoded path relative to `root`, as it stands in the URL) to a
 * regular file inside `root`, or says why not: 400 for malformed encoding or NUL bytes, 403 for
 * anything that points outside `root`, 404 for a missing file or a folder.
 */
export function resolveInside(root: string, encoded: string): GuardResult {
  let rel: string;
  try {
    rel = decodeURIComponent(encoded);
  } catch {
    return refuse(400, 'malformed percent-encoding');
  }
  if (rel.includes('\0')) return refuse(400, 'NUL byte in path');
  if (rel.includes('\\')) return refuse(403, 'backslash in path');
  if (path.isAbsolute(rel) || /^[a-zA-Z]:/.test(rel)) return refuse(403, 'absolute path');
  const base = path.resolve(root);
  const target = path.resolve(base, rel);
  if (!isInside(base, target) || target === base) return refuse(403, 'outside the output folder');
  let real: string;
  let realBase: string;
  try {
    realBase = fs.realpathSync(base);
    real = fs.realpathSync(target);
  } catch {
    return refuse(404, 'no such file');
  }
  if (!isInside(realBase, real)) return refuse(403, 'a symlink leads outside the output folder');
  if (!fs.statSync(real).isFile()) return refuse(404, 'not a file');
  return { ok: true, file: real };
}
