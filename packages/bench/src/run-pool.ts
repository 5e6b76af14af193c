/**
 * Runs benchmark chains in `jobs` child processes (docs/ARCHITECTURE.md §8). Each worker lives for
 * the whole benchmark and has its own backend on one thread; the parent keeps the plan, the log and the results, which are
 * stored by their place in the plan, so the order never depends on which run finishes first.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BackendName } from '@ppma/core';
import type { FeatureEngine } from './features.js';
import type { RunRecord } from './report/results.js';
import { match } from 'ts-pattern';
import type { ChainMessage, ParentMessage, RunChain, WorkerMessage } from './run-worker-protocol.js';

/**
 * Default number of parallel runs of `runBenchmark`: 1. Worker processes are opt-in (`jobs > 1`),
 * because each holds its own model and views: on small models two one-thread workers finished the
 * embedded benchmark about 1.26x faster than one two-thread process (package README), but for a
 * ViT-B at batch 32 a worker per core would multiply the memory. The pipeline's tiny preset asks
 * for 2.
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

/** A worker process for the whole benchmark: chains go in one at a time. */
interface Worker {
  run(chain: RunChain): Promise<void>;
  close(): void;
}

function startWorker(o: PoolOptions): Worker {
  const { file, execArgv } = workerEntry();
  const child: ChildProcess = fork(file, [], {
    execArgv,
    env: { ...process.env, PPMA_THREADS: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // The chain in flight: its unfinished runs and how to settle it.
  let current: { pending: Set<number>; ok: () => void; fail: (e: Error) => void } | undefined;
  let exited: Error | undefined;
  const settle = (e?: Error): void => {
    const c = current;
    current = undefined;
    if (c && e) c.fail(e);
    else c?.ok();
  };
  child.on('message', (m: WorkerMessage) => {
    match(m)
      .with({ type: 'run' }, (r) => {
        current?.pending.delete(r.index);
        o.onRun(r.index, r.record);
      })
      .with({ type: 'chain-done' }, () => settle())
      .with({ type: 'error' }, (r) => settle(new Error(`${o.nameOf(r.index)}: ${r.message}`)))
      .exhaustive();
  });
  child.on('error', (e) => settle(e));
  child.on('exit', (code, signal) => {
    const pending = current?.pending;
    exited = new Error(`a benchmark worker exited (${signal ?? `code ${code}`})`);
    if (pending && pending.size > 0) {
      const first = Math.min(...pending);
      settle(new Error(`${o.nameOf(first)}: its worker exited (${signal ?? `code ${code}`}) before finishing`));
    } else settle(exited);
  });
  return {
    run: (chain) =>
      new Promise((ok, fail) => {
        if (exited) return fail(exited);
        current = { pending: new Set(chain.runs.map((r) => r.index)), ok, fail };
        const msg: ChainMessage = {
          type: 'chain',
          chain,
          out: o.out,
          resume: o.resume,
          engine: o.engine,
          backend: o.backend,
        };
        child.send(msg);
      }),
    close: () => {
      if (!exited && child.connected) child.send({ type: 'exit' } satisfies ParentMessage);
    },
  };
}

/**
 * The next chain for a worker that has decoded the views of `mine`: a chain of one of its tasks,
 * else one of a task no worker has started (so each task's views are decoded by as few workers as
 * possible), else the first one left.
 */
export function pickChain(left: readonly RunChain[], mine: ReadonlySet<string>, started: ReadonlySet<string>): number {
  const own = left.findIndex((c) => mine.has(c.task));
  if (own >= 0) return own;
  const fresh = left.findIndex((c) => !started.has(c.task));
  return fresh >= 0 ? fresh : 0;
}

/**
 * Runs `chains` in `jobs` worker processes that live for the whole call, each taking chains one at
 * a time ({@link pickChain}: a worker keeps to the tasks whose views it has decoded). After a failure
 * no new chain starts; the runs in flight finish (their results are stored, so a rerun reuses them)
 * and the first error is thrown, naming its run.
 */
export async function runChainsInWorkers(chains: readonly RunChain[], o: PoolOptions): Promise<void> {
  const left = [...chains];
  const started = new Set<string>();
  let firstError: unknown;
  const lane = async (): Promise<void> => {
    const worker = startWorker(o);
    const mine = new Set<string>();
    try {
      while (firstError === undefined && left.length > 0) {
        const [chain] = left.splice(pickChain(left, mine, started), 1);
        mine.add(chain.task);
        started.add(chain.task);
        try {
          await worker.run(chain);
        } catch (e) {
          firstError ??= e;
        }
      }
    } finally {
      worker.close();
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.jobs, chains.length) }, lane));
  if (firstError !== undefined) throw firstError;
}
