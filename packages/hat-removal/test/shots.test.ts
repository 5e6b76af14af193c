/**
 * Shot cuts: found on footage built from the real clip (and none inside its shots), and the
 * inpainting never takes a pixel from another shot.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrames } from '@ppma/video-io';
import { frameSignature, inpaintWindow, isCut } from '../src/index.js';
import type { FrameBatch } from '../src/index.js';
import { closeupClip, cutsClip, PEDESTRIANS } from './helpers/footage.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hr-shots-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function cutsOf(v: FrameBatch): number[] {
  const n = v.width * v.height * 3;
  const sig = Array.from({ length: v.frames }, (_, t) =>
    frameSignature(v.data.subarray(t * n, (t + 1) * n), v.width, v.height),
  );
  return sig.flatMap((s, t) => (t > 0 && isCut(sig[t - 1], s) ? [t] : []));
}

describe('shot cuts', () => {
  it('finds the cuts of joined shots (a mirrored stretch of the same street, a close-up) and none inside shots', async () => {
    expect(cutsOf(await decodeFrames(cutsClip(path.join(dir, 'cuts.mp4'), 192, 144, 10)))).toEqual([10, 20]);
    expect(cutsOf(await decodeFrames(closeupClip(path.join(dir, 'close.mp4'), 192, 144, 12)))).toEqual([12]);
    expect(cutsOf(await decodeFrames(PEDESTRIANS))).toEqual([]);
  });

  it('inpainting fills from the same shot only', () => {
    // shot 0 (frames 0-3) red, shot 1 (frames 4-7) blue; a hole in the middle of every shot-1 frame
    const W = 24;
    const H = 16;
    const n = W * H;
    const T = 8;
    const data = new Uint8Array(T * n * 3);
    for (let t = 0; t < T; t++)
      for (let i = 0; i < n; i++) data.set(t < 4 ? [220, 20, 20] : [20, 20, 220], (t * n + i) * 3);
    const mask = new Uint8Array(T * n);
    for (let t = 4; t < T; t++) for (let y = 4; y < 12; y++) mask.fill(255, t * n + y * W + 8, t * n + y * W + 16);
    const frames = { data, frames: T, width: W, height: H };
    const masks = { data: mask, frames: T, width: W, height: H };
    const shots = [0, 0, 0, 0, 1, 1, 1, 1];
    const centre = ((8 * W + 12) * 3) as number;
    const withShots = inpaintWindow(frames, masks, 4, 5, { shots, seam: 0 });
    expect([...withShots.subarray(centre, centre + 3)]).toEqual([20, 20, 220]); // spatial fill from blue
    const across = inpaintWindow(frames, masks, 4, 5, { seam: 0 });
    expect(across[centre]).toBeGreaterThan(200); // without shots the red shot leaks in
  });
});
