/**
 * Typing helper for `tf.customGrad`: its declared parameter type mixes inputs and the save
 * function in one rest array, which a function with named parameters cannot satisfy.
 */
import type * as tf from '@tensorflow/tfjs-core';

type GradFunc = Parameters<typeof tf.customGrad>[0];

/** Casts a custom-gradient body with named tensor parameters to the type `tf.customGrad` takes. */
export function asGradFunc<A extends unknown[]>(f: (...args: A) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] }): GradFunc {
  return f as unknown as GradFunc;
}
