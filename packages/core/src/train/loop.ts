/**
 * The training loop every stage uses (MAE pre-training, alignment, fine-tuning, linear probing).
 *
 * One straight loop, nanoGPT-style: prepare the batch, compute loss and gradients, clip, step the
 * optimizer, log, checkpoint. Resuming restores parameters, optimizer state and the step count;
 * the per-step and per-epoch random streams are derived from (seed, step) and (seed, epoch), so a
 * resumed run replays exactly the batches and masks the uninterrupted run would have drawn, and
 * ends with bit-identical weights.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { InterruptedError, NonFiniteLossError } from '../errors.js';
import { Rng } from '../rng.js';
import { definedOnly } from '../defined.js';
import { createProgress } from '../progress.js';
import { clipGradNorm } from '../optim/clip-grad-norm.js';
import type { NamedVariables, Optimizer } from '../optim/optimizer.js';
import type { LrSchedule } from '../optim/schedule.js';
import { loadTrainCheckpoint, saveTrainCheckpoint, storedSettings } from './checkpoint.js';
import { assertSameSettings, runSettings } from './run-settings.js';
import { MetricsLog } from './metrics-log.js';
import { acquireFolderLock } from '../run-lock.js';
import { cleanTmpLeftovers, ensureRunFolder } from '../run-folder.js';

/** What the step function receives. */
export interface StepContext {
  /** 0-based index of the step being run. */
  readonly step: number;
  readonly epoch: number;
  readonly stepInEpoch: number;
  readonly lr: number;
  /** Random stream of this step: the same on every run and after resuming. */
  readonly rng: Rng;
  /** Random stream of this epoch (use it for the data order). */
  readonly epochRng: Rng;
}

/** What the step function returns: the loss as a closure so the loop can differentiate it. */
export interface StepPlan {
  /** Computes the scalar loss from the trainable variables (called inside the gradient tape). */
  readonly loss: () => tf.Scalar;
  /** Extra numbers to log for this step (e.g. data-wait time, per-dataset counts). */
  readonly metrics?: Readonly<Record<string, number | string>>;
  /** Frees batch tensors after the step. */
  readonly dispose?: () => void;
}

/** Options of {@link runTraining}. */
export interface TrainingOptions {
  /** Directory for `checkpoint.safetensors` and `metrics.jsonl`. */
  readonly runDir: string;
  /** Trainable variables, by name. Only these receive gradients and are checkpointed. */
  readonly params: NamedVariables;
  readonly optimizer: Optimizer;
  readonly lr: LrSchedule;
  readonly totalSteps: number;
  readonly stepsPerEpoch: number;
  readonly seed: number | string;
  /** Builds one step's loss. */
  readonly step: (ctx: StepContext) => Promise<StepPlan> | StepPlan;
  /** Checkpoint every N steps (and always at the end). Default: once per epoch. */
  readonly checkpointEvery?: number;
  /** Continue from `<runDir>/checkpoint.safetensors` when it exists. */
  readonly resume?: boolean;
  /** Clip gradients to this global norm. */
  readonly clipGradNorm?: number;
  /** Name shown on the progress bar and stored in the checkpoint. */
  readonly label?: string;
  /**
   * Settings that define the run (mask ratio, model config, data, …), stored in the checkpoint and
   * checked on resume together with the seed, length, clipping and learning-rate schedule. When
   * omitted, `metadata` (with JSON values flattened) is checked instead.
   */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Extra safetensors metadata stored with every checkpoint (model config, data, stage). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Called after each epoch; returned numbers are logged with `kind: "epoch"`. */
  readonly onEpochEnd?: (info: {
    epoch: number;
    step: number;
  }) => Promise<Record<string, number> | void> | Record<string, number> | void;
  /** Save and stop cleanly on SIGINT/SIGTERM (the CLI turns this on). */
  readonly handleSignals?: boolean;
  /** Stop (after checkpointing) once this many steps are done — to split work, and for tests. */
  readonly stopAfter?: number;
  /** Show the progress bar. Default true. */
  readonly progress?: boolean;
}

/** What {@link runTraining} returns. */
export interface TrainingResult {
  /** Steps completed in total (including those of earlier runs when resumed). */
  readonly steps: number;
  /** Step the run resumed from, or null. */
  readonly resumedFrom: number | null;
  /** Loss of the last step run in this process (NaN when none ran). */
  readonly lastLoss: number;
  readonly checkpoint: string;
  readonly metricsFile: string;
}

/**
 * Runs (or resumes) a training loop. The run folder is created with its marker, locked against a
 * second process for the whole run (a `FolderLockedError` names the other one), and cleared
 * of `.tmp` files that killed runs left behind.
 */
export async function runTraining(o: TrainingOptions): Promise<TrainingResult> {
  ensureRunFolder(o.runDir, { command: o.label ?? 'train' });
  const lock = acquireFolderLock(o.runDir, { command: `${o.label ?? 'train'}: ${process.argv.slice(1).join(' ')}` });
  try {
    cleanTmpLeftovers(o.runDir, { depth: 0 });
    return await trainLocked(o);
  } finally {
    lock.release();
  }
}

