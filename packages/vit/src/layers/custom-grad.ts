/**
 * Typing helper for `tf.customGrad`: its declared parameter type mixes inputs and the save
 * function in one rest array, which a function with named parameters cannot satisfy.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { tidy as tfTidy } from '@tensorflow/tfjs-core';

type GradFunc = Parameters<typeof tf.customGrad>[0];

/**
 * Casts a custom-gradient body with named tensor parameters to the type `tf.customGrad` takes, and
 * runs its `gradFunc` inside `tf.tidy`: tfjs calls a custom gradient outside any scope, so without
 * this every temporary of every backward step would live until the whole backward pass ends.
 */
export function asGradFunc<A extends unknown[]>(
  f: (...args: A) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] },
): GradFunc {
  const wrapped = (...args: A) => {
    const r = f(...args);
    return { value: r.value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tfTidy(() => r.gradFunc(dy, saved)) };
  };
  return wrapped as unknown as GradFunc;
}
