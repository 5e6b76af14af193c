/**
 * Running ffmpeg/ffprobe child processes so that they are always reaped and their pipes closed,
 * whatever happens (errors, early aborts, consumers that throw).
 *
 * Children run in their own process group (`detached`), so a Ctrl-C in the terminal (SIGINT to the
 * whole foreground group) reaches only this process: a training loop can finish its step with the
 * clips it was decoding and checkpoint cleanly. Children still running when this process exits are
 * killed. A child stopped by a signal this package did not send is reported as an
 * `InterruptedError`, never as a bad video.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { InterruptedError } from '@ppma/core';

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
const children = new Set<ChildProcess>();
let exitHook = false;
/** Signals that mean "someone stopped the process", not "the input made it crash". */
const STOP_SIGNALS: ReadonlySet<string> = new Set(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGKILL']);

/** Kills every child process this package started that is still running (called on exit). */
export function killChildProcesses(): void {
  for (const c of children) {
    try {
      if (c.pid !== undefined && process.platform !== 'win32') process.kill(-c.pid, 'SIGKILL');
      else c.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

function track(child: ChildProcess): void {
  children.add(child);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', killChildProcesses);
  }
}

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
      child = spawn(bin, args, {
        stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
        windowsHide: true,
        detached: process.platform !== 'win32', // own process group: the terminal's Ctrl-C does not reach it
      });
    } catch (e) {
      reject(e);
      return;
    }
    live++;
    track(child);
    let killedByUs = false;
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
    const timer =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            killedByUs = true;
            child.kill('SIGKILL');
          }, opts.timeoutMs)
        : undefined;
    child.on('error', (e) => {
      spawnError = e;
    });
    if (opts.stdin && child.stdin) {
      const stdin = child.stdin;
      stdin.on('error', () => undefined); // EPIPE when ffmpeg exits early; reported through the exit code
      pump(stdin, opts.stdin).catch((e: unknown) => {
        stdinError = e;
        stdin.destroy();
        killedByUs = true;
        child.kill('SIGKILL');
      });
    }
    child.on('close', (code, signal) => {
      live--;
      children.delete(child);
      if (timer) clearTimeout(timer);
      if (spawnError !== undefined) return reject(spawnError);
      if (stdinError !== undefined) return reject(stdinError);
      if (signal && !killedByUs && STOP_SIGNALS.has(signal)) {
        const name = bin.split(/[\\/]/).pop() ?? bin;
        const input = args.includes('-i') ? ` on ${args[args.indexOf('-i') + 1]}` : '';
        return reject(new InterruptedError(`${name}${input} was stopped by ${signal}; the input is not at fault`));
      }
      const stdout = fixed ? fixed.subarray(0, fixedLen) : Buffer.concat(chunks);
      resolve({ code, signal, stdout, stderr: stderr.slice(-STDERR_TAIL), extraBytes: overflow });
    });
  });
}
