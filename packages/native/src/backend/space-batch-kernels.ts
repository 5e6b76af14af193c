/**
 * `SpaceToBatchND` and `BatchToSpaceND` of the `native` backend (the dilated convolutions of
 * converted TF graphs, e.g. RVM, run through them): the cpu backend's composition of pad, reshape,
 * transpose and slice, with the native pad, transpose and slice kernels in place of the JS ones.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/** The kernels the composition runs (the native ones, and the cpu `Reshape`, which copies nothing). */
export interface SpaceBatchParts {
  readonly pad: KernelFunc;
  readonly transpose: KernelFunc;
  readonly slice: KernelFunc;
  readonly reshape: KernelConfig;
}

interface SpaceBatchArgs {
  inputs: { x: TensorInfo };
  backend: MathBackendCPU;
  attrs: { blockShape: number[]; paddings?: [number, number][]; crops?: [number, number][] };
}

type Call = (f: KernelFunc, x: TensorInfo, attrs: object) => TensorInfo;

function caller(backend: MathBackendCPU): Call {
  return (f, x, attrs) => f({ inputs: { x }, backend, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
}

/** `SpaceToBatchND`: pad the spatial dims, then move the block offsets into the batch. */
export function nativeSpaceToBatch(parts: SpaceBatchParts): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as SpaceBatchArgs;
    const { x } = inputs;
    const { blockShape } = attrs;
    const call = caller(backend);
    const prod = sizeOfBlock(blockShape);
    const paddings: [number, number][] = [[0, 0], ...(attrs.paddings ?? [])];
    while (paddings.length < x.shape.length) paddings.push([0, 0]);
    const padded = call(parts.pad, x, { paddings, constantValue: 0 });
    const shape1 = tf.backend_util.getReshaped(padded.shape, blockShape, prod, false);
    const perm = tf.backend_util.getPermuted(shape1.length, blockShape.length, false);
    const shape2 = tf.backend_util.getReshapedPermuted(padded.shape, blockShape, prod, false);
    const r1 = call(parts.reshape.kernelFunc, padded, { shape: shape1 });
    const t = call(parts.transpose, r1, { perm });
    const result = call(parts.reshape.kernelFunc, t, { shape: shape2 });
    for (const i of [padded, r1, t]) backend.disposeIntermediateTensorInfo(i);
    return result;
  };
}

/** `BatchToSpaceND`: move the block offsets back out of the batch, then crop. */
export function nativeBatchToSpace(parts: SpaceBatchParts): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as SpaceBatchArgs;
    const { x } = inputs;
    const { blockShape } = attrs;
    const crops = attrs.crops ?? blockShape.map((): [number, number] => [0, 0]);
    const call = caller(backend);
    const prod = sizeOfBlock(blockShape);
    const shape1 = tf.backend_util.getReshaped(x.shape, blockShape, prod);
    const perm = tf.backend_util.getPermuted(shape1.length, blockShape.length);
    const shape2 = tf.backend_util.getReshapedPermuted(x.shape, blockShape, prod);
    const begin = tf.backend_util.getSliceBeginCoords(crops, blockShape.length);
    const size = tf.backend_util.getSliceSize(shape2, crops, blockShape.length);
    const r1 = call(parts.reshape.kernelFunc, x, { shape: shape1 });
    const t = call(parts.transpose, r1, { perm });
    const r2 = call(parts.reshape.kernelFunc, t, { shape: shape2 });
    const result = call(parts.slice, r2, { begin, size });
    for (const i of [r1, t, r2]) backend.disposeIntermediateTensorInfo(i);
    return result;
  };
}

function sizeOfBlock(blockShape: readonly number[]): number {
  return blockShape.reduce((a, b) => a * b, 1);
}
