/**
 * Contact sheets for the privacy audit: one row per sampled frame, columns before | mask | after,
 * written as PNG so a reviewer can check the removal at a glance.
 */
import { PNG } from 'pngjs';
import { atomicWrite } from '@ppma/core';
import type { FrameBatch, MaskBatch } from './frames.js';

/** Options of {@link contactSheet}. */
export interface ContactSheetOptions {
  /** Frame indices to show (default: 4 evenly spaced). */
  readonly frames?: readonly number[];
  /** Largest width of one tile in pixels (tiles are downscaled by an integer factor; default 384). */
  readonly tileWidth?: number;
}

/**
 * Builds a PNG of rows `before | mask | after` for the chosen frames. `mask` may be null (the column
 * is then left grey). Returns the encoded PNG.
 */
export function contactSheet(
  before: FrameBatch,
  mask: MaskBatch | null,
  after: FrameBatch,
  opts: ContactSheetOptions = {},
): Buffer {
  const { width: W, height: H } = before;
  const T = Math.min(before.frames, after.frames);
  const idx =
    opts.frames ?? Array.from({ length: Math.min(4, T) }, (_, k) => Math.round(((k + 0.5) * T) / Math.min(4, T) - 0.5));
  const f = Math.max(1, Math.ceil(W / (opts.tileWidth ?? 384)));
  const tw = Math.floor(W / f);
  const th = Math.floor(H / f);
  const gap = 4;
  const png = new PNG({ width: 3 * tw + 2 * gap, height: idx.length * th + (idx.length - 1) * gap });
  png.data.fill(255);
  idx.forEach((t, row) => {
    const oy = row * (th + gap);
    for (let y = 0; y < th; y++) {
      for (let x = 0; x < tw; x++) {
        const sp = (t * H + y * f) * W + x * f;
        const put = (col: number, r: number, g: number, b: number): void => {
          const o = ((oy + y) * png.width + col * (tw + gap) + x) * 4;
          png.data[o] = r;
          png.data[o + 1] = g;
          png.data[o + 2] = b;
          png.data[o + 3] = 255;
        };
        put(0, before.data[sp * 3], before.data[sp * 3 + 1], before.data[sp * 3 + 2]);
        if (mask) {
          const m = mask.data[sp];
          // the mask over a dimmed frame, so the reviewer sees what it covers
          const g = before.data[sp * 3 + 1] >> 2;
          put(1, m ? 255 : g, m ? 64 : g, m ? 64 : g);
        } else put(1, 128, 128, 128);
        put(2, after.data[sp * 3], after.data[sp * 3 + 1], after.data[sp * 3 + 2]);
      }
    }
  });
  return PNG.sync.write(png);
}

/** Writes a contact sheet atomically. */
export async function writeContactSheet(
  file: string,
  before: FrameBatch,
  mask: MaskBatch | null,
  after: FrameBatch,
  opts: ContactSheetOptions = {},
): Promise<void> {
  await atomicWrite(file, [contactSheet(before, mask, after, opts)]);
}
