import { describe, expect, it } from 'vitest';
import { estimateCameraPath, estimateShift, fft } from '../src/index.js';
import { crop, texture } from './helpers/scene.js';

describe('global motion', () => {
  it('fft matches a naive DFT', () => {
    const n = 16;
    const re = Float64Array.from({ length: n }, (_, i) => Math.sin(i) + i * 0.1);
    const im = new Float64Array(n);
    const r = re.slice();
    const i2 = im.slice();
    fft(r, i2);
    for (let k = 0; k < n; k++) {
      let sr = 0;
      let si = 0;
      for (let t = 0; t < n; t++) {
        sr += re[t] * Math.cos((-2 * Math.PI * k * t) / n);
        si += re[t] * Math.sin((-2 * Math.PI * k * t) / n);
      }
      expect(r[k]).toBeCloseTo(sr, 9);
      expect(i2[k]).toBeCloseTo(si, 9);
    }
  });

  it('phase correlation recovers a known translation; identical frames give exactly 0', () => {
    const big = texture(220, 180, 1);
    const w = 160;
    const h = 120;
    const a = crop(big, 220, 30, 30, w, h);
    // b shows the scene moved by (+7, -4): b(x) = a(x - d)  <=> window origin moves by -d
    const b = crop(big, 220, 30 - 7, 30 + 4, w, h);
    const s = estimateShift(a, b, w, h);
    expect(s.dx).toBeCloseTo(7, 0);
    expect(s.dy).toBeCloseTo(-4, 0);
    expect(estimateShift(a, a, w, h)).toEqual({ dx: 0, dy: 0 });
  });

  it('chains a camera path so that scene point = pixel + offset', () => {
    const big = texture(240, 160, 2);
    const w = 160;
    const h = 120;
    const origins = [0, 5, 10, 15, 20].map((ox) => [ox, 10] as const);
    const data = new Uint8Array(origins.length * w * h * 3);
    origins.forEach(([ox, oy], t) => data.set(crop(big, 240, ox, oy, w, h), t * w * h * 3));
    const path = estimateCameraPath({ data, frames: origins.length, width: w, height: h });
    path.forEach((p, t) => {
      expect(p.dx).toBeCloseTo(origins[t][0], 0);
      expect(Math.abs(p.dy)).toBeLessThan(0.5);
    });
  });
});
