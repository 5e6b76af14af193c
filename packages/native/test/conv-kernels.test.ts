// The native convolutions (Conv2D, FusedConv2D, DepthwiseConv2dNative, FusedDepthwiseConv2D,
// Conv2DBackpropInput) against the tfjs cpu backend on odd shapes: strides, dilations, same/valid/explicit padding,
// channel multipliers, every fused activation, 1 and 2 threads.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNativeAddon, nativeFallbacks, registerNativeBackend } from '../src/index.js';
import { randomArray, relError, seeded, useCpu } from './helpers.js';

const load = loadNativeAddon();
const skip = load.available ? '' : ` (SKIPPED: ${load.reason})`;

const rand = seeded(23);
const data = new Map<string, Float32Array>();
function t(shape: number[], key = shape.join('x')): tf.Tensor {
  if (!data.has(key)) data.set(key, randomArray(rand, shape));
  return tf.tensor(data.get(key) as Float32Array, shape);
}

async function both(f: () => tf.Tensor): Promise<{ cpu: Float32Array; native: Float32Array }> {
  await useCpu();
  const c = tf.tidy(f);
  const cpu = (await c.data()) as Float32Array;
  const shape = c.shape;
  c.dispose();
  await tf.setBackend('native');
  const before = tf.memory().numTensors;
  const n = tf.tidy(f);
  const native = (await n.data()) as Float32Array;
  expect(n.shape).toEqual(shape);
  n.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return { cpu, native };
}

type Pad = 'valid' | 'same' | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  readonly name: string;
  readonly x: [number, number, number, number];
  readonly f: [number, number, number, number];
  readonly strides: number | [number, number];
  readonly pad: Pad;
  readonly dilations?: [number, number];
}

const convCases: Case[] = [
  { name: '3x3 same stride 1', x: [2, 9, 11, 5], f: [3, 3, 5, 7], strides: 1, pad: 'same' },
  { name: '3x3 same stride 2, odd size', x: [1, 13, 10, 3], f: [3, 3, 3, 17], strides: 2, pad: 'same' },
  { name: '5x3 valid strides 2x1', x: [3, 12, 9, 4], f: [5, 3, 4, 6], strides: [2, 1], pad: 'valid' },
  { name: '1x1 pointwise', x: [2, 7, 5, 33], f: [1, 1, 33, 19], strides: 1, pad: 'valid' },
  { name: '1x1 stride 2', x: [1, 9, 9, 8], f: [1, 1, 8, 5], strides: 2, pad: 'same' },
  { name: '3x3 dilation 2', x: [1, 15, 14, 6], f: [3, 3, 6, 9], strides: 1, pad: 'same', dilations: [2, 2] },
  {
    name: 'explicit padding',
    x: [1, 10, 8, 3],
    f: [4, 4, 3, 8],
    strides: 2,
    pad: [
      [0, 0],
      [1, 2],
      [2, 1],
      [0, 0],
    ],
  },
  { name: 'large (many chunks)', x: [1, 64, 48, 24], f: [3, 3, 24, 40], strides: 1, pad: 'same' },
];

const dwCases: Case[] = [
  { name: '3x3 same', x: [2, 9, 11, 7], f: [3, 3, 7, 1], strides: 1, pad: 'same' },
  { name: '5x5 stride 2', x: [1, 17, 12, 13], f: [5, 5, 13, 1], strides: 2, pad: 'same' },
  { name: 'channel multiplier 3', x: [1, 8, 9, 5], f: [3, 3, 5, 3], strides: 1, pad: 'valid' },
  { name: 'dilation 2', x: [1, 12, 12, 4], f: [3, 3, 4, 2], strides: 1, pad: 'same', dilations: [2, 2] },
];

const activations = ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu', 'prelu'] as const;

