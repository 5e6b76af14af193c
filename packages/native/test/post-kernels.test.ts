// The detectors' and segmenters' post-processing kernels of the `native` backend (comparisons,
// Max/Min, ArgMax/ArgMin, TopK, ResizeBilinear, Concat, Tile, Pack, Unpack) against the tfjs cpu backend on odd
// shapes, ties and NaN, on 1 and 2 threads; none of the float32 cases may fall back.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNativeAddon, nativeFallbacks, registerNativeBackend } from '../src/index.js';
import { randomArray, seeded, useCpu } from './helpers.js';

const load = loadNativeAddon();
const skip = load.available ? '' : ` (SKIPPED: ${load.reason})`;

type Out = { shape: number[]; dtype: string; values: number[] }[];

async function run(f: () => tf.Tensor | tf.Tensor[]): Promise<Out> {
  const r = tf.tidy(f);
  const list = Array.isArray(r) ? r : [r];
  const out: Out = [];
  for (const t of list) out.push({ shape: t.shape, dtype: t.dtype, values: Array.from(await t.data()) });
  tf.dispose(list);
  return out;
}

/** Runs `f` on cpu and on native; expects equal shapes and dtypes and values within `tol`. */
async function same(what: string, f: () => tf.Tensor | tf.Tensor[], tol = 0): Promise<void> {
  await useCpu();
  const cpu = await run(f);
  await tf.setBackend('native');
  const native = await run(f);
  expect(native.length, what).toBe(cpu.length);
  cpu.forEach((c, i) => {
    const n = native[i];
    expect(n.shape, what).toEqual(c.shape);
    expect(n.dtype, what).toBe(c.dtype);
    let worst = 0;
    c.values.forEach((v, j) => {
      const w = n.values[j];
      if (Number.isNaN(v) || Number.isNaN(w)) {
        expect(Number.isNaN(w), `${what} [${j}] NaN`).toBe(Number.isNaN(v));
      } else worst = Math.max(worst, Math.abs(v - w));
    });
    expect(worst, what).toBeLessThanOrEqual(tol);
  });
}

const rand = seeded(20);
/** Values on a coarse grid (-1, -0.75, ..., 1), so that ties occur. */
function grid(shape: number[]): tf.Tensor {
  return tf.tensor(
    randomArray(rand, shape).map((v) => Math.round(v * 4) / 4),
    shape,
  );
}
function smooth(shape: number[]): tf.Tensor {
  return tf.tensor(randomArray(rand, shape), shape);
}

