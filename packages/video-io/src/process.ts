/**
 * Running ffmpeg/ffprobe child processes so that they are always reaped and their pipes closed,
 * whatever happens (errors, early aborts, consumers that throw).
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

/** What a finished child process produced. */
export interface ProcessResult {
  /** Exit code (null when killed by a signal). */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Everything the process wrote to stdout. */
  stdout: Buffer;
  /** The last ~16 kB of stderr. */
  stderr: string;
  /** Bytes received beyond `expectedBytes` (discarded). */
  extraBytes: number;
}

/** Options of {@link runProcess}. */
export interface RunOptions {
  /** Bytes expected on stdout; when given, stdout is written into one preallocated buffer. */
  expectedBytes?: number;
  /** Data to stream into stdin (closed afterwards); stdin is ignored when absent. */
  stdin?: Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
  /** Kill the process after this many milliseconds. */
  timeoutMs?: number;
}

const STDERR_TAIL = 16_384;
let live = 0;

/** Number of child processes started by this package that have not been reaped yet. */
export function liveProcessCount(): number {
  return live;
}

async function pump(
  dst: NodeJS.WritableStream & { destroyed?: boolean },
  src: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
): Promise<void> {
  for await (const chunk of src) {
    if (dst.destroyed) return;
    const ok = dst.write(chunk);
    if (!ok) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          dst.removeListener('drain', done);
          dst.removeListener('close', done);
          dst.removeListener('error', done);
          resolve();
        };
        dst.on('drain', done);
        dst.on('close', done);
        dst.on('error', done);
      });
    }
  }
  dst.end();
}

/**
 * Runs `bin args`, collecting stdout and the tail of stderr. Resolves once the process has exited
 * AND all its pipes are closed; never rejects for a non-zero exit (callers classify the failure),
 * only when the binary cannot be started or the stdin source throws.
 */
export function runProcess(bin: string, args: readonly string[], opts: RunOptions = {}): Promise<ProcessResult> {
  return new Promise<ProcessResult>((resolve, reject) => {
    let child;
    try {
      child = spawn(bin, args, { stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (e) {
      reject(e);
      return;
    }
    live++;
    const fixed = opts.expectedBytes !== undefined ? Buffer.allocUnsafe(opts.expectedBytes) : undefined;
    let fixedLen = 0;
    const chunks: Buffer[] = [];
    let overflow = 0;
    let stderr = '';
    let spawnError: unknown;
    let stdinError: unknown;
    const out = child.stdout as Readable;
    out.on('data', (b: Buffer) => {
      if (fixed) {
        const n = Math.min(b.length, fixed.length - fixedLen);
        b.copy(fixed, fixedLen, 0, n);
        fixedLen += n;
        overflow += b.length - n;
      } else chunks.push(b);
    });
    (child.stderr as Readable).on('data', (b: Buffer) => {
      stderr += b.toString('utf8');
      if (stderr.length > 2 * STDERR_TAIL) stderr = stderr.slice(-STDERR_TAIL);
    });
    const timer = opts.timeoutMs !== undefined ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', (e) => {
      spawnError = e;
    });
    if (opts.stdin && child.stdin) {
      const stdin = child.stdin;
      stdin.on('error', () => undefined); // EPIPE when ffmpeg exits early; reported through the exit code
      pump(stdin, opts.stdin).catch((e: unknown) => {
        stdinError = e;
        stdin.destroy();
        child.kill('SIGKILL');
      });
    }
    child.on('close', (code, signal) => {
      live--;
      if (timer) clearTimeout(timer);
      if (spawnError !== undefined) return reject(spawnError);
      if (stdinError !== undefined) return reject(stdinError);
      const stdout = fixed ? fixed.subarray(0, fixedLen) : Buffer.concat(chunks);
      resolve({ code, signal, stdout, stderr: stderr.slice(-STDERR_TAIL), extraBytes: overflow });
    });
  });
}
