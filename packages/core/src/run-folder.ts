/**
 * Run folders (docs/ARCHITECTURE.md §10): folders PPMA-TS creates for its outputs carry a marker
 * file, `.ppma-run`, written when the folder is created. Destructive operations (`--no-resume`,
 * cleanup) act only on folders with the marker, so a mistyped `--out` can never delete a user's
 * data. Killed runs leave `.tmp` files behind; {@link cleanTmpLeftovers} removes those whose writer
 * is dead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FolderLockedError, IoError, NotARunFolderError } from './errors.js';
import { LOCK_FILE, holdsFolderLock, pidAlive, readLockOwner } from './run-lock.js';

/** Name of the marker file that makes a folder a PPMA-TS run folder. */
export const RUN_MARKER = '.ppma-run';

/** Options of {@link ensureRunFolder}. */
export interface RunFolderOptions {
  /** What created the folder (stored in the marker, e.g. `ppma pipeline`). */
  readonly command?: string;
}

/** What {@link ensureRunFolder} found. */
export interface RunFolderState {
  /** The folder did not exist (or was empty) and is now a marked run folder. */
  readonly created: boolean;
  /** The folder carries the marker (created now or earlier by PPMA-TS). */
  readonly marked: boolean;
}

/** True when `dir` carries the run marker. */
export function isRunFolder(dir: string): boolean {
  try {
    return fs.statSync(path.join(dir, RUN_MARKER)).isFile();
  } catch {
    return false;
  }
}

/**
 * Creates `dir` as a run folder when it is missing or empty (writing the marker). A folder that
 * already has other content and no marker is left unmarked: PPMA-TS may write into it, but will
 * never delete it.
 */
export function ensureRunFolder(dir: string, opts: RunFolderOptions = {}): RunFolderState {
  const abs = path.resolve(dir);
  if (isRunFolder(abs)) return { created: false, marked: true };
  let entries: string[];
  try {
    fs.mkdirSync(abs, { recursive: true });
    entries = fs.readdirSync(abs).filter((e) => e !== LOCK_FILE);
  } catch (e) {
    throw new IoError(abs, `could not create the run folder (${(e as NodeJS.ErrnoException).code})`, { cause: e });
  }
  if (entries.length > 0) return { created: false, marked: false };
  const marker = { createdBy: 'ppma', command: opts.command ?? process.argv.slice(1).join(' '), createdAt: now() };
  fs.writeFileSync(path.join(abs, RUN_MARKER), JSON.stringify(marker) + '\n');
  return { created: true, marked: true };
}

function now(): string {
  return new Date().toISOString();
}

function refuseUnlessOurs(abs: string, what: string): void {
  if (!isRunFolder(abs)) {
    throw new NotARunFolderError(
      abs,
      `refusing to ${what}: it was not created by ppma (no ${RUN_MARKER} marker); delete it yourself or choose another output folder`,
    );
  }
  const owner = readLockOwner(path.join(abs, LOCK_FILE));
  if (owner && owner.pid !== process.pid && pidAlive(owner.pid)) {
    throw new FolderLockedError(
      abs,
      `refusing to ${what}: it is in use by pid ${owner.pid} on ${owner.host} ("${owner.command}", started ${owner.startedAt})`,
      owner.pid,
    );
  }
}

/**
 * Deletes a run folder and everything in it. A missing folder is fine.
 *
 * @throws {@link NotARunFolderError} when the folder has no run marker (it was not made by PPMA-TS).
 * @throws {@link FolderLockedError} when another live process holds its lock.
 */
export function removeRunFolder(dir: string): void {
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs)) return;
  refuseUnlessOurs(abs, 'delete the folder');
  fs.rmSync(abs, { recursive: true, force: true });
}

/**
 * Empties a run folder for a fresh start (`--no-resume`), keeping the folder, its marker and this
 * process's lock. A missing folder is created as a run folder.
 *
 * @throws {@link NotARunFolderError} when the folder has content but no run marker.
 * @throws {@link FolderLockedError} when another live process holds its lock.
 */
export function resetRunFolder(dir: string, opts: RunFolderOptions = {}): void {
  const abs = path.resolve(dir);
  const entries = fs.existsSync(abs) ? fs.readdirSync(abs).filter((e) => e !== LOCK_FILE) : [];
  if (entries.length === 0) {
    ensureRunFolder(abs, opts);
    return;
  }
  refuseUnlessOurs(abs, 'empty the folder');
  const keepLock = holdsFolderLock(abs);
  for (const entry of fs.readdirSync(abs)) {
    if (entry === RUN_MARKER || (keepLock && entry === LOCK_FILE)) continue;
    fs.rmSync(path.join(abs, entry), { recursive: true, force: true });
  }
}

/** Name patterns of the temporary files PPMA-TS writers leave when killed; group 1 is the writer's pid. */
const TMP_PATTERNS: readonly RegExp[] = [
  /^\..+\.(\d+)\.\d+\.tmp$/, // atomicWrite: .<name>.<pid>.<n>.tmp
  /^\..+\.(\d+)\.tmp$/, // clip cache: .<name>.bin.<pid>.tmp
  /^\..+\.tmp-(\d+)-[0-9a-f]+(?:\.[A-Za-z0-9]+)?$/, // encodeVideo: .<stem>.tmp-<pid>-<hex><ext>
  /^\.ppma-lock\.stale\.(\d+)\.\d+$/, // a lock moved aside during recovery
];

/** The writer's pid when `name` is a PPMA-TS temporary file, else null. */
export function tmpWriterPid(name: string): number | null {
  for (const re of TMP_PATTERNS) {
    const m = re.exec(name);
    if (m) return Number(m[1]);
  }
  return null;
}

/**
 * Removes temporary files left in `dir` by killed PPMA-TS writers (files named like the ones
 * {@link atomicWrite}, the clip cache and `encodeVideo` write, whose pid is no longer alive).
 * Files of live writers and all other files are left alone. Returns the paths removed.
 *
 * @param opts.depth how many folder levels below `dir` to visit (default 2).
 */
export function cleanTmpLeftovers(dir: string, opts: { depth?: number } = {}): string[] {
  const removed: string[] = [];
  const visit = (d: string, depth: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (depth > 0) visit(p, depth - 1);
        continue;
      }
      if (!e.isFile()) continue;
      const pid = tmpWriterPid(e.name);
      if (pid === null || pid === process.pid || pidAlive(pid)) continue;
      fs.rmSync(p, { force: true });
      removed.push(p);
    }
  };
  visit(path.resolve(dir), opts.depth ?? 2);
  return removed;
}