describe(`native post-processing kernels vs cpu${skip}`, () => {
  beforeAll(async () => {
    if (load.available) registerNativeBackend({ threads: 2 });
    await useCpu();
  });
  afterAll(async () => {
    if (load.available) registerNativeBackend({ threads: 2 });
    await useCpu();
  });

  for (const threads of [1, 2]) {
    it.skipIf(!load.available)(`comparisons with broadcasting and NaN, ${threads} thread(s)`, async () => {
      registerNativeBackend({ threads });
      const ops = [tf.equal, tf.notEqual, tf.less, tf.lessEqual, tf.greater, tf.greaterEqual];
      const shapes: [number[], number[]][] = [
        [
          [7, 13],
          [7, 13],
        ],
        [
          [3, 1, 17],
          [1, 4, 1],
        ],
        [
          [1, 128, 128, 3],
          [1, 128, 128, 3],
        ],
        [[33, 65], []],
        [
          [2, 3, 4, 5, 6],
          [3, 1, 5, 1],
        ],
      ];
      for (const op of ops) {
        for (const [sa, sb] of shapes) {
          const a = grid(sa);
          const b = grid(sb);
          await same(`${op.name} ${sa} ${sb}`, () => op(a, b));
          tf.dispose([a, b]);
        }
        await same(`${op.name} NaN`, () => op(tf.tensor([NaN, 1, 2, NaN]), tf.tensor([NaN, 1, NaN, 0])));
      }
    });

    it.skipIf(!load.available)(`max, min, argMax, argMin over odd axes with ties, ${threads} thread(s)`, async () => {
      registerNativeBackend({ threads });
      const cases: [number[], number | number[], boolean][] = [
        [[5, 7, 11], -1, false],
        [[5, 7, 11], 1, true],
        [[5, 7, 11], 0, false],
        [[5, 7, 11], [1, 2], false],
        [[1, 64, 64, 17], 3, false],
        [[1, 64, 64, 17], [1, 2], true],
        [[3000, 3], 0, false],
      ];
      for (const [shape, axis, keep] of cases) {
        const x = grid(shape);
        await same(`max ${shape} ${axis}`, () => tf.max(x, axis, keep));
        await same(`min ${shape} ${axis}`, () => tf.min(x, axis, keep));
        if (typeof axis === 'number') {
          await same(`argMax ${shape} ${axis}`, () => tf.argMax(x, axis));
          await same(`argMin ${shape} ${axis}`, () => tf.argMin(x, axis));
        }
        x.dispose();
      }
      await same('max with NaN', () => tf.max(tf.tensor2d([1, NaN, 3, 4, 5, 6], [2, 3]), 1));
      await same('max with NaN first', () => tf.max(tf.tensor2d([NaN, 1, 3, 4, 5, 6], [3, 2]), 0));
    });

    it.skipIf(!load.available)(`topK sorted, ties by index, ${threads} thread(s)`, async () => {
      registerNativeBackend({ threads });
      const cases: [number[], number][] = [
        [[1], 1],
        [[13], 5],
        [[4, 37], 37],
        [[4, 37], 0],
        [[3, 5, 101], 9],
        [[1, 128 * 128 * 3], 100],
      ];
      for (const [shape, k] of cases) {
        const x = grid(shape);
        await same(`topk ${shape} k=${k}`, () => {
          const r = tf.topk(x, k, true);
          return [r.values, r.indices];
        });
        x.dispose();
      }
    });

    it.skipIf(!load.available)(`resizeBilinear up and down, every corner mode, ${threads} thread(s)`, async () => {
      registerNativeBackend({ threads });
      const cases: [number[], [number, number]][] = [
        [
          [1, 7, 9, 3],
          [13, 5],
        ],
        [
          [2, 12, 16, 5],
          [48, 64],
        ],
        [
          [1, 97, 131, 2],
          [31, 17],
        ],
        [
          [1, 1, 1, 4],
          [3, 3],
        ],
        [
          [1, 5, 5, 1],
          [1, 1],
        ],
      ];
      for (const [shape, size] of cases) {
        const x = smooth(shape);
        for (const [align, half] of [
          [false, false],
          [true, false],
          [false, true],
        ]) {
          await same(
            `resize ${shape} -> ${size} align ${align} half ${half}`,
            () => tf.image.resizeBilinear(x as tf.Tensor4D, size, align, half),
            2e-6,
          );
        }
        x.dispose();
      }
    });
  }

  it.skipIf(!load.available)('concat along every axis, with empty inputs, and tile', async () => {
    const a = smooth([3, 4, 5]);
    const b = smooth([3, 4, 7]);
    const c = smooth([3, 4, 1]);
    const e = tf.zeros([3, 4, 0]);
    const a0 = smooth([2, 4, 5]);
    const a1 = smooth([3, 9, 5]);
    const v5 = smooth([5]);
    const v17 = smooth([17]);
    const t4 = smooth([1, 3, 1, 2]);
    await same('concat last axis', () => tf.concat([a, b, c, e], 2));
    await same('concat axis 0', () => tf.concat([a, a0, a], 0));
    await same('concat middle axis', () => tf.concat([a, a1], 1));
    await same('concat one input', () => tf.concat([a], 1));
    await same('concat 1-D', () => tf.concat([v5, v17]));
    await same('tile', () => tf.tile(a, [2, 1, 3]));
    await same('tile rank 1', () => tf.tile(v5, [5]));
    await same('tile rank 4', () => tf.tile(t4, [2, 2, 5, 1]));
    await same('tile by zero', () => tf.tile(a, [1, 0, 2]));
    for (const axis of [0, 1, 2, 3, -1]) {
      await same(`stack axis ${axis}`, () => tf.stack([a, tf.slice(b, [0, 0, 0], [3, 4, 5]), a], axis));
    }
    for (const axis of [0, 1, 2, -1]) {
      await same(`unstack axis ${axis}`, () => tf.unstack(b, axis));
    }
    tf.dispose([a0, a1, v5, v17, t4]);
    tf.dispose([a, b, c, e]);
    const bad = Object.keys(nativeFallbacks()).filter((k) =>
      /^(Equal|NotEqual|Less|LessEqual|Greater|GreaterEqual|Max|Min|ArgMax|ArgMin|TopK|ResizeBilinear|Concat|Tile|Pack|Unpack):/.test(
        k,
      ),
    );
    expect(bad).toEqual([]);
  });
});
