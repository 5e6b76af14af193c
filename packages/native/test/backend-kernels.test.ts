// Every kernel the `native` backend overrides, against the tfjs cpu backend on odd shapes, for
// each GEMM path the machine has (OpenBLAS when linked; our own GEMM with each micro-kernel).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNativeAddon, nativeFallbacks, poolStats, registerNativeBackend } from '../src/index.js';
import type { GemmIsa, GemmPath } from '../src/index.js';
import { caseData, randomArray, referenceCase, relError, runCase, seeded, useCpu } from './helpers.js';
import type { MatMulCase } from './helpers.js';

const load = loadNativeAddon();
const skip = load.available ? '' : ` (SKIPPED: ${load.reason})`;
if (!load.available) console.warn(`@ppma/native backend tests skipped: ${load.reason}`);

/** Runs `f` on cpu and on native with the same inputs; returns both outputs. */
async function both(f: () => tf.Tensor): Promise<{ cpu: Float32Array; native: Float32Array; shape: number[] }> {
  await useCpu();
  const c = tf.tidy(f);
  const cpu = (await c.data()) as Float32Array;
  const shape = c.shape;
  c.dispose();
  await tf.setBackend('native');
  const n = tf.tidy(f);
  const native = (await n.data()) as Float32Array;
  expect(n.shape).toEqual(shape);
  n.dispose();
  return { cpu, native, shape };
}

const rand = seeded(19);
const data = new Map<string, Float32Array>();
function t(shape: number[], key = shape.join('x')): tf.Tensor {
  if (!data.has(key)) data.set(key, randomArray(rand, shape));
  return tf.tensor(data.get(key) as Float32Array, shape);
}

