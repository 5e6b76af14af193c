import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  FolderLockedError,
  LOCK_FILE,
  NotARunFolderError,
  RUN_MARKER,
  acquireFolderLock,
  cleanTmpLeftovers,
  ensureRunFolder,
  initBackend,
  isRunFolder,
  removeRunFolder,
  resetRunFolder,
} from '../src/index.js';
import { makeProblem } from './regression-problem.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-runfolder-'));
const children: { kill(s: NodeJS.Signals): boolean }[] = [];

/** A pid that existed a moment ago and is now dead. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

function writeLock(dir: string, pid: number, command: string): void {
  const owner = { pid, host: os.hostname(), command, startedAt: '2026-01-01T00:00:00.000Z' };
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(owner));
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

describe('run folders', () => {
  it('removeRunFolder refuses a folder without the marker, naming it, and deletes nothing', () => {
    const d = tmp();
    fs.writeFileSync(path.join(d, 'thesis.tex'), 'years of work');
    const err = (() => {
      try {
        removeRunFolder(d);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(NotARunFolderError);
    expect((err as NotARunFolderError).code).toBe('PPMA_NOT_A_RUN_FOLDER');
    expect((err as Error).message).toContain(d);
    expect(fs.readFileSync(path.join(d, 'thesis.tex'), 'utf8')).toBe('years of work');
    expect(() => resetRunFolder(d)).toThrow(NotARunFolderError);
    expect(fs.existsSync(path.join(d, 'thesis.tex'))).toBe(true);
  });

  it('marks only folders it creates (or finds empty), and removes or resets marked ones', () => {
    const base = tmp();
    const fresh = path.join(base, 'a', 'b');
    expect(ensureRunFolder(fresh)).toEqual({ created: true, marked: true });
    expect(isRunFolder(fresh)).toBe(true);
    fs.writeFileSync(path.join(fresh, 'metrics.jsonl'), '{}\n');
    resetRunFolder(fresh);
    expect(fs.readdirSync(fresh)).toEqual([RUN_MARKER]);
    removeRunFolder(fresh);
    expect(fs.existsSync(fresh)).toBe(false);
    removeRunFolder(fresh); // missing is fine

    const user = tmp();
    fs.writeFileSync(path.join(user, 'data.csv'), 'x');
    expect(ensureRunFolder(user)).toEqual({ created: false, marked: false });
    expect(isRunFolder(user)).toBe(false);
  });

  it('refuses to remove a run folder locked by another live process', () => {
    const d = tmp();
    ensureRunFolder(d);
    writeLock(d, process.ppid, 'ppma pretrain --out x');
    expect(() => removeRunFolder(d)).toThrow(FolderLockedError);
    expect(fs.existsSync(d)).toBe(true);
  });
});

describe('folder locks', () => {
  it('a second lock on the same folder fails naming the owner; release frees it', () => {
    const d = tmp();
    writeLock(d, process.ppid, 'ppma pipeline --out runs/a');
    let err: unknown;
    try {
      acquireFolderLock(d);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FolderLockedError);
    expect((err as FolderLockedError).code).toBe('PPMA_LOCKED');
    expect((err as Error).message).toContain(`pid ${process.ppid}`);
    expect((err as Error).message).toContain('ppma pipeline --out runs/a');
    expect((err as Error).message).toContain(os.hostname());
    fs.rmSync(path.join(d, LOCK_FILE));
    const lock = acquireFolderLock(d, { command: 'test' });
    expect(() => acquireFolderLock(d)).toThrow(/already in use by this process/);
    lock.release();
    expect(fs.existsSync(path.join(d, LOCK_FILE))).toBe(false);
    acquireFolderLock(d).release();
  });

  it('recovers a stale lock whose pid is dead, and a torn lock file', () => {
    const d = tmp();
    writeLock(d, deadPid(), 'killed run');
    const lock = acquireFolderLock(d, { command: 'new run' });
    expect(JSON.parse(fs.readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    lock.release();
    fs.writeFileSync(path.join(d, LOCK_FILE), '{"pid":12');
    acquireFolderLock(d).release();
  });

  it('two training runs into the same folder: the second fails naming the first process', async () => {
    const d = tmp();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@ppma/source', path.join(here, 'lock-holder.ts'), d],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    const deadline = Date.now() + 30_000;
    while (!fs.existsSync(path.join(d, 'metrics.jsonl')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const p = makeProblem();
    const err = await p.run({ runDir: d }).catch((e: unknown) => e);
    p.dispose();
    expect(err).toBeInstanceOf(FolderLockedError);
    expect((err as FolderLockedError).pid).toBe(child.pid);
    expect((err as Error).message).toContain(`pid ${child.pid}`);
    // The first run's metrics were not removed by the second.
    expect(fs.statSync(path.join(d, 'metrics.jsonl')).size).toBeGreaterThan(0);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // After a kill the lock is stale: a resumed run takes it over.
    const q = makeProblem({ totalSteps: 2 });
    await q.run({ runDir: d, resume: false });
    q.dispose();
    expect(fs.existsSync(path.join(d, LOCK_FILE))).toBe(false);
  });
});

describe('tmp leftovers', () => {
  it('removes the .tmp files of dead writers only', async () => {
    const d = tmp();
    const dead = deadPid();
    const names = {
      atomic: `.checkpoint.safetensors.${dead}.3.tmp`,
      cache: `.clip-0001.bin.${dead}.tmp`,
      encode: `.walk_000.tmp-${dead}-0a1b2c3d.mp4`,
      live: `.checkpoint.safetensors.${process.ppid}.0.tmp`,
      user: 'notes.tmp',
    };
    for (const n of Object.values(names)) fs.writeFileSync(path.join(d, n), 'x');
    fs.mkdirSync(path.join(d, 'sub'));
    fs.writeFileSync(path.join(d, 'sub', names.atomic), 'x');
    const removed = cleanTmpLeftovers(d).map((p) => path.relative(d, p));
    expect(removed.sort()).toEqual([names.atomic, names.cache, names.encode, path.join('sub', names.atomic)].sort());
    expect(fs.readdirSync(d).sort()).toEqual([names.live, names.user, 'sub'].sort());
    // runTraining cleans its own folder on start.
    fs.writeFileSync(path.join(d, names.atomic), 'x');
    const p = makeProblem({ totalSteps: 1 });
    await p.run({ runDir: d });
    p.dispose();
    expect(fs.existsSync(path.join(d, names.atomic))).toBe(false);
  });
});
