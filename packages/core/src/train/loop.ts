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
  let start = 0;
  let resumedFrom: number | null = null;
  const settings = runSettings(o);
  if (o.resume && fs.existsSync(checkpoint)) {
    const stored = await storedSettings(checkpoint);
    if (stored) assertSameSettings(checkpoint, stored, settings);
    const state = await loadTrainCheckpoint(checkpoint, o.params, o.optimizer);
    start = state.step;
    resumedFrom = start;
    metrics.truncateAfter(start);
  } else {
    fs.mkdirSync(o.runDir, { recursive: true });
    fs.rmSync(metrics.file, { force: true });
  }

  const varNames = new Map<string, string>();
  for (const [name, v] of Object.entries(o.params)) varNames.set(v.name, name);
  const varList = Object.values(o.params);

  let stopRequested = false;
  const onSignal = () => {
    stopRequested = true;
  };
  if (o.handleSignals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
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
  let lastLoss = NaN;
  let saved = start;
  try {
    for (let step = start; step < end; step++) {
      const epoch = Math.floor(step / o.stepsPerEpoch);
      const stepInEpoch = step % o.stepsPerEpoch;
      const lr = o.lr(step);
      const t0 = performance.now();
      const plan = await o.step({
        step,
        epoch,
        stepInEpoch,
        lr,
        rng: root.split('step', step),
        epochRng: root.split('epoch', epoch),
      });
      const t1 = performance.now();
      let loss: number;
      let gradNorm: number | null = null;
      try {
        const { value, grads } = tf.variableGrads(plan.loss, varList);
        const named: Record<string, tf.Tensor> = {};
        for (const [vn, g] of Object.entries(grads)) named[varNames.get(vn) ?? vn] = g;
        loss = (await value.data())[0];
        value.dispose();
        if (!Number.isFinite(loss)) {
          tf.dispose(Object.values(grads));
          throw new NonFiniteLossError(
            step,
            loss,
            `the last good checkpoint is ${saved > 0 ? `${checkpoint} (step ${saved})` : 'none'}; lower the learning rate or check the data`,
          );
        }
        let applied = named;
        if (o.clipGradNorm !== undefined) {
          const clipped = clipGradNorm(named, o.clipGradNorm);
          gradNorm = clipped.norm;
          tf.dispose(Object.values(grads));
          applied = clipped.grads;
        }
        o.optimizer.apply(o.params, applied, lr);
        tf.dispose(Object.values(applied));
      } finally {
        plan.dispose?.();
      }
      lastLoss = loss;
      const t2 = performance.now();
      metrics.append({
        kind: 'step',
        step: step + 1,
        epoch,
        lr,
        loss,
        ...(gradNorm === null ? {} : { gradNorm }),
        dataSec: (t1 - t0) / 1000,
        computeSec: (t2 - t1) / 1000,
        ...(plan.metrics ?? {}),
      });
      bar.tick(1, { loss, lr });
      const done = step + 1;
      const epochEnded = done % o.stepsPerEpoch === 0;
      if (epochEnded && o.onEpochEnd) {
        const extra = await o.onEpochEnd({ epoch, step: done });
        if (extra) metrics.append({ kind: 'epoch', step: done, epoch, ...extra });
      }
      if (done % every === 0 || done === end || stopRequested) {
        await save(done);
        saved = done;
      }
      if (stopRequested)
        throw new InterruptedError(
          `${label}: stopped by a signal after step ${done}; the checkpoint ${checkpoint} is saved, rerun with --resume to continue`,
        );
    }
    if (saved < end) await save(end);
  } finally {
    bar.stop();
    if (o.handleSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
  return { steps: Math.max(start, end), resumedFrom, lastLoss, checkpoint, metricsFile: metrics.file };
}
