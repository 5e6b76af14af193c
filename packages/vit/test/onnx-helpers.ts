/** Shared helpers of the ONNX tests. */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { readSafetensors, toFloat32 } from '@ppma/core';

export const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'onnx');

/** Max |a - b| over max |b|: the relative error the 1e-4 bound is about. */
export function relError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/** `[B,C,T,H,W]` to `[B,T,H,W,C]` (the one copy lives with the other shared test helpers). */
export { ncthwToNthwc } from '../../../tools/test/reference.js';

/** The reference inputs and outputs (PyTorch 1.13, docs/ARCHITECTURE.md §4). */
export async function readReferenceIo(): Promise<Record<string, { shape: readonly number[]; data: Float32Array }>> {
  const { tensors } = await readSafetensors(path.join(FIXTURES, 'io.safetensors'));
  return Object.fromEntries([...tensors].map(([k, t]) => [k, { shape: t.shape, data: toFloat32(t) }]));
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-onnx-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
