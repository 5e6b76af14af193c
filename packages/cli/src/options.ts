/**
 * Flags shared by every `ppma` command, as stackable helpers (Nx CLI style), plus the start-up
 * that every command does: pick the compute backend and say which one runs.
 */
import type { Argv } from 'yargs';
import { z } from 'zod';
import type { BackendInfo } from '@ppma/core';
import { withFlags } from './flags.js';
import type { FlagValues } from './flags.js';

/** Flags every command accepts (their one declaration; see `flags.ts`). */
export const COMMON_FLAGS = {
  json: z.boolean().default(false).describe('Print machine-readable JSON on stdout'),
  backend: z
    .string()
    .optional()
    .describe('Compute backend: auto, tfjs-node-gpu, tfjs-node, native, wasm, cpu (default: PPMA_BACKEND, then auto)'),
  threads: z.number().optional().describe('Compute threads (default: PPMA_THREADS, then the core count)'),
  seed: z.number().default(0).describe('Seed of every random choice'),
};

/**
 * Flags every command accepts: `json` (machine-readable JSON on stdout), `backend` (force a compute
 * backend, `PPMA_BACKEND`), `threads` (threads of backends and native kernels, `PPMA_THREADS`) and
 * `seed` (seed of every random choice).
 */
export type CommonOptions = FlagValues<typeof COMMON_FLAGS>;

/** Adds `--json`, `--backend`, `--threads` and `--seed`. */
export function withCommon<T>(y: Argv<T>): Argv<T & CommonOptions> {
  return withFlags(y, COMMON_FLAGS);
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
