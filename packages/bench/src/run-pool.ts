/**
 * Runs benchmark chains in child processes, `jobs` at a time (docs/ARCHITECTURE.md §8). Each worker
 * has its own backend on one thread; the parent keeps the plan, the log and the results, which are
 * stored by their place in the plan, so the order never depends on which run finishes first.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BackendName } from '@ppma/core';
import type { FeatureEngine } from './features.js';
import type { RunRecord } from './report/results.js';
import type { ChainMessage, RunChain, WorkerMessage } from './run-worker-protocol.js';

/**
 * Default number of parallel runs: 1. Worker processes are opt-in (`jobs > 1`; more than the
 * machine's cores cannot pay): measured on the embedded benchmark they were not faster yet
 * (each worker decodes its own copy of the evaluation views), and on the native backend their
 * one-thread reductions give probabilities that differ in the last bits from a two-thread run in
 * one process (top-1 was equal). See the package README.
 */
export function defaultJobs(): number {
  return 1;
}

/** Options of {@link runChainsInWorkers}. */
export interface PoolOptions {
  readonly jobs: number;
  readonly out: string;
  readonly resume: boolean;
  readonly engine: FeatureEngine | undefined;
  readonly backend: BackendName;
  /** Called once per finished run, in finishing order. */
  readonly onRun: (index: number, record: RunRecord) => void;
  /** The run's name for error messages, by plan index. */
  readonly nameOf: (index: number) => string;
}

function workerEntry(): { file: string; execArgv: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts'))
    // Running from source (tests): the worker is TypeScript too.
    return {
      file: fileURLToPath(new URL('./run-worker.ts', here)),
      execArgv: ['--import', 'tsx', '--conditions=@ppma/source'],
    };
  return { file: fileURLToPath(new URL('./run-worker.js', here)), execArgv: [] };
}

function runChain(chain: RunChain, o: PoolOptions): Promise<void> {
  const { file, execArgv } = workerEntry();
  const child: ChildProcess = fork(file, [], {
    execArgv,
    env: { ...process.env, PPMA_THREADS: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Set(chain.runs.map((r) => r.index));
  return new Promise((ok, fail) => {
    let failed: Error | undefined;
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'run') {
        pending.delete(m.index);
        o.onRun(m.index, m.record);
      } else failed = new Error(`${o.nameOf(m.index)}: ${m.message}`);
    });
    child.on('error', (e) => (failed ??= e));
    child.on('exit', (code, signal) => {
      if (failed) return fail(failed);
      if (pending.size > 0) {
        const first = Math.min(...pending);
        return fail(new Error(`${o.nameOf(first)}: its worker exited (${signal ?? `code ${code}`}) before finishing`));
      }
      ok();
    });
    const msg: ChainMessage = {
      type: 'chain',
      chain,
      out: o.out,
      resume: o.resume,
      engine: o.engine,
      backend: o.backend,
    };
    child.send(msg);
  });
}

/**
 * Runs `chains` in worker processes, at most `jobs` at once, in plan order. After a failure no new
 * chain starts; the runs in flight finish (their results are stored, so a rerun reuses them) and the
 * first error is thrown, naming its run.
 */
export async function runChainsInWorkers(chains: readonly RunChain[], o: PoolOptions): Promise<void> {
  let next = 0;
  let firstError: unknown;
  const lane = async (): Promise<void> => {
    while (firstError === undefined && next < chains.length) {
      const chain = chains[next++];
      try {
        await runChain(chain, o);
      } catch (e) {
        firstError ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.jobs, chains.length) }, lane));
  if (firstError !== undefined) throw firstError;
}
