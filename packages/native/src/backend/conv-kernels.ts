/**
 * `Conv2D`, `FusedConv2D`, `DepthwiseConv2dNative` and `FusedDepthwiseConv2D` of the `native`
 * backend (docs/ARCHITECTURE.md §3): NHWC convolutions in the addon (`native/conv.cc`: im2col and
 * our packed GEMM, or a direct depthwise loop), with the bias and activation fused. NCHW, bias or
 * PReLU weights that are not one value per output channel, and non-float32 inputs run the cpu
 * kernel. `Conv2DBackpropInput` (the transposed convolution, NHWC float32). `MaxPool` and `AvgPool`
 * (average over the window's pixels inside the input, as tfjs).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { addon, allocF32, allFloat32, f32, fallBack, output, sizeOf } from './context.js';

/** Activation codes of `native/conv.cc` (tfjs-backend-wasm's FusableActivation numbering). */
const CONV_ACTIVATIONS: Readonly<Record<string, number>> = {
  linear: 0,
  relu: 1,
  relu6: 2,
  prelu: 3,
  leakyrelu: 4,
  sigmoid: 5,
  elu: 6,
};

interface ConvArgs {
  inputs: { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo | null; preluActivationWeights?: TensorInfo | null };
  backend: MathBackendCPU;
  attrs: {
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat?: 'NHWC' | 'NCHW';
    dilations?: number | [number, number];
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    activation?: string;
    leakyreluAlpha?: number;
  };
}

/** The addon's `dims` for a convolution described by tfjs's `Conv2DInfo`. */
export function convDims(info: tf.backend_util.Conv2DInfo, activation: number, channelMul: number): Int32Array {
  return Int32Array.from([
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
    activation,
    channelMul,
  ]);
}

/** Why a convolution call cannot run natively, or `null` when it can. */
function unsupported(args: ConvArgs, fused: boolean, outChannels: number): string | null {
  const { x, filter, bias, preluActivationWeights: prelu } = args.inputs;
  if (!allFloat32(x, filter, bias, prelu)) return 'non-float32 inputs';
  if ((args.attrs.dataFormat ?? 'NHWC') !== 'NHWC') return 'NCHW';
  if (!fused) return null;
  const activation = args.attrs.activation ?? 'linear';
  if (CONV_ACTIVATIONS[activation] === undefined) return `activation ${activation}`;
  if (bias && sizeOf(bias.shape) !== outChannels) return 'bias not one value per output channel';
  if (activation === 'prelu' && (!prelu || sizeOf(prelu.shape) !== outChannels))
    return 'prelu weights not one value per output channel';
  return null;
}

/** The native kernel of `Conv2D` / `FusedConv2D` (`depthwise` false) or the depthwise pair. */
export function nativeConv(cpu: KernelConfig, fused: boolean, depthwise: boolean): KernelFunc {
  return (args) => {
    const a = args as unknown as ConvArgs;
    const { x, filter } = a.inputs;
    const { strides, pad, dimRoundingMode } = a.attrs;
    const dilations = a.attrs.dilations ?? 1;
    if (x.shape.length !== 4 || filter.shape.length !== 4) return fallBack(cpu, args, 'rank', false);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      strides,
      dilations,
      pad,
      dimRoundingMode,
      depthwise,
      'channelsLast',
    );
    const why = unsupported(a, fused, info.outChannels);
    if (why) return fallBack(cpu, args, why, why !== 'non-float32 inputs');
    const outShape = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
    const out = allocF32(sizeOf(outShape));
    if (out.length === 0) return output(a.backend, outShape, out);
    const activation = fused ? (a.attrs.activation ?? 'linear') : 'linear';
    const bias = fused && a.inputs.bias ? f32(a.backend, a.inputs.bias) : null;
    const prelu =
      activation === 'prelu' && a.inputs.preluActivationWeights
        ? f32(a.backend, a.inputs.preluActivationWeights)
        : null;
    const dims = convDims(info, CONV_ACTIVATIONS[activation], depthwise ? filter.shape[3] : 1);
    const [xv, fv, alpha] = [f32(a.backend, x), f32(a.backend, filter), a.attrs.leakyreluAlpha ?? 0.2];
    if (depthwise) addon().depthwiseConv2d(xv, fv, out, bias, prelu, dims, alpha);
    else addon().conv2d(xv, fv, out, bias, prelu, dims, alpha);
    return output(a.backend, outShape, out);
  };
}

interface BackpropInputArgs {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: MathBackendCPU;
  attrs: {
    inputShape: [number, number, number, number];
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat?: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
}

/** The native kernel of `Conv2DBackpropInput` (dilation 1, as tfjs's op), NHWC float32. */
export function nativeConvBackpropInput(cpu: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as BackpropInputArgs;
    const { dy, filter } = inputs;
    if (!allFloat32(dy, filter)) return fallBack(cpu, args, 'non-float32 inputs', false);
    if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC') return fallBack(cpu, args, 'NCHW');
    if (dy.shape.length !== 4 || filter.shape.length !== 4 || attrs.inputShape.length !== 4)
      return fallBack(cpu, args, 'rank', false);
    const info = tf.backend_util.computeConv2DInfo(
      attrs.inputShape,
      filter.shape as [number, number, number, number],
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    if (info.outHeight !== dy.shape[1] || info.outWidth !== dy.shape[2] || info.outChannels !== dy.shape[3])
      return fallBack(cpu, args, `dy ${JSON.stringify(dy.shape)} does not match the convolution's output`);
    const outShape = [...attrs.inputShape];
    const dx = allocF32(sizeOf(outShape));
    if (dx.length === 0) return output(backend, outShape, dx);
    addon().conv2dBackpropInput(f32(backend, dy), f32(backend, filter), dx, convDims(info, 0, 1));
    return output(backend, outShape, dx);
  };
}

interface PoolArgs {
  inputs: { x: TensorInfo };
  backend: MathBackendCPU;
  attrs: {
    filterSize: number | [number, number];
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
}

/** The native kernel of `MaxPool` (`op` 0) or `AvgPool` (`op` 1), NHWC. */
export function nativePool(cpu: KernelConfig, op: 0 | 1): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as PoolArgs;
    const { x } = inputs;
    if (x.dtype !== 'float32') return fallBack(cpu, args, 'non-float32 input', false);
    if (x.shape.length !== 4) return fallBack(cpu, args, 'rank', false);
    const info = tf.backend_util.computePool2DInfo(
      x.shape as [number, number, number, number],
      attrs.filterSize,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    const outShape = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
    const out = allocF32(sizeOf(outShape));
    if (out.length === 0) return output(backend, outShape, out);
    const dims = Int32Array.from([
      info.batchSize,
      info.inHeight,
      info.inWidth,
      info.inChannels,
      info.outHeight,
      info.outWidth,
      info.filterHeight,
      info.filterWidth,
      info.strideHeight,
      info.strideWidth,
      info.dilationHeight,
      info.dilationWidth,
      info.padInfo.top,
      info.padInfo.left,
    ]);
    addon().pool2d(op, f32(backend, x), out, dims);
    return output(backend, outShape, out);
  };
}
