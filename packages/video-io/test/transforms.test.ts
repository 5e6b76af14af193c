import { Rng } from '@ppma/core';
import { describe, expect, it } from 'vitest';
import {
  applyOp,
  centerCrop,
  cropClip,
  drawRandAugment,
  hflipClip,
  mixupCutmix,
  randAugment,
  RAND_AUGMENT_OPS,
  randomErasing,
  randomResizedCrop,
  randomResizedCropBox,
  resizeClip,
  resizeShortSide,
  sampleBeta,
  threeCrop,
  threeCropBoxes,
} from '../src/index.js';
import type { ClipLike } from '../src/index.js';

/** A clip whose pixel (t, y, x, c) = (t*7 + y*5 + x*3 + c*11) mod 251, every frame different. */
function pattern(T: number, H: number, W: number, frameSame = false): ClipLike {
  const data = new Uint8Array(T * H * W * 3);
  for (let t = 0; t < T; t++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        for (let c = 0; c < 3; c++)
          data[((t * H + y) * W + x) * 3 + c] = ((frameSame ? 0 : t * 7) + y * 5 + x * 3 + c * 11) % 251;
  return { data, frames: T, height: H, width: W };
}
const px = (c: ClipLike, t: number, y: number, x: number, ch = 0): number =>
  c.data[((t * c.height + y) * c.width + x) * 3 + ch];
const framesEqual = (c: ClipLike): boolean => {
  const n = c.height * c.width * 3;
  for (let t = 1; t < c.frames; t++) for (let i = 0; i < n; i++) if (c.data[t * n + i] !== c.data[i]) return false;
  return true;
};

describe('geometry', () => {
  it('flip twice is the identity; flip mirrors x', () => {
    const c = pattern(2, 5, 7);
    const f = hflipClip(c);
    expect(px(f, 1, 2, 0, 1)).toBe(px(c, 1, 2, 6, 1));
    expect(hflipClip(f).data).toEqual(c.data);
  });

  it('crop copies the right pixels; center and three-crop coordinates', () => {
    const c = pattern(2, 10, 16);
    const k = cropClip(c, { x: 3, y: 2, width: 4, height: 5 });
    expect(px(k, 1, 0, 0, 2)).toBe(px(c, 1, 2, 3, 2));
    expect(px(k, 1, 4, 3)).toBe(px(c, 1, 6, 6));
    expect(() => cropClip(c, { x: 14, y: 0, width: 4, height: 4 })).toThrow(/outside/);
    const cc = centerCrop(c, 8);
    expect(px(cc, 0, 0, 0)).toBe(px(c, 0, 1, 4));
    expect(threeCropBoxes(c, 10).map((b) => b.x)).toEqual([0, 3, 6]);
    expect(threeCropBoxes(pattern(1, 16, 10), 10).map((b) => b.y)).toEqual([0, 3, 6]);
    const [l, , r] = threeCrop(c, 10);
    expect(px(l, 0, 0, 0)).toBe(px(c, 0, 0, 0));
    expect(px(r, 0, 9, 9)).toBe(px(c, 0, 9, 15));
  });

  it('bilinear resize matches the closed form on a linear ramp and keeps constants', () => {
    // A ramp v = 10 x is reproduced exactly by half-pixel bilinear sampling away from the borders.
    const W = 20;
    const ramp: ClipLike = { data: new Uint8Array(1 * 1 * W * 3), frames: 1, height: 1, width: W };
    for (let x = 0; x < W; x++) ramp.data.fill(x * 10, x * 3, x * 3 + 3);
    const r = resizeClip(ramp, 10, 1);
    for (let i = 1; i < 9; i++) expect(px(r, 0, 0, i)).toBe(Math.round(10 * ((i + 0.5) * 2 - 0.5)));
    const flat: ClipLike = { data: new Uint8Array(2 * 9 * 9 * 3).fill(77), frames: 2, height: 9, width: 9 };
    expect(resizeClip(flat, 4, 13).data.every((v) => v === 77)).toBe(true);
    const s = resizeShortSide(pattern(1, 20, 30), 10);
    expect([s.height, s.width]).toEqual([10, 15]);
  });

  it('random resized crop boxes stay inside, follow the scale range, and repeat with the seed', () => {
    for (let i = 0; i < 200; i++) {
      const b = randomResizedCropBox(64, 48, new Rng(i), { scale: [0.25, 1] });
      expect(b.x >= 0 && b.y >= 0 && b.x + b.width <= 64 && b.y + b.height <= 48).toBe(true);
      expect((b.width * b.height) / (64 * 48)).toBeLessThanOrEqual(1.0001);
    }
    const a = randomResizedCrop(pattern(3, 48, 64), 16, new Rng(5));
    const b = randomResizedCrop(pattern(3, 48, 64), 16, new Rng(5));
    expect(a.box).toEqual(b.box);
    expect([a.clip.width, a.clip.height, a.clip.frames]).toEqual([16, 16, 3]);
  });
});

describe('RandAugment', () => {
  const clip = pattern(3, 12, 12, true);

  it('applies the same op to every frame (identical frames stay identical)', () => {
    for (const name of RAND_AUGMENT_OPS) {
      const out = applyOp(clip, {
        name,
        arg:
          name === 'Posterize'
            ? 2
            : name === 'Solarize'
              ? 100
              : name === 'Rotate'
                ? 20
                : ['ShearX', 'ShearY', 'TranslateXRel', 'TranslateYRel'].includes(name)
                  ? 0.2
                  : name === 'SolarizeAdd'
                    ? 50
                    : 1.5,
      });
      expect(framesEqual(out), name).toBe(true);
    }
    for (let s = 0; s < 20; s++)
      expect(framesEqual(randAugment(clip, new Rng(s), { m: 9, n: 4, p: 1 }).clip)).toBe(true);
  });

  it('each op does what it says', () => {
    const c = pattern(1, 12, 12);
    expect(applyOp(applyOp(c, { name: 'Invert', arg: 0 }), { name: 'Invert', arg: 0 }).data).toEqual(c.data);
    expect(applyOp(c, { name: 'Brightness', arg: 1 }).data).toEqual(c.data);
    expect(applyOp(c, { name: 'Color', arg: 1 }).data).toEqual(c.data);
    expect(applyOp(c, { name: 'Posterize', arg: 2 }).data.every((v) => (v & 0x3f) === 0)).toBe(true);
    const sol = applyOp(c, { name: 'Solarize', arg: 128 });
    c.data.forEach((v, i) => expect(sol.data[i]).toBe(v >= 128 ? 255 - v : v));
    const tr = applyOp(c, { name: 'TranslateXRel', arg: 0.25 }); // shifts right by 3 px, fills the left
    expect(px(tr, 0, 4, 7)).toBe(px(c, 0, 4, 4));
    expect([px(tr, 0, 4, 0, 0), px(tr, 0, 4, 0, 1), px(tr, 0, 4, 0, 2)]).toEqual([124, 116, 104]);
    const ac = applyOp(c, { name: 'AutoContrast', arg: 0 });
    expect(Math.min(...ac.data.filter((_, i) => i % 3 === 0))).toBe(0);
    expect(Math.max(...ac.data.filter((_, i) => i % 3 === 0))).toBe(255);
    const con = applyOp(c, { name: 'Contrast', arg: 0 });
    expect(new Set(con.data).size).toBe(1);
  });

  it('p=0 applies nothing; n ops are drawn; the draw is seeded', () => {
    expect(drawRandAugment(new Rng(1), { n: 4, p: 0 })).toEqual([]);
    expect(drawRandAugment(new Rng(1), { n: 4, p: 1 })).toHaveLength(4);
    expect(drawRandAugment(new Rng(9), { m: 7, n: 4, p: 0.5 })).toEqual(
      drawRandAugment(new Rng(9), { m: 7, n: 4, p: 0.5 }),
    );
  });
});

describe('random erasing', () => {
  it('cube mode erases one in-bounds box in every frame, with area in range, and nothing outside', () => {
    const c = pattern(4, 40, 40);
    let applied = 0;
    for (let s = 0; s < 100; s++) {
      const { clip, boxes } = randomErasing(c, new Rng(s), { p: 0.5 });
      if (boxes.length === 0) {
        expect(Buffer.compare(clip.data, c.data)).toBe(0);
        continue;
      }
      applied++;
      expect(boxes).toHaveLength(4);
      boxes.forEach((b) => expect(b).toEqual(boxes[0]));
      const b = boxes[0];
      const frac = (b.width * b.height) / 1600;
      expect(frac).toBeGreaterThanOrEqual(0.01);
      expect(frac).toBeLessThanOrEqual(0.36);
      expect(b.x + b.width <= 40 && b.y + b.height <= 40).toBe(true);
      let changedOutside = 0;
      for (let t = 0; t < 4; t++)
        for (let y = 0; y < 40; y++)
          for (let x = 0; x < 40; x++) {
            const inside = x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height;
            if (!inside && px(clip, t, y, x) !== px(c, t, y, x)) changedOutside++;
          }
      expect(changedOutside).toBe(0);
    }
    expect(applied).toBeGreaterThan(30);
    expect(applied).toBeLessThan(70);
  });
});

describe('mixup / cutmix', () => {
  const B = 4;
  const shape = { frames: 2, height: 8, width: 8 };
  const per = 2 * 8 * 8 * 3;
  const clips = new Uint8Array(B * per);
  for (let b = 0; b < B; b++) clips.fill(b * 60, b * per, (b + 1) * per);
  const labels = Int32Array.from([0, 1, 2, 3]);

  it('soft labels sum to 1 and mix the pair with lambda', () => {
    for (let s = 0; s < 30; s++) {
      const m = mixupCutmix(clips, labels, shape, new Rng(s), { numClasses: 5 });
      for (let b = 0; b < B; b++) {
        const row = m.targets.subarray(b * 5, b * 5 + 5);
        expect(row.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
        const off = 0.1 / 5;
        expect(row[labels[b]]).toBeCloseTo(m.lambda * (0.9 + off) + (1 - m.lambda) * off, 5);
      }
      if (m.kind === 'mixup') expect(m.clips[0]).toBe(Math.round(m.lambda * 0 + (1 - m.lambda) * 180));
      if (m.kind === 'cutmix' && m.box) {
        // lambda equals the kept area fraction; the box region comes from the partner clip in every frame.
        expect(m.lambda).toBeCloseTo(1 - (m.box.width * m.box.height) / 64, 6);
        let from = 0;
        for (let i = 0; i < per; i += 3) if (m.clips[i] === 180) from++;
        expect(from).toBe(m.box.width * m.box.height * 2);
      }
    }
  });

  it('Beta sampling has the right mean', () => {
    const rng = new Rng(3);
    let s = 0;
    for (let i = 0; i < 4000; i++) s += sampleBeta(0.8, 0.8, rng);
    expect(s / 4000).toBeCloseTo(0.5, 1);
    let t = 0;
    for (let i = 0; i < 4000; i++) t += sampleBeta(2, 6, rng);
    expect(t / 4000).toBeCloseTo(0.25, 1);
  });
});
