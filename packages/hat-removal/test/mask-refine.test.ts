import { describe, expect, it } from 'vitest';
import { catchMissedPeople, dilateCross, refineMasks } from '../src/index.js';
import type { FrameBatch, MaskBatch } from '../src/index.js';

describe('mask refinement', () => {
  it('dilates a point with a 3x3 cross 4 times into the L1 ball of radius 4 (41 pixels)', () => {
    const W = 21;
    const m = new Uint8Array(W * W);
    m[10 * W + 10] = 255;
    dilateCross(m, W, W, 4);
    let count = 0;
    for (let y = 0; y < W; y++) {
      for (let x = 0; x < W; x++) {
        const inBall = Math.abs(x - 10) + Math.abs(y - 10) <= 4;
        expect(m[y * W + x] !== 0).toBe(inBall);
        if (m[y * W + x]) count++;
      }
    }
    expect(count).toBe(2 * 4 * 4 + 2 * 4 + 1);
  });

  it('thresholds, and temporal smoothing adds a pixel that flickers off for one frame', () => {
    const W = 4;
    const H = 1;
    // pixel 0: 200, 40, 200 over three frames (a one-frame miss); pixel 3: 40 throughout (background)
    const soft: MaskBatch = {
      data: Uint8Array.from([200, 0, 0, 40, 40, 0, 0, 40, 200, 0, 0, 40]),
      frames: 3,
      width: W,
      height: H,
    };
    const off = refineMasks(soft, { threshold: 64, dilate: 0, temporal: false });
    expect(Array.from(off.data)).toEqual([255, 0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0]);
    const on = refineMasks(soft, { threshold: 64, dilate: 0, temporal: true });
    // frame 1, pixel 0: (200 + 2*40 + 200) / 4 = 120 >= 64
    expect(Array.from(on.data)).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0]);
  });

  it('catches pixels that differ from the clean plate, only inside person boxes', () => {
    const W = 10;
    const H = 10;
    const data = new Uint8Array(W * H * 3).fill(100);
    const set = (x: number, y: number, v: number): void => void data.fill(v, (y * W + x) * 3, (y * W + x) * 3 + 3);
    set(2, 2, 200); // inside the box: a missed person
    set(8, 8, 200); // outside every box: left alone
    set(3, 3, 110); // inside, but within the noise threshold
    const frames: FrameBatch = { data, frames: 1, width: W, height: H };
    const plate = (_t: number, _x: number, _y: number, rgb: Uint8Array): boolean => {
      rgb.fill(100);
      return true;
    };
    const m = catchMissedPeople(frames, [[{ x1: 1, y1: 1, x2: 5, y2: 5, score: 0.9 }]], plate, {
      diffThreshold: 28,
      grow: 0,
    });
    const on = [...m.data].flatMap((v, i) => (v ? [i] : []));
    expect(on).toEqual([2 * W + 2]);
  });
});
