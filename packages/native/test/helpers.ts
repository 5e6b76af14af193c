// Shared helpers of the @ppma/native tests: a seeded generator, and a reference matmul computed on
// the tfjs `cpu` backend from explicitly broadcast inputs and unfused ops.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';

/** mulberry32: a small seeded generator, so failures reproduce. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform values in [-1, 1). */
export function randomArray(rand: () => number, shape: readonly number[]): Float32Array {
  const n = shape.reduce((p, d) => p * d, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rand() * 2 - 1;
  return out;
}

/** One matmul request, as `tf.matMul` / `tf.fused.matMul` take it. */
export interface MatMulCase {
  a: number[];
  b: number[];
  transA: boolean;
  transB: boolean;
  bias?: number[];
  activation?: 'linear' | 'relu' | 'relu6' | 'leakyrelu' | 'sigmoid' | 'elu';
  alpha?: number;
}

export interface CaseData {
  a: Float32Array;
  b: Float32Array;
  bias?: Float32Array;
}

/** Runs the case with tfjs ops on the current backend (fused when it has a bias or activation). */
export function runCase(c: MatMulCase, d: CaseData): { shape: number[]; values: Float32Array } {
  return tf.tidy(() => {
    const a = tf.tensor(d.a, c.a);
    const b = tf.tensor(d.b, c.b);
    const fused = c.bias !== undefined || (c.activation !== undefined && c.activation !== 'linear');
    const y = fused
      ? tf.fused.matMul({
          a,
          b,
          transposeA: c.transA,
          transposeB: c.transB,
          bias: c.bias && d.bias ? tf.tensor(d.bias, c.bias) : undefined,
          activation: c.activation ?? 'linear',
          leakyreluAlpha: c.alpha,
        })
      : tf.matMul(a, b, c.transA, c.transB);
    // dataSync outside of the returned value: a TypedArray returned from tidy is walked elementwise.
    return { shape: y.shape, values: y.dataSync() as Float32Array };
  });
}

/**
 * The reference on the `cpu` backend: batch dims broadcast explicitly with `tf.broadcastTo`
 * (the cpu kernel's own batch broadcast only covers equal or size-1 batch products), then an
 * unfused matmul, bias add and activation. Call with the cpu backend active.
 */
export function referenceCase(c: MatMulCase, d: CaseData): { shape: number[]; values: Float32Array } {
  return tf.tidy(() => {
    let a: tf.Tensor = tf.tensor(d.a, c.a);
    let b: tf.Tensor = tf.tensor(d.b, c.b);
    const outer = tf.broadcast_util.assertAndGetBroadcastShape(c.a.slice(0, -2), c.b.slice(0, -2));
    a = tf.broadcastTo(a, [...outer, ...c.a.slice(-2)]);
    b = tf.broadcastTo(b, [...outer, ...c.b.slice(-2)]);
    let y = tf.matMul(a, b, c.transA, c.transB);
    if (c.bias && d.bias) y = tf.add(y, tf.tensor(d.bias, c.bias));
    switch (c.activation ?? 'linear') {
      case 'relu':
        y = tf.relu(y);
        break;
      case 'relu6':
        y = tf.clipByValue(y, 0, 6);
        break;
      case 'leakyrelu':
        y = tf.leakyRelu(y, c.alpha ?? 0.2);
        break;
      case 'sigmoid':
        y = tf.sigmoid(y);
        break;
      case 'elu':
        y = tf.elu(y);
        break;
      default:
        break;
    }
    return { shape: y.shape, values: y.dataSync() as Float32Array };
  });
}

/** max |x - ref| / max |ref| (norm-wise relative error; 0 when both are all zero). */
export function relError(x: Float32Array, ref: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(x[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  if (Number.isNaN(diff)) return Infinity;
  return scale === 0 ? diff : diff / scale;
}

/** Makes the random inputs of a case. */
export function caseData(c: MatMulCase, rand: () => number): CaseData {
  return {
    a: randomArray(rand, c.a),
    b: randomArray(rand, c.b),
    bias: c.bias ? randomArray(rand, c.bias) : undefined,
  };
}

/** Switches to wasm (awaiting its initialisation). */
export async function useWasm(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
}

/** Switches to cpu. */
export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}
