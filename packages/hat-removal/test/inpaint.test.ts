import { describe, expect, it } from 'vitest';
import { estimateCameraPath, inpaintWindow, maskedPsnr, membraneFill } from '../src/index.js';
import type { FrameBatch, MaskBatch } from '../src/index.js';
import { crop, texture } from './helpers/scene.js';

/** Clean views of a textured scene from a camera at `origins`, plus a 14x20 "person" walking across. */
function scene(origins: readonly (readonly [number, number])[], w: number, h: number, seed = 3) {
  const BW = 260;
  const BH = 160;
  const big = texture(BW, BH, seed);
  const T = origins.length;
  const n = w * h;
  const clean = new Uint8Array(T * n * 3);
  const data = new Uint8Array(T * n * 3);
  const mask = new Uint8Array(T * n);
  origins.forEach(([ox, oy], t) => {
    const view = crop(big, BW, ox, oy, w, h);
    clean.set(view, t * n * 3);
    data.set(view, t * n * 3);
    const px = 10 + t * 6;
    for (let y = 40; y < 60; y++) {
      for (let x = px; x < px + 14; x++) {
        data.set([20, 20, 220], (t * n + y * w + x) * 3);
        mask[t * n + y * w + x] = 255;
      }
    }
  });
  const f = (d: Uint8Array): FrameBatch => ({ data: d, frames: T, width: w, height: h });
  return { frames: f(data), clean: f(clean), masks: { data: mask, frames: T, width: w, height: h } as MaskBatch };
}

describe('inpainting', () => {
  it('static camera: the temporal median restores the hidden background exactly', () => {
    const { frames, clean, masks } = scene(
      Array.from({ length: 16 }, () => [40, 30] as const),
      128,
      96,
    );
    const out = inpaintWindow(frames, masks, 0, 16, { seam: 0 });
    const res: FrameBatch = { ...frames, data: out };
    expect(maskedPsnr(res, clean, masks)).toBe(Infinity);
    // pixels outside the mask are untouched
    expect(maskedPsnr(res, clean, null)).toBe(Infinity);
  });

  it('moving camera: aligning with the estimated path recovers the background; ignoring motion does not', () => {
    const origins = Array.from({ length: 16 }, (_, t) => [20 + 4 * t, 30 + (t % 3)] as const);
    const { frames, clean, masks } = scene(origins, 128, 96);
    const path = estimateCameraPath(frames, masks);
    const aligned: FrameBatch = { ...frames, data: inpaintWindow(frames, masks, 0, 16, { path, seam: 0 }) };
    const naive: FrameBatch = { ...frames, data: inpaintWindow(frames, masks, 0, 16, { seam: 0 }) };
    const good = maskedPsnr(aligned, clean, masks);
    const bad = maskedPsnr(naive, clean, masks);
    expect(good).toBeGreaterThan(35);
    expect(bad).toBeLessThan(good - 10);
  });

  it('fills pixels no frame shows spatially, and the seam blend corrects a lighting change', () => {
    // the "person" stands still on a flat wall: never visible, filled from the border
    const w = 40;
    const h = 30;
    const T = 4;
    const n = w * h;
    const data = new Uint8Array(T * n * 3).fill(90);
    const mask = new Uint8Array(T * n);
    for (let t = 0; t < T; t++)
      for (let y = 10; y < 20; y++) for (let x = 15; x < 25; x++) mask[t * n + y * w + x] = 255;
    data.fill(90 + 30, 3 * n * 3, 4 * n * 3); // frame 3 is brighter (exposure change)
    for (let t = 0; t < T; t++)
      for (let i = 0; i < n; i++) if (mask[t * n + i]) data.fill(0, (t * n + i) * 3, (t * n + i) * 3 + 3);
    const stats = { temporal: 0, spatial: 0 };
    const out = inpaintWindow(
      { data, frames: T, width: w, height: h },
      { data: mask, frames: T, width: w, height: h },
      0,
      T,
      {},
      stats,
    );
    expect(stats.spatial).toBe(T * 100);
    for (let t = 0; t < T; t++) {
      const want = t === 3 ? 120 : 90;
      for (let i = 0; i < n; i++) expect(Math.abs(out[(t * n + i) * 3] - want)).toBeLessThanOrEqual(1);
    }
  });

  it('membraneFill interpolates a linear ramp exactly enough', () => {
    const W = 20;
    const H = 5;
    const v = new Float32Array(W * H);
    const unknown = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) v[y * W + x] = 10 * x;
    for (let y = 0; y < H; y++) for (let x = 5; x < 15; x++) unknown[y * W + x] = 1;
    const truth = v.slice();
    for (let i = 0; i < v.length; i++) if (unknown[i]) v[i] = 0;
    membraneFill(v, 1, W, H, unknown, 400);
    for (let i = 0; i < v.length; i++) expect(Math.abs(v[i] - truth[i])).toBeLessThan(1.5);
  });
});
