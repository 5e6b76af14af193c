/**
 * Test helpers shared by the model packages' tests (vit, mae, align, …), not part of any package's
 * public API: reading the PyTorch reference fixtures (docs/ARCHITECTURE.md §4), the NCTHW -> NTHWC
 * layout change, an elementwise closeness check, and the tiny model configs the tests build.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readSafetensors, toFloat32 } from '@ppma/core';
import { expect } from 'vitest';

/** A fixture tensor as float32. */
export interface FixtureTensor {
  shape: number[];
  data: Float32Array;
}

/** Reads every tensor of a fixture file as float32 (ints converted). */
export async function readFixture(file: string): Promise<Map<string, FixtureTensor>> {
  const { tensors } = await readSafetensors(file);
  const out = new Map<string, FixtureTensor>();
  for (const [k, t] of tensors) {
    const data =
      t.dtype === 'F32' || t.dtype === 'F16' || t.dtype === 'BF16'
        ? toFloat32(t)
        : Float32Array.from(t.data as ArrayLike<number>);
    out.set(k, { shape: [...t.shape], data });
  }
  return out;
}

/** The `config.json` of the PyTorch reference fixtures (decoder keys only in the MAE's). */
export interface ReferenceConfig {
  dim: number;
  depth: number;
  heads: number;
  dec_dim: number;
  dec_depth: number;
  dec_heads: number;
  frames: number;
  height: number;
  width: number;
  tubelet: number;
  patch: number;
  classes: number;
  layer_norm_eps: number;
  mean: [number, number, number];
  std: [number, number, number];
}

/** Reads `<dir>/config.json` of a reference fixture folder. */
export function readReferenceConfig(dir: string): ReferenceConfig {
  return JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as ReferenceConfig;
}

/** [B, C, T, H, W] -> [B, T, H, W, C]. */
export function ncthwToNthwc(data: Float32Array, shape: readonly number[]): Float32Array {
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

/** The tiny ViT trunk most model tests build: 4 x 16 x 16 clips, tubelet 2x8x8 (8 tokens), 2 blocks of width 32. */
export const TINY_TRUNK_16 = {
  dim: 32,
  depth: 2,
  heads: 2,
  tubelet: 2,
  patch: 8,
  frames: 4,
  height: 16,
  width: 16,
} as const;

/** The tiny MAE decoder that goes with {@link TINY_TRUNK_16}. */
export const TINY_DECODER = { decoderDim: 16, decoderDepth: 1, decoderHeads: 2 } as const;
