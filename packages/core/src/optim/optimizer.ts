/**
 * The optimizer contract shared by AdamW and SGD: update named `tf.Variable`s in place from named
 * gradients, and expose the state for checkpoints.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** Named trainable variables (PyTorch-style names as keys). */
export type NamedVariables = Readonly<Record<string, tf.Variable>>;
/** Named gradients, keyed like the variables they belong to. */
export type NamedGrads = Readonly<Record<string, tf.Tensor>>;

/** A per-parameter learning-rate multiplier (e.g. layer-wise decay). */
export type LrScale = (name: string) => number;

/** Serialisable optimizer state: tensors plus a few numbers. */
export interface OptimizerState {
  readonly tensors: ReadonlyMap<string, { shape: number[]; data: Float32Array }>;
  readonly scalars: Readonly<Record<string, number>>;
}

/** An optimizer that updates variables in place. */
export interface Optimizer {
  /** Applies one update with learning rate `lr`. Variables without a gradient are left alone. */
  apply(vars: NamedVariables, grads: NamedGrads, lr: number): void;
  /** The state, read back from the backend (for checkpoints). */
  getState(): Promise<OptimizerState>;
  /** Restores a state written by {@link Optimizer.getState}. */
  setState(state: OptimizerState): void;
  /** Frees the state tensors. */
  dispose(): void;
}

/** Default weight-decay filter: decay matrices and conv kernels, not biases, norms or 1-D params. */
export function defaultDecayFilter(name: string, shape: readonly number[]): boolean {
  return shape.length > 1 && !name.endsWith('.bias');
}