describe(`native backend kernels vs cpu${skip}`, () => {
  beforeAll(() => {
    if (load.available) registerNativeBackend({ threads: 2 });
  });
  afterAll(async () => {
    await useCpu();
  });

  it.skipIf(!load.available)(
    'float32 tensors cast from int32 or bool (cpu shares their data) feed the native kernels',
    async () => {
      const ints = Int32Array.from({ length: 7 * 13 }, (_, i) => (i * 37) % 255);
      const r = await both(() => {
        const x = tf.cast(tf.tensor2d(ints, [7, 13], 'int32'), 'float32');
        const m = tf.cast(tf.greater(tf.tensor2d(ints, [7, 13], 'int32'), 100), 'float32');
        return tf.add(tf.exp(tf.div(x, 255)), tf.mul(m, x));
      });
      expect(relError(r.native, r.cpu)).toBeLessThan(1e-6);
    },
  );

  const binaryShapes: [number[], number[]][] = [
    [
      [7, 13],
      [7, 13],
    ],
    [[3, 5, 17], [17]],
    [
      [3, 1, 17],
      [1, 4, 1],
    ],
    [[], [9, 2]],
    [
      [33, 1],
      [33, 65],
    ],
    [
      [2, 3, 4, 5, 6],
      [3, 1, 5, 1],
    ],
  ];
  const binaries: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
    ['add', tf.add],
    ['sub', tf.sub],
    ['mul', tf.mul],
    ['div', (a, b) => tf.div(a, tf.add(tf.abs(b), 0.5))],
    ['maximum', tf.maximum],
    ['minimum', tf.minimum],
    ['squaredDifference', tf.squaredDifference],
  ];
  for (const [name, op] of binaries) {
    it.skipIf(!load.available)(`${name} with broadcasting`, async () => {
      for (const [sa, sb] of binaryShapes) {
        const r = await both(() => op(t(sa), t(sb, `b${sb.join('x')}`)));
        expect(relError(r.native, r.cpu), `${name} ${sa} ${sb}`).toBeLessThan(1e-6);
      }
    });
  }

  const unaries: [string, (x: tf.Tensor) => tf.Tensor][] = [
    ['exp', (x) => tf.exp(tf.mul(x, 20))],
    ['erf', (x) => tf.erf(tf.mul(x, 3))],
    ['square', tf.square],
    ['sqrt', (x) => tf.sqrt(tf.abs(x))],
    ['rsqrt', (x) => tf.rsqrt(tf.add(tf.abs(x), 0.1))],
    ['neg', tf.neg],
    ['relu', tf.relu],
    ['relu6', (x) => tf.relu6(tf.mul(x, 8))],
    ['sigmoid', (x) => tf.sigmoid(tf.mul(x, 30))],
    ['leakyRelu', (x) => tf.leakyRelu(x, 0.13)],
  ];
  for (const [name, op] of unaries) {
    it.skipIf(!load.available)(`${name} on 3 x 71 x 129 (across the thread split)`, async () => {
      const r = await both(() => op(t([3, 71, 129])));
      expect(relError(r.native, r.cpu), name).toBeLessThan(2e-6);
    });
  }

  it.skipIf(!load.available)('sum and mean over leading, trailing, middle and split axes', async () => {
    const cases: [number[], number | number[], boolean][] = [
      [[5, 7, 11], -1, false],
      [[5, 7, 11], [1, 2], true],
      [[5, 7, 11], 0, false],
      [[5, 7, 11], [0, 1], true],
      [[5, 7, 11], 1, false],
      [[2, 3, 4, 5], [1, 2], true],
      [[1000, 3], 0, false],
      [[2, 3, 4, 5], [0, 2], false], // not contiguous: the cpu kernel
    ];
    for (const [shape, axis, keep] of cases) {
      for (const op of [tf.sum, tf.mean]) {
        const r = await both(() => op(t(shape), axis, keep));
        expect(relError(r.native, r.cpu), `${op.name} ${shape} ${axis}`).toBeLessThan(1e-5);
      }
    }
    expect(Object.keys(nativeFallbacks()).some((k) => k.startsWith('Sum: axes [0,2]'))).toBe(true);
  });

  it.skipIf(!load.available)('softmax over the last axis, with large logits', async () => {
    for (const shape of [
      [3, 1],
      [4, 6, 131],
      [2, 1000],
    ]) {
      const r = await both(() => tf.softmax(tf.mul(t(shape), 30)));
      expect(relError(r.native, r.cpu), `softmax ${shape}`).toBeLessThan(2e-6);
    }
  });

  it.skipIf(!load.available)('transpose of rank 2 to 5', async () => {
    const cases: [number[], number[]][] = [
      [
        [7, 13],
        [1, 0],
      ],
      [
        [2, 9, 3, 5],
        [0, 2, 1, 3],
      ],
      [
        [3, 4, 5],
        [2, 0, 1],
      ],
      [
        [2, 3, 4, 5, 3],
        [4, 1, 3, 0, 2],
      ],
    ];
    for (const [shape, perm] of cases) {
      const r = await both(() => tf.transpose(t(shape), perm));
      expect(relError(r.native, r.cpu), `transpose ${shape} ${perm}`).toBe(0);
    }
  });

  it.skipIf(!load.available)('slice, split, pad and gather of odd boxes', async () => {
    const x = () => t([3, 5, 7, 4], 'copy');
    const ops: [string, () => tf.Tensor][] = [
      ['slice inner', () => tf.slice(x(), [1, 2, 3, 1], [2, 3, 4, 2])],
      ['slice outer', () => tf.slice(x(), [1, 0, 0, 0], [2, -1, -1, -1])],
      [
        'split',
        () =>
          tf.concat(
            tf.split(x(), [2, 1, 4], 2).map((p, i) => tf.mul(p, i + 1)),
            2,
          ),
      ],
      ['split last', () => tf.stack(tf.split(x(), 2, 3))],
      [
        'pad',
        () =>
          tf.pad(
            x(),
            [
              [1, 0],
              [0, 2],
              [3, 1],
              [0, 0],
            ],
            0.5,
          ),
      ],
      ['gather axis 1', () => tf.gather(x(), tf.tensor1d([4, 0, 0, 2], 'int32'), 1)],
      ['gather axis 3, 2-D indices', () => tf.gather(x(), tf.tensor2d([3, 1, 0, 2], [2, 2], 'int32'), 3)],
    ];
    for (const [name, op] of ops) {
      const r = await both(op);
      expect(relError(r.native, r.cpu), name).toBe(0);
    }
  });

  it.skipIf(!load.available)('recycled buffers never change what a user read or a live view holds', async () => {
    await tf.setBackend('native');
    const n = 1 << 15; // large enough to be pooled
    const a = tf.fill([n], 3);
    const b = tf.tidy(() => tf.add(a, 1)); // pooled output: all 4
    const read = b.dataSync();
    const view = tf.slice(b, [8], [100]); // may view b's buffer
    const reusedBefore = poolStats().reused;
    b.dispose(); // the slice may still view the buffer: it must not be recycled yet
    const c = tf.tidy(() => tf.mul(a, 5));
    expect(Array.from(view.dataSync()).every((v) => v === 4)).toBe(true);
    view.dispose(); // now b's buffer is free
    const d = tf.tidy(() => tf.mul(a, 7)); // same length: takes the recycled buffer
    expect(poolStats().reused).toBeGreaterThan(reusedBefore);
    expect(read.every((v) => v === 4)).toBe(true);
    expect(c.dataSync()[0]).toBe(15);
    expect(d.dataSync()[n - 1]).toBe(21);
    tf.dispose([a, c, d]);
  });

  it.skipIf(!load.available)('int32 arithmetic runs the cpu kernels', async () => {
    await tf.setBackend('native');
    const y = tf.tidy(() => tf.add(tf.tensor1d([1, 2, 3], 'int32'), tf.tensor1d([4, 5, 6], 'int32')));
    expect(y.dtype).toBe('int32');
    expect(Array.from(await y.data())).toEqual([5, 7, 9]);
    y.dispose();
  });
});

