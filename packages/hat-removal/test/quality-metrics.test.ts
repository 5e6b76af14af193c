import { describe, expect, it } from 'vitest';
import { maskedPsnr, maskedSsim } from '../src/index.js';
import type { FrameBatch, MaskBatch } from '../src/index.js';

const W = 16;
const H = 12;
const flat = (v: number): FrameBatch => ({ data: new Uint8Array(W * H * 3).fill(v), frames: 1, width: W, height: H });

describe('quality metrics', () => {
  it('PSNR matches 10 log10(255^2 / MSE) over the masked pixels only', () => {
    const a = flat(100);
    const b = flat(100);
    const mask: MaskBatch = { data: new Uint8Array(W * H), frames: 1, width: W, height: H };
    for (let i = 0; i < 10; i++) {
      mask.data[i] = 255;
      b.data.fill(110, i * 3, i * 3 + 3); // error 10 inside the mask
    }
    b.data.fill(0, 50 * 3, 51 * 3); // a large error outside the mask is ignored
    expect(maskedPsnr(a, b, mask)).toBeCloseTo(10 * Math.log10((255 * 255) / 100), 10);
    expect(maskedPsnr(a, a, null)).toBe(Infinity);
  });

  it('SSIM is 1 for identical images and has the closed form of a constant shift', () => {
    const a = flat(100);
    expect(maskedSsim(a, a, null)).toBeCloseTo(1, 12);
    // constant images: zero variance, so SSIM = (2 mx my + C1) / (mx^2 + my^2 + C1)
    const b = flat(140);
    const C1 = (0.01 * 255) ** 2;
    const mx = 0.299 * 100 + 0.587 * 100 + 0.114 * 100;
    const my = 0.299 * 140 + 0.587 * 140 + 0.114 * 140;
    expect(maskedSsim(a, b, null)).toBeCloseTo((2 * mx * my + C1) / (mx * mx + my * my + C1), 10);
  });
});
