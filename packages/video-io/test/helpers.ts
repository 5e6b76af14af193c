/** Test helpers: synthetic frames whose identity can be read back after lossy coding. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Frame value of the red channel for frame `t` (uniform over the frame). */
export const redOf = (t: number): number => (20 + t * 11) % 236;

/** `[T, H, W, 3]` RGB: R uniform = redOf(t), G = x gradient, B = y gradient. */
export function makeFrames(T: number, H: number, W: number): Uint8Array {
  const out = new Uint8Array(T * H * W * 3);
  for (let t = 0; t < T; t++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const o = ((t * H + y) * W + x) * 3;
        out[o] = redOf(t);
        out[o + 1] = Math.round((x * 255) / Math.max(1, W - 1));
        out[o + 2] = Math.round((y * 255) / Math.max(1, H - 1));
      }
  return out;
}

/** Mean of channel `c` of frame `t` of `[T, H, W, C]` data. */
export function frameMean(data: Uint8Array, t: number, H: number, W: number, C = 3, c = 0): number {
  let s = 0;
  const base = t * H * W * C;
  for (let i = 0; i < H * W; i++) s += data[base + i * C + c];
  return s / (H * W);
}

/** A fresh temporary folder and its cleanup. */
export function tempDir(prefix = 'ppma-vio-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