// Matmul cases: odd sizes, all transposes, batch broadcasting, fused bias and activations.
const MATMULS: MatMulCase[] = [
  { a: [37, 29], b: [29, 53], transA: false, transB: false },
  { a: [29, 37], b: [53, 29], transA: true, transB: true },
  { a: [3, 130, 67], b: [3, 130, 45], transA: true, transB: false },
  { a: [2, 1, 17, 9], b: [1, 3, 9, 21], transA: false, transB: false },
  { a: [5, 200, 33], b: [33, 70], transA: false, transB: false, bias: [70], activation: 'relu' },
  { a: [300, 129], b: [260, 129], transA: false, transB: true, bias: [300, 1], activation: 'elu' },
  { a: [1, 7], b: [7, 1], transA: false, transB: false, bias: [], activation: 'sigmoid' },
  // 2-16 MFLOP: split over the pool by columns (N > M) and by rows with A transposed.
  { a: [70, 200], b: [301, 200], transA: false, transB: true, bias: [301], activation: 'relu6' },
  { a: [200, 151], b: [200, 90], transA: true, transB: false, bias: [151, 1] },
];

const paths: [GemmPath, GemmIsa][] = [
  ['blas', 'auto'],
  ['own', 'avx512'],
  ['own', 'avx2'],
  ['own', 'generic'],
];

describe(`native backend matmul vs cpu${skip}`, () => {
  afterAll(async () => {
    if (load.available) registerNativeBackend({ gemm: 'auto', isa: 'auto', threads: 2 });
    await useCpu();
  });
  for (const [path, isa] of paths) {
    const why = !load.available
      ? skip
      : path === 'blas' && !load.addon.info().builtWithBlas
        ? ' (SKIPPED: addon built without OpenBLAS)'
        : '';
    it.skipIf(why !== '')(`${path} GEMM, ${isa} micro-kernel, 1 and 2 threads${why}`, async () => {
      for (const threads of [1, 2]) {
        try {
          registerNativeBackend({ gemm: path, isa, threads });
        } catch (e) {
          console.warn(`SKIPPED ${path}/${isa}: ${(e as Error).message}`);
          return;
        }
        for (const c of MATMULS) {
          const d = caseData(c, rand);
          await useCpu();
          const ref = referenceCase(c, d);
          await tf.setBackend('native');
          const got = runCase(c, d);
          expect(got.shape).toEqual(ref.shape);
          expect(relError(got.values, ref.values), `${JSON.stringify(c)} ${threads}t`).toBeLessThan(1e-5);
        }
      }
    });
  }
});
