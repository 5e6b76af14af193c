/**
 * Compute-backend selection (docs/ARCHITECTURE.md §3).
 *
 * Order when nothing is forced: `tfjs-node-gpu` (when it resolves and a GPU is present), then
 * `tfjs-node`, then `native` (our C++ kernels, @ppma/native), then `wasm` (SIMD, with the
 * OpenBLAS matmuls when built), then `cpu`. `--backend` or `PPMA_BACKEND` forces one; a forced
 * backend that is not installed is an error, not a fallback.
 */
import fs from 'node:fs';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
// The tfjs-core Node build registers no gradients; the union package registers all of them (into the
// global registry that tfjs-core reads), which every training stage needs.
import '@tensorflow/tfjs';
import { match } from 'ts-pattern';
import { BackendUnavailableError } from './errors.js';
import { BACKENDS } from './backend-types.js';
import type { BackendExtension, BackendInfo, BackendName, BackendOptions } from './backend-types.js';
import { nativeAccelerator, startNativeBackend } from './native-accelerator.js';

export { BACKENDS, CONVOLUTION_BACKENDS } from './backend-types.js';
export type { BackendName, BackendInfo, BackendOptions, BackendExtension } from './backend-types.js';

// Built in: the optional OpenBLAS matmul kernels for wasm (@ppma/native).
const extensions: BackendExtension[] = [nativeAccelerator];
let current: BackendInfo | null = null;

/** Registers a {@link BackendExtension}; it runs on the next {@link initBackend}. */
export function registerBackendExtension(ext: BackendExtension): void {
  extensions.push(ext);
}

/** Parses a backend name, as given to `--backend` or `PPMA_BACKEND`. */
export function parseBackendName(value: string): BackendName | 'auto' {
  const v = value.trim().toLowerCase();
  if (v === 'auto' || v === '') return 'auto';
  const aliases: Record<string, BackendName> = {
    node: 'tfjs-node',
    'node-gpu': 'tfjs-node-gpu',
    gpu: 'tfjs-node-gpu',
    tensorflow: 'tfjs-node',
  };
  const name = (aliases[v] ?? v) as BackendName;
  if (!(BACKENDS as readonly string[]).includes(name)) {
    throw new BackendUnavailableError(`unknown backend "${value}"; expected one of auto, ${BACKENDS.join(', ')}`);
  }
  return name;
}

function defaultThreads(): number {
  const env = Number(process.env.PPMA_THREADS);
  if (Number.isInteger(env) && env > 0) return env;
  return Math.max(1, os.availableParallelism());
}

function gpuPresent(): boolean {
  return fs.existsSync('/dev/nvidia0') || fs.existsSync('/proc/driver/nvidia/version');
}

async function importOptional(specifier: string): Promise<unknown> {
  // A variable specifier keeps bundlers and tsc from insisting that optional peers are installed.
  return import(specifier);
}

/** Tries to activate one backend; resolves to its info or throws with the reason. */
type Tried = Omit<BackendInfo, 'skipped' | 'accelerator'> & { readonly gemm?: string };

async function tryBackend(name: BackendName, threads: number): Promise<Tried> {
  return match(name)
    .with('tfjs-node-gpu', async () => {
      if (!gpuPresent()) throw new Error('no NVIDIA GPU found (/dev/nvidia0)');
      await importOptional('@tensorflow/tfjs-node-gpu');
      if (!(await tf.setBackend('tensorflow'))) throw new Error('tfjs-node-gpu did not register a backend');
      return { name, tfBackend: 'tensorflow', threads, simd: null };
    })
    .with('tfjs-node', async () => {
      await importOptional('@tensorflow/tfjs-node');
      if (!(await tf.setBackend('tensorflow'))) throw new Error('tfjs-node did not register a backend');
      return { name, tfBackend: 'tensorflow', threads, simd: null };
    })
    .with('native', async () => {
      const { gemm, threads: used } = await startNativeBackend(threads);
      if (!(await tf.setBackend('native'))) throw new Error('the native backend failed to initialise');
      return { name, tfBackend: 'native', threads: used, simd: null, gemm };
    })
    .with('wasm', async () => {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setThreadsCount(threads);
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
      await tf.ready();
      const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      return { name, tfBackend: 'wasm', threads: wasm.getThreadsCount(), simd };
    })
    .with('cpu', async () => {
      await import('@tensorflow/tfjs-backend-cpu');
      if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise');
      return { name, tfBackend: 'cpu', threads: 1, simd: null };
    })
    .exhaustive();
}

function reason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0];
}

/**
 * Picks and initialises the compute backend. Safe to call more than once: a later call with the
 * same request returns the current backend; a different request switches.
 */
export async function initBackend(options: BackendOptions = {}): Promise<BackendInfo> {
  const requested = options.backend ?? parseBackendName(process.env.PPMA_BACKEND ?? 'auto');
  const threads = options.threads ?? defaultThreads();
  const order = options.autoOrder ?? BACKENDS;
  const reuse = requested === current?.name || (requested === 'auto' && options.autoOrder === undefined);
  if (current && reuse && options.threads === undefined) return current;
  const skipped: string[] = [];
  const candidates: readonly BackendName[] = requested === 'auto' ? order : [requested];
  for (const name of candidates) {
    try {
      const { gemm, ...base } = await tryBackend(name, threads);
      let accelerator: string | null = gemm ?? null;
      for (const ext of extensions) accelerator = (await ext({ name, threads })) ?? accelerator;
      current = { ...base, accelerator, skipped };
      return current;
    } catch (e) {
      if (requested !== 'auto') {
        throw new BackendUnavailableError(
          `backend "${name}" was requested (--backend or PPMA_BACKEND) but is unavailable: ${reason(e)}` +
            (name.startsWith('tfjs-node') ? `; install it with "npm install @tensorflow/${name}"` : ''),
          { cause: e },
        );
      }
      skipped.push(`${name}: ${reason(e)}`);
    }
  }
  throw new BackendUnavailableError(`no compute backend could be initialised (${skipped.join('; ')})`);
}

/** The backend in use. Throws when {@link initBackend} has not run. */
export function describeBackend(): BackendInfo {
  if (!current) throw new BackendUnavailableError('no backend initialised yet: call initBackend() first');
  return current;
}

/**
 * One line for logs: e.g. `native (OpenBLAS 0.3.21, 2 threads)`, `native (own GEMM AVX-512, 2
 * threads)`, `wasm (SIMD, 1 thread)` or `wasm+blas (OpenBLAS 0.3.21, 2 threads, SIMD)`.
 */
export function formatBackend(info: BackendInfo): string {
  const parts: string[] = [];
  if (info.accelerator) parts.push(info.accelerator);
  if (info.simd) parts.push('SIMD');
  // A wasm accelerator label carries its own thread count (`OpenBLAS 0.3.21, 2 threads`).
  if (!info.accelerator || info.name === 'native') parts.push(`${info.threads} thread${info.threads === 1 ? '' : 's'}`);
  const name = info.accelerator && info.name === 'wasm' ? 'wasm+blas' : info.name;
  return `${name} (${parts.join(', ')})`;
}