describe(`native convolutions vs cpu${skip}`, () => {
  beforeAll(() => {
    if (load.available) registerNativeBackend({ threads: 2 });
  });
  afterAll(async () => {
    if (load.available) registerNativeBackend({ threads: 2 });
    await useCpu();
  });

  for (const threads of [1, 2]) {
    for (const c of convCases) {
      it.skipIf(!load.available)(`conv2d ${c.name}, ${threads} thread(s)`, async () => {
        registerNativeBackend({ threads });
        const r = await both(() =>
          tf.conv2d(t(c.x) as tf.Tensor4D, t(c.f) as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations ?? 1),
        );
        expect(relError(r.native, r.cpu)).toBeLessThan(1e-5);
      });
    }
    for (const c of dwCases) {
      it.skipIf(!load.available)(`depthwiseConv2d ${c.name}, ${threads} thread(s)`, async () => {
        registerNativeBackend({ threads });
        const r = await both(() =>
          tf.depthwiseConv2d(t(c.x) as tf.Tensor4D, t(c.f) as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations ?? 1),
        );
        expect(relError(r.native, r.cpu)).toBeLessThan(1e-5);
      });
    }
  }

  for (const activation of activations) {
    it.skipIf(!load.available)(`fused conv2d and depthwise with bias and ${activation}`, async () => {
      const c = convCases[1];
      const d = dwCases[1];
      const conv = await both(() =>
        tf.fused.conv2d({
          x: t(c.x) as tf.Tensor4D,
          filter: t(c.f) as tf.Tensor4D,
          strides: c.strides,
          pad: 'same',
          bias: t([c.f[3]]),
          activation,
          preluActivationWeights: activation === 'prelu' ? t([c.f[3]], 'prelu-c') : undefined,
          leakyreluAlpha: 0.3,
        }),
      );
      expect(relError(conv.native, conv.cpu)).toBeLessThan(1e-5);
      const dw = await both(() =>
        tf.fused.depthwiseConv2d({
          x: t(d.x) as tf.Tensor4D,
          filter: t(d.f) as tf.Tensor4D,
          strides: d.strides,
          pad: 'same',
          bias: t([d.f[2]]),
          activation,
          preluActivationWeights: activation === 'prelu' ? t([d.f[2]], 'prelu-d') : undefined,
          leakyreluAlpha: 0.3,
        }),
      );
      expect(relError(dw.native, dw.cpu)).toBeLessThan(1e-5);
    });
  }

  const pools: [string, [number, number, number, number], number | [number, number], number, 'same' | 'valid'][] = [
    ['3x3 stride 2 same', [2, 13, 10, 7], 3, 2, 'same'],
    ['2x2 stride 2 valid', [1, 9, 12, 5], 2, 2, 'valid'],
    ['5x3 stride 1 same', [1, 8, 7, 17], [5, 3], 1, 'same'],
  ];
  for (const [name, shape, size, strides, pad] of pools) {
    it.skipIf(!load.available)(`maxPool and avgPool ${name}`, async () => {
      const mx = await both(() => tf.maxPool(t(shape) as tf.Tensor4D, size, strides, pad));
      expect(relError(mx.native, mx.cpu)).toBeLessThan(1e-6);
      const av = await both(() => tf.avgPool(t(shape) as tf.Tensor4D, size, strides, pad));
      expect(relError(av.native, av.cpu)).toBeLessThan(1e-6);
    });
  }

  it.skipIf(!load.available)('spaceToBatchND and batchToSpaceND (the dilated convolutions of TF graphs)', async () => {
    const s2b = await both(() =>
      tf.spaceToBatchND(
        t([2, 7, 9, 3]),
        [2, 3],
        [
          [1, 0],
          [2, 1],
        ],
      ),
    );
    expect(relError(s2b.native, s2b.cpu)).toBe(0);
    const b2s = await both(() =>
      tf.batchToSpaceND(
        t([12, 4, 5, 3]),
        [2, 3],
        [
          [1, 2],
          [0, 3],
        ],
      ),
    );
    expect(relError(b2s.native, b2s.cpu)).toBe(0);
  });

  // conv2dTranspose(x, filter [fH, fW, outC, x's C], outputShape, strides, pad) runs
  // Conv2DBackpropInput with dy = x.
  const transposeCases: [string, number[], number[], number[], number | [number, number], 'same' | 'valid'][] = [
    ['3x3 stride 2 same', [2, 5, 6, 7], [3, 3, 4, 7], [2, 10, 12, 4], 2, 'same'],
    ['4x4 stride 2 valid', [1, 4, 3, 5], [4, 4, 3, 5], [1, 10, 9, 3], 2, 'valid'],
    ['5x3 strides 2x1 same', [1, 5, 7, 8], [5, 3, 6, 8], [1, 9, 7, 6], [2, 1], 'same'],
    ['2x2 stride 1 same (uneven padding)', [3, 6, 5, 9], [2, 2, 2, 9], [3, 6, 5, 2], 1, 'same'],
    ['large, 40 channels in', [1, 32, 24, 40], [3, 3, 24, 40], [1, 64, 48, 24], 2, 'same'],
  ];
  for (const threads of [1, 2]) {
    for (const [name, xs, fs, out, strides, pad] of transposeCases) {
      it.skipIf(!load.available)(`conv2dTranspose ${name}, ${threads} thread(s)`, async () => {
        registerNativeBackend({ threads });
        const r = await both(() =>
          tf.conv2dTranspose(
            t(xs) as tf.Tensor4D,
            t(fs) as tf.Tensor4D,
            out as [number, number, number, number],
            strides,
            pad,
          ),
        );
        expect(relError(r.native, r.cpu)).toBeLessThan(1e-5);
      });
    }
  }

  it.skipIf(!load.available)("conv2d's input gradient with explicit padding", async () => {
    const c = convCases[6];
    const grad = tf.grad((x: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, t(c.f) as tf.Tensor4D, c.strides, c.pad));
    const r = await both(() => grad(t(c.x), t([1, 5, 4, 8])));
    expect(relError(r.native, r.cpu)).toBeLessThan(1e-5);
  });

  it.skipIf(!load.available)('every case above ran natively (no fall-back was counted)', () => {
    const conv = Object.keys(nativeFallbacks()).filter((k) => /Conv/.test(k));
    expect(conv).toEqual([]);
  });

  it.skipIf(!load.available)('NCHW and a per-pixel bias fall back to the cpu kernel, correctly', async () => {
    const before = nativeFallbacks()['FusedConv2D: bias not one value per output channel'] ?? 0;
    const r = await both(() =>
      tf.fused.conv2d({
        x: t([1, 6, 6, 3]) as tf.Tensor4D,
        filter: t([3, 3, 3, 4]) as tf.Tensor4D,
        strides: 1,
        pad: 'same',
        bias: t([6, 6, 4]),
      }),
    );
    expect(relError(r.native, r.cpu)).toBeLessThan(1e-5);
    expect(nativeFallbacks()['FusedConv2D: bias not one value per output channel']).toBe(before + 1);
  });
});
