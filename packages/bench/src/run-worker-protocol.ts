/**
 * Messages between the benchmark and its run workers (`run-pool.ts`, `run-worker.ts`): the parent
 * sends chains (a model, a task, a mode and its seeds) one at a time; the worker answers one message
 * per run and `chain-done` after the chain's last run, and exits on `exit`.
 */
import type { BackendName } from '@ppma/core';
import type { BenchModel } from './models.js';
import type { RunRecord } from './report/results.js';
import type { BenchMode } from './run-one.js';
import type { BenchSettings } from './settings.js';
import type { TaskSources } from './registry.js';
import type { FeatureEngine } from './features.js';

/** One run of a chain: its place in the benchmark's plan and its seed. */
export interface ChainRun {
  readonly index: number;
  readonly seed: number;
}

/** Runs of one (model, task, mode), done in seed order by one worker (LP seeds share a feature cache). */
export interface RunChain {
  readonly model: BenchModel;
  /** A task name, resolved again in the worker from `sources`. */
  readonly task: string;
  readonly sources: TaskSources;
  readonly root: string;
  readonly mode: BenchMode;
  readonly settings: BenchSettings;
  readonly runs: readonly ChainRun[];
}

/** What the parent sends. */
export interface ChainMessage {
  readonly type: 'chain';
  readonly chain: RunChain;
  readonly out: string;
  readonly resume: boolean;
  readonly engine: FeatureEngine | undefined;
  readonly backend: BackendName;
}

/** What the parent sends: a chain to run, or the end of the work. */
export type ParentMessage = ChainMessage | { readonly type: 'exit' };

/** What the worker answers: one `run` per run, then `chain-done` (`error` ends the chain). */
export type WorkerMessage =
  | { readonly type: 'run'; readonly index: number; readonly record: RunRecord }
  | { readonly type: 'chain-done' }
  | { readonly type: 'error'; readonly index: number; readonly message: string };
