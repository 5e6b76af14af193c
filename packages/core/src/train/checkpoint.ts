/**
 * Training checkpoints: parameters, optimizer state, step and RNG in one safetensors file, written
 * atomically. Parameter tensors are `param.<name>`, optimizer tensors `optim.<key>`, and the run
 * state is JSON under the `ppma.train` metadata key.
 */
import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '../errors.js';
import { FLOAT_DTYPES, readSafetensors, readSafetensorsHeader, toFloat32, writeSafetensors } from '../safetensors.js';
import type { RngState } from '../rng.js';
import type { RunSettings } from './run-settings.js';
import type { NamedVariables, Optimizer } from '../optim/optimizer.js';

/** The run state stored with a checkpoint. */
export interface TrainState {
  /** Optimizer steps completed. */
  readonly step: number;
  readonly seed: number | string;
  readonly rng: RngState;
  readonly optimizer: Readonly<Record<string, number>>;
  /** Free-form description of the run (stage, data, config). */
  readonly label: string;
  /** The settings the run was started with (absent in checkpoints written before they were stored). */
  readonly settings?: RunSettings;
}

/** Writes a training checkpoint atomically. */
export async function saveTrainCheckpoint(
  file: string,
  params: NamedVariables,
  optimizer: Optimizer,
  state: Omit<TrainState, 'optimizer'>,
  metadata: Readonly<Record<string, string>> = {},
): Promise<void> {
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, v] of Object.entries(params))
    tensors.set(`param.${name}`, { shape: [...v.shape], data: (await v.data()) as Float32Array });
  const opt = await optimizer.getState();
  for (const [k, t] of opt.tensors) tensors.set(`optim.${k}`, t);
  const full: TrainState = { ...state, optimizer: opt.scalars };
  await writeSafetensors(file, tensors, { ...metadata, 'ppma.train': JSON.stringify(full) });
}

/** Loads a training checkpoint into `params` and `optimizer`; returns the stored run state. */
export async function loadTrainCheckpoint(
  file: string,
  params: NamedVariables,
  optimizer: Optimizer,
): Promise<TrainState> {
  const { tensors, metadata } = await readSafetensors(file, { dtypes: FLOAT_DTYPES });
  const raw = metadata['ppma.train'];
  if (!raw) throw new CheckpointError(file, 'not a training checkpoint (no ppma.train metadata)');
  let state: TrainState;
  try {
    state = JSON.parse(raw) as TrainState;
  } catch (e) {
    throw new CheckpointError(file, 'the ppma.train metadata is not valid JSON', { cause: e });
  }
  if (!Number.isSafeInteger(state.step) || state.step < 0)
    throw new CheckpointError(file, `ppma.train.step is ${JSON.stringify(state.step)}, not a step count`);
  for (const [name, v] of Object.entries(params)) {
    const t = tensors.get(`param.${name}`);
    if (!t) throw new CheckpointError(file, `has no parameter "${name}"; was it written by a different model?`);
    if (t.shape.length !== v.shape.length || t.shape.some((d, i) => d !== v.shape[i])) {
      throw new CheckpointError(
        file,
        `parameter "${name}" has shape [${t.shape.join(',')}], the model expects [${v.shape.join(',')}]`,
      );
    }
    tf.tidy(() => v.assign(tf.tensor(toFloat32(t), [...t.shape], 'float32')));
  }
  const opt = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [k, t] of tensors)
    if (k.startsWith('optim.')) opt.set(k.slice(6), { shape: [...t.shape], data: toFloat32(t) });
  optimizer.setState({ tensors: opt, scalars: state.optimizer });
  return state;
}

/** True when a checkpoint file exists. */
export function checkpointExists(file: string): boolean {
  return fs.existsSync(file);
}

/** The settings stored in a training checkpoint's header, or null when it predates them. Reads only the header. */
export async function storedSettings(file: string): Promise<RunSettings | null> {
  const h = await readSafetensorsHeader(file);
  const raw = h.metadata['ppma.train'];
  if (!raw) throw new CheckpointError(file, 'not a training checkpoint (no ppma.train metadata)');
  let state: Partial<TrainState>;
  try {
    state = JSON.parse(raw) as Partial<TrainState>;
  } catch (e) {
    throw new CheckpointError(file, 'the ppma.train metadata is not valid JSON', { cause: e });
  }
  return state.settings && typeof state.settings === 'object' ? state.settings : null;
}
