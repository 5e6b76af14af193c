/**
 * Exclusive locks on output folders (docs/ARCHITECTURE.md §10): a long command that writes into a
 * folder holds `<dir>/.ppma-lock`, created atomically (`O_CREAT | O_EXCL`) with the pid, host,
 * command and start time of its owner. A second command into the same folder fails with a message
 * naming the first; a lock left by a killed process (same host, pid no longer alive) is recovered.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FolderLockedError, IoError } from './errors.js';

/** Name of the lock file inside a locked folder. */
export const LOCK_FILE = '.ppma-lock';

/** What a lock file records about its owner. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  /** ISO 8601 time the lock was taken. */
  readonly startedAt: string;
}

/** A held lock. `release()` is idempotent. */
export interface FolderLock {
  readonly dir: string;
  readonly file: string;
  readonly owner: LockOwner;
  release(): void;
}

/** Options of {@link acquireFolderLock}. */
export interface LockOptions {
  /** What the owner is doing, shown to a second process (e.g. `ppma pretrain --out runs/a`). */
  readonly command?: string;
  /** Let a second call from this same process share the lock (each call needs its own `release()`). */
  readonly reentrant?: boolean;
}

interface Held {
  count: number;
  lock: FolderLock;
}
const held = new Map<string, Held>();
let exitHookInstalled = false;

/** True when a process with this pid exists on this machine. */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads a lock file's owner, or null when it is absent or unreadable (torn by a kill). */
export function readLockOwner(file: string): LockOwner | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid !== 'number' || typeof o.host !== 'string') return null;
    return { pid: o.pid, host: o.host, command: String(o.command ?? '?'), startedAt: String(o.startedAt ?? '?') };
  } catch {
    return null;
  }
}

function describe(owner: LockOwner): string {
  return `pid ${owner.pid} on ${owner.host}, "${owner.command}", started ${owner.startedAt}`;
}

/**
 * Takes the exclusive lock on `dir` (created if missing). A second call from the same process fails
 * too, unless `reentrant` is set.
 *
 * @throws {@link FolderLockedError} when another live process holds the lock.
 */
export function acquireFolderLock(dir: string, opts: LockOptions = {}): FolderLock {
  const abs = path.resolve(dir);
  const mine = held.get(abs);
  if (mine && opts.reentrant) {
    mine.count++;
    return mine.lock;
  }
  if (mine) {
    throw new FolderLockedError(
      abs,
      `is already in use by this process (${describe(mine.lock.owner)}); two runs cannot share an output folder`,
      process.pid,
    );
  }
  try {
    fs.mkdirSync(abs, { recursive: true });
  } catch (e) {
    throw new IoError(abs, `could not create the folder (${(e as NodeJS.ErrnoException).code})`, { cause: e });
  }
  const file = path.join(abs, LOCK_FILE);
  const owner: LockOwner = {
    pid: process.pid,
    host: os.hostname(),
    command: opts.command ?? process.argv.slice(1).join(' '),
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(file, owner)) return register(abs, file, owner);
    let other = readLockOwner(file);
    if (!other && fs.existsSync(file)) {
      // Possibly being written by its owner right now: look again shortly before calling it torn.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
      other = readLockOwner(file);
    }
    if (other && (other.host !== owner.host || pidAlive(other.pid)) && other.pid !== process.pid) {
      throw new FolderLockedError(
        abs,
        `is in use by another process (${describe(other)}); wait for it to finish or choose another output folder` +
          (other.host !== owner.host ? `; if that process is gone, delete ${file}` : ''),
        other.pid,
      );
    }
    // Stale (dead pid on this host, our own pid from an earlier crash, or torn): move it aside
    // atomically so that only one recovering process wins, then try again.
    const aside = `${file}.stale.${process.pid}.${attempt}`;
    try {
      fs.renameSync(file, aside);
      fs.rmSync(aside, { force: true });
    } catch {
      // Another process recovered it first; loop and look again.
    }
  }
  throw new FolderLockedError(
    abs,
    `could not take the lock ${file} (it keeps changing); another process is racing for it`,
  );
}

function tryCreate(file: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new IoError(file, `could not create the lock file (${(e as NodeJS.ErrnoException).code})`, { cause: e });
  }
  try {
    fs.writeSync(fd, JSON.stringify(owner) + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

function register(abs: string, file: string, owner: LockOwner): FolderLock {
  const lock: FolderLock = {
    dir: abs,
    file,
    owner,
    release() {
      const h = held.get(abs);
      if (!h || h.lock !== lock) return;
      if (--h.count > 0) return;
      held.delete(abs);
      const now = readLockOwner(file);
      if (now && now.pid === owner.pid && now.startedAt === owner.startedAt) fs.rmSync(file, { force: true });
    },
  };
  held.set(abs, { count: 1, lock });
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', releaseAllLocks);
  }
  return lock;
}

/** Releases every lock this process holds (called on exit; a SIGKILL leaves a stale lock that the next run recovers). */
export function releaseAllLocks(): void {
  for (const h of [...held.values()]) {
    h.count = 1;
    h.lock.release();
  }
}

/** True when this process holds the lock on `dir`. */
export function holdsFolderLock(dir: string): boolean {
  return held.has(path.resolve(dir));
}
