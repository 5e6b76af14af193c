import { readSafetensors, toFloat32 } from '@ppma/core';
import { expect } from 'vitest';

/** Reads every tensor of a fixture file as float32 (ints converted). */
export async function readFixture(file: string): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  const { tensors } = await readSafetensors(file);
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [k, t] of tensors) {
    const data =
      t.dtype === 'F32' || t.dtype === 'F16' || t.dtype === 'BF16'
        ? toFloat32(t)
        : Float32Array.from(t.data as ArrayLike<number>);
    out.set(k, { shape: [...t.shape], data });
  }
  return out;
}

/** [B, C, T, H, W] -> [B, T, H, W, C]. */
export function ncthwToNthwc(data: Float32Array, shape: number[]): Float32Array {
  const [b, c, t, h, w] = shape;
  const out = new Float32Array(data.length);
  for (let ib = 0; ib < b; ib++)
    for (let ic = 0; ic < c; ic++)
      for (let it = 0; it < t; it++)
        for (let ih = 0; ih < h; ih++)
          for (let iw = 0; iw < w; iw++)
            out[(((ib * t + it) * h + ih) * w + iw) * c + ic] = data[(((ib * c + ic) * t + it) * h + ih) * w + iw];
  return out;
}

/** Elementwise |a - b| <= max(abs, rel * |b|); reports the worst element. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  label: string,
  rel = 1e-4,
  abs = 1e-5,
): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    const tol = Math.max(abs, rel * Math.abs(expected[i]));
    if (!(err <= tol) && (worst < 0 || err / tol > worstExcess)) {
      worst = i;
      worstExcess = err / tol;
    }
  }
  if (worst >= 0) {
    expect.fail(
      `${label}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} (error ${worstExcess.toFixed(2)}x the tolerance)`,
    );
  }
}
