/**
 * `Concat` and `Tile` of float32 tensors on the `native` backend as block copies over the longest
 * contiguous runs (`copyBox`, i.e. memcpy per run), where the cpu kernels walk every element
 * (docs/ARCHITECTURE.md §3). Other dtypes run the cpu kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { allocF32, f32, fallBack, output, sizeOf } from './context.js';
import { copyBox } from './copy-kernels.js';

type Args<I> = { inputs: I; backend: MathBackendCPU; attrs: Record<string, unknown> };

/** `Concat` along `axis`. */
export function nativeConcat(cpu: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args<TensorInfo[]>;
    if (inputs.length === 0 || inputs.some((t) => t.dtype !== 'float32'))
      return fallBack(cpu, args, 'non-float32 inputs', false);
    const axis = tf.util.parseAxisParam(attrs.axis as number, inputs[0].shape)[0];
    const shapes = inputs.map((t) => t.shape);
    tf.backend_util.assertParamsConsistent(shapes, axis);
    const shape = tf.backend_util.computeOutShape(shapes, axis);
    const out = allocF32(sizeOf(shape));
    const at = new Array<number>(shape.length).fill(0);
    const zero = at.slice();
    for (const t of inputs) {
      if (sizeOf(t.shape) > 0) copyBox(f32(backend, t), t.shape, zero, t.shape, out, shape, at);
      at[axis] += t.shape[axis];
    }
    return output(backend, shape, out);
  };
}

/** `Tile` by `reps`: the input copied once per tile position. */
export function nativeTile(cpu: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args<{ x: TensorInfo }>;
    const { x } = inputs;
    const reps = attrs.reps as number[];
    if (x.dtype !== 'float32' || reps.length !== x.shape.length) return fallBack(cpu, args, 'non-float32 input', false);
    const shape = x.shape.map((d, i) => d * reps[i]);
    const out = allocF32(sizeOf(shape));
    if (out.length === 0) return output(backend, shape, out);
    const src = f32(backend, x);
    const zero = new Array<number>(shape.length).fill(0);
    const tiles = sizeOf(reps);
    const pos = zero.slice();
    for (let t = 0; t < tiles; t++) {
      copyBox(
        src,
        x.shape,
        zero,
        x.shape,
        out,
        shape,
        pos.map((p, i) => p * x.shape[i]),
      );
      for (let i = reps.length - 1; i >= 0; i--) {
        if (++pos[i] < reps[i]) break;
        pos[i] = 0;
      }
    }
    return output(backend, shape, out);
  };
}

/** `Pack` (`tf.stack`) along `axis`: each input is one slab of the output. */
export function nativePack(cpu: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args<TensorInfo[]>;
    if (inputs.length === 0 || inputs.some((t) => t.dtype !== 'float32'))
      return fallBack(cpu, args, 'non-float32 inputs', false);
    const inShape = inputs[0].shape;
    if (inputs.some((t) => !tf.util.arraysEqual(t.shape, inShape))) return fallBack(cpu, args, 'shapes differ');
    const axis = tf.util.parseAxisParam(attrs.axis as number, [...inShape, 1])[0];
    const one = [...inShape.slice(0, axis), 1, ...inShape.slice(axis)];
    const shape = [...inShape.slice(0, axis), inputs.length, ...inShape.slice(axis)];
    const out = allocF32(sizeOf(shape));
    const zero = new Array<number>(shape.length).fill(0);
    const at = zero.slice();
    if (out.length > 0) {
      for (const t of inputs) {
        copyBox(f32(backend, t), one, zero, one, out, shape, at);
        at[axis]++;
      }
    }
    return output(backend, shape, out);
  };
}

/** `Unpack` (`tf.unstack`) along `axis`. */
export function nativeUnpack(cpu: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args<{ value: TensorInfo }>;
    const { value } = inputs;
    if (value.dtype !== 'float32') return fallBack(cpu, args, 'non-float32 input', false);
    const axis = tf.util.parseAxisParam(attrs.axis as number, value.shape)[0];
    const size = [...value.shape];
    size[axis] = 1;
    const shape = value.shape.filter((_, i) => i !== axis);
    const src = f32(backend, value);
    const begin = new Array<number>(size.length).fill(0);
    const zero = begin.slice();
    const outs: TensorInfo[] = [];
    for (let i = 0; i < value.shape[axis]; i++) {
      const out = allocF32(sizeOf(shape));
      begin[axis] = i;
      if (out.length > 0) copyBox(src, value.shape, begin, size, out, size, zero);
      outs.push(output(backend, shape, out));
    }
    return outs;
  };
}
