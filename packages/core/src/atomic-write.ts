/**
 * Atomic file writes: write to a temporary file beside the target, fsync it, rename it over the
 * target, then fsync the directory. A reader sees the old file or the new one, never half of one,
 * and a process killed mid-write leaves the old file intact.
 */
import fs from 'node:fs';
import path from 'node:path';
import { IoError } from './errors.js';

let counter = 0;

/** Writes `chunks` to `file` atomically. Creates the parent directory if needed. */
export async function atomicWrite(file: string, chunks: readonly (Uint8Array | string)[]): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${counter++}.tmp`);
  try {
    await fs.promises.mkdir(dir, { recursive: true });
    const fh = await fs.promises.open(tmp, 'w');
    try {
      for (const c of chunks) await fh.write(typeof c === 'string' ? Buffer.from(c, 'utf8') : c);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    throw new IoError(file, `could not write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, {
      cause: e,
    });
  }
  await syncDir(dir);
}

/** Synchronous variant of {@link atomicWrite}, for small files written from synchronous code. */
export function atomicWriteSync(file: string, data: Uint8Array | string): void {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${counter++}.tmp`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    syncDirSync(dir);
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // the folder itself is unusable (e.g. a file where a folder should be): nothing was written
    }
    throw new IoError(file, `could not write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, {
      cause: e,
    });
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await fs.promises.open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Some file systems do not allow fsync on directories; the rename is still atomic.
  }
}

function syncDirSync(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // As in syncDir.
  }
}

/**
 * Publishes a finished temporary file: fsyncs it, renames it over `file`, then fsyncs the folder,
 * so that after a crash `file` is either the old file or the complete new one. For writers that
 * cannot use {@link atomicWrite} (an external process such as ffmpeg wrote `tmp`).
 *
 * @throws IoError naming `file` when the sync or the rename fails.
 */
export async function publishFile(tmp: string, file: string): Promise<void> {
  try {
    const fh = await fs.promises.open(tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.promises.rename(tmp, file);
  } catch (e) {
    throw new IoError(file, `could not publish ${tmp} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, {
      cause: e,
    });
  }
  await syncDir(path.dirname(path.resolve(file)));
}
