/**
 * Flags shared by every `ppma` command, as stackable helpers (Nx CLI style), plus the start-up
 * that every command does: pick the compute backend and say which one runs.
 */
import type { Argv } from 'yargs';
import type { BackendInfo } from '@ppma/core';

/** Flags every command accepts. */
export interface CommonOptions {
  /** Machine-readable JSON on stdout instead of human text. */
  readonly json: boolean;
  /** Force a compute backend (`PPMA_BACKEND`). */
  readonly backend: string | undefined;
  /** Threads for backends and native kernels (`PPMA_THREADS`). */
  readonly threads: number | undefined;
  /** Seed of every random choice. */
  readonly seed: number;
}

/** Adds `--json`, `--backend`, `--threads` and `--seed`. */
export function withCommon<T>(y: Argv<T>): Argv<T & CommonOptions> {
  return y
    .option('json', { type: 'boolean', default: false, describe: 'Print machine-readable JSON on stdout' })
    .option('backend', {
      type: 'string',
      describe: 'Compute backend: auto, tfjs-node-gpu, tfjs-node, native, wasm, cpu (default: PPMA_BACKEND, then auto)',
    })
    .option('threads', { type: 'number', describe: 'Compute threads (default: PPMA_THREADS, then the core count)' })
    .option('seed', { type: 'number', default: 0, describe: 'Seed of every random choice' }) as unknown as Argv<
    T & CommonOptions
  >;
}

/**
 * Initialises the backend named by the flags and prints it (to stderr, so `--json` stays clean).
 * `work: 'convolution'` (human removal and its audit) prefers wasm over native in automatic
 * selection, because the native backend runs convolutions on the slow cpu kernels.
 */
export async function startBackend(
  argv: Pick<CommonOptions, 'backend' | 'threads' | 'json'>,
  work: 'training' | 'convolution' = 'training',
): Promise<BackendInfo> {
  const core = await import('@ppma/core');
  const info = await core.initBackend({
    backend: argv.backend === undefined ? undefined : core.parseBackendName(argv.backend),
    threads: argv.threads,
    ...(work === 'convolution' ? { autoOrder: core.CONVOLUTION_BACKENDS } : {}),
  });
  process.stderr.write(`ppma: backend ${core.formatBackend(info)}\n`);
  return info;
}

/** Prints a result: JSON on stdout with `--json`, else the human text. */
export function output(argv: Pick<CommonOptions, 'json'>, json: unknown, human: string): void {
  process.stdout.write(argv.json ? JSON.stringify(json) + '\n' : human.endsWith('\n') ? human : human + '\n');
}