async function trainLocked(o: TrainingOptions): Promise<TrainingResult> {
  const checkpoint = path.join(o.runDir, 'checkpoint.safetensors');
  const metrics = new MetricsLog(path.join(o.runDir, 'metrics.jsonl'));
  const root = new Rng(o.seed);
  const label = o.label ?? 'train';
  const every = o.checkpointEvery ?? o.stepsPerEpoch;
  const settings = runSettings(o);
  const { start, resumedFrom } = await openRun(o, checkpoint, metrics, settings);
  const signals = watchSignals(o.handleSignals ?? false);
  const save = (steps: number) =>
    saveTrainCheckpoint(
      checkpoint,
      o.params,
      o.optimizer,
      { step: steps, seed: o.seed, rng: root.getState(), label, settings },
      o.metadata,
    );

  const end = Math.min(o.totalSteps, o.stopAfter ?? Infinity);
  const bar = createProgress({ label, total: o.totalSteps, start, unit: 'step', enabled: o.progress });
  const grads = gradientStep(o);
  let lastLoss = NaN;
  let saved = start;
  try {
    for (let step = start; step < end; step++) {
      const epoch = Math.floor(step / o.stepsPerEpoch);
      const lr = o.lr(step);
      const t0 = performance.now();
      const plan = await o.step({
        step,
        epoch,
        stepInEpoch: step % o.stepsPerEpoch,
        lr,
        rng: root.split('step', step),
        epochRng: root.split('epoch', epoch),
      });
      const t1 = performance.now();
      const lastGood = saved > 0 ? `${checkpoint} (step ${saved})` : 'none';
      const { loss, gradNorm } = await grads(plan, step, lr, lastGood);
      lastLoss = loss;
      const t2 = performance.now();
      metrics.append({
        kind: 'step',
        step: step + 1,
        epoch,
        lr,
        loss,
        ...definedOnly({ gradNorm }),
        dataSec: (t1 - t0) / 1000,
        computeSec: (t2 - t1) / 1000,
        ...(plan.metrics ?? {}),
      });
      bar.tick(1, { loss, lr });
      const done = step + 1;
      if (done % o.stepsPerEpoch === 0 && o.onEpochEnd) {
        const extra = await o.onEpochEnd({ epoch, step: done });
        if (extra) metrics.append({ kind: 'epoch', step: done, epoch, ...extra });
      }
      if (done % every === 0 || done === end || signals.requested()) {
        await save(done);
        saved = done;
      }
      if (signals.requested())
        throw new InterruptedError(
          `${label}: stopped by a signal after step ${done}; the checkpoint ${checkpoint} is saved, rerun with --resume to continue`,
        );
    }
    if (saved < end) await save(end);
  } finally {
    bar.stop();
    signals.stop();
  }
  return { steps: Math.max(start, end), resumedFrom, lastLoss, checkpoint, metricsFile: metrics.file };
}

/**
 * Resumes from `checkpoint` when asked and it exists (its settings must match, the metrics log is
 * cut back to its step), else starts a fresh run with an empty log. `start` is the first step to run.
 */
async function openRun(
  o: TrainingOptions,
  checkpoint: string,
  metrics: MetricsLog,
  settings: ReturnType<typeof runSettings>,
): Promise<{ start: number; resumedFrom: number | null }> {
  if (o.resume && fs.existsSync(checkpoint)) {
    const stored = await storedSettings(checkpoint);
    if (stored) assertSameSettings(checkpoint, stored, settings);
    const state = await loadTrainCheckpoint(checkpoint, o.params, o.optimizer);
    metrics.truncateAfter(state.step);
    return { start: state.step, resumedFrom: state.step };
  }
  fs.mkdirSync(o.runDir, { recursive: true });
  fs.rmSync(metrics.file, { force: true });
  return { start: 0, resumedFrom: null };
}

/** SIGINT/SIGTERM set a flag the loop reads between steps (when `enabled`), until `stop()`. */
function watchSignals(enabled: boolean): { requested: () => boolean; stop: () => void } {
  let stopRequested = false;
  const onSignal = () => {
    stopRequested = true;
  };
  if (enabled) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  return {
    requested: () => stopRequested,
    stop() {
      if (!enabled) return;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/**
 * The differentiate-clip-apply part of a step: gradients of `plan.loss` for the trainable
 * variables, a `NonFiniteLossError` (naming `lastGood`) on a NaN/Inf loss, optional clipping to a
 * global norm, then the optimizer update. The plan's tensors are freed in every case.
 */
function gradientStep(o: TrainingOptions) {
  const varNames = new Map<string, string>();
  for (const [name, v] of Object.entries(o.params)) varNames.set(v.name, name);
  const varList = Object.values(o.params);
  return async (
    plan: StepPlan,
    step: number,
    lr: number,
    lastGood: string,
  ): Promise<{ loss: number; gradNorm: number | undefined }> => {
    try {
      const { value, grads } = tf.variableGrads(plan.loss, varList);
      const named: Record<string, tf.Tensor> = {};
      for (const [vn, g] of Object.entries(grads)) named[varNames.get(vn) ?? vn] = g;
      const loss = (await value.data())[0];
      value.dispose();
      if (!Number.isFinite(loss)) {
        tf.dispose(Object.values(grads));
        throw new NonFiniteLossError(
          step,
          loss,
          `the last good checkpoint is ${lastGood}; lower the learning rate or check the data`,
        );
      }
      let applied = named;
      let gradNorm: number | undefined;
      if (o.clipGradNorm !== undefined) {
        const clipped = clipGradNorm(named, o.clipGradNorm);
        gradNorm = clipped.norm;
        tf.dispose(Object.values(grads));
        applied = clipped.grads;
      }
      o.optimizer.apply(o.params, applied, lr);
      tf.dispose(Object.values(applied));
      return { loss, gradNorm };
    } finally {
      plan.dispose?.();
    }
  };
}
