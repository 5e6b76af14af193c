import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { initBackend, Rng } from '@ppma/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  batchToTensor,
  decodeFrames,
  encodeVideo,
  evalWindows,
  findFfmpeg,
  probeVideo,
  sampleEvalClips,
  sampleTrainClip,
  toTensor,
  trainWindow,
} from '../src/index.js';
import { frameMean, makeFrames, redOf, tempDir } from './helpers.js';

const tmp = tempDir();
const H = 32;
const W = 48;
let lossless: string;

function ff(args: string[]): void {
  execFileSync(findFfmpeg().ffmpeg, ['-v', 'error', '-y', ...args]);
}

beforeAll(async () => {
  lossless = join(tmp.dir, 'v.mkv');
  await encodeVideo(lossless, makeFrames(40, H, W), { width: W, height: H, fps: 20, lossless: true });
  await initBackend({ backend: 'cpu' });
});
afterAll(() => tmp.cleanup());

describe('window sampling', () => {
  it('train windows are strided, in range, and seeded', () => {
    for (let s = 0; s < 50; s++) {
      const idx = trainWindow(100, { frames: 8, stride: 4 }, new Rng(s));
      expect(idx).toHaveLength(8);
      expect(idx[0]).toBeGreaterThanOrEqual(0);
      expect(idx[7]).toBeLessThan(100);
      idx.slice(1).forEach((v, k) => expect(v - idx[k]).toBe(4));
    }
    expect(trainWindow(100, { frames: 8, stride: 4 }, new Rng(3))).toEqual(
      trainWindow(100, { frames: 8, stride: 4 }, new Rng(3)),
    );
    const starts = new Set(
      Array.from({ length: 40 }, (_, s) => trainWindow(100, { frames: 8, stride: 4 }, new Rng(s))[0]),
    );
    expect(starts.size).toBeGreaterThan(10);
  });

  it('eval windows are uniform; short videos loop, repeat the last frame, or fail', () => {
    expect(evalWindows(100, { frames: 4, stride: 2, numClips: 1 })).toEqual([[46, 48, 50, 52]]);
    const w = evalWindows(100, { frames: 4, stride: 2, numClips: 3 });
    expect(w.map((x) => x[0])).toEqual([15, 46, 77]);
    expect(evalWindows(5, { frames: 4, stride: 2, numClips: 1, shortMode: 'loop' })).toEqual([[0, 2, 4, 1]]);
    expect(evalWindows(5, { frames: 4, stride: 2, numClips: 1, shortMode: 'repeat-last' })).toEqual([[0, 2, 4, 4]]);
    expect(() => evalWindows(5, { frames: 4, stride: 2, numClips: 1, shortMode: 'error' }, 'short.mp4')).toThrow(
      /short\.mp4: too-short/,
    );
    const loop = trainWindow(5, { frames: 6 }, new Rng(1));
    loop.slice(1).forEach((v, k) => expect(v).toBe((loop[k] + 1) % 5));
  });
});

describe('clips', () => {
  it('sampleTrainClip returns the frames, indices and timestamps of its window', async () => {
    const clip = await sampleTrainClip(lossless, { frames: 5, stride: 3 }, new Rng(7));
    expect(clip.source).toBe(lossless);
    expect([clip.frames, clip.height, clip.width]).toEqual([5, H, W]);
    clip.indices.forEach((i, k) => {
      expect(frameMean(clip.data, k, H, W)).toBe(redOf(i));
      expect(clip.timestamps[k]).toBeCloseTo(i / 20, 6);
    });
  });

  it('sampleEvalClips gives K clips with short-side resize', async () => {
    const clips = await sampleEvalClips(lossless, { frames: 4, stride: 2, numClips: 2, shortSide: 16 });
    expect(clips).toHaveLength(2);
    expect([clips[0].height, clips[0].width]).toEqual([16, 24]);
    expect(clips[0].indices).toEqual(evalWindows(40, { frames: 4, stride: 2, numClips: 2 })[0]);
  });

  it('toTensor gives [B,T,H,W,3] float32 in [0,1] or ImageNet-normalised', async () => {
    const clip = await sampleTrainClip(lossless, { frames: 2 }, new Rng(1));
    const t = toTensor([clip, clip]);
    expect(t.shape).toEqual([2, 2, H, W, 3]);
    expect(t.dtype).toBe('float32');
    const v = await t.data();
    expect(v[0]).toBeCloseTo(clip.data[0] / 255, 6);
    const n = await toTensor([clip], { normalize: 'imagenet' }).data();
    expect(n[1]).toBeCloseTo((clip.data[1] / 255 - 0.456) / 0.224, 5);
    tf.dispose(t);
    const bt = batchToTensor({
      clips: Uint8Array.from([...clip.data, ...clip.data]),
      batchSize: 2,
      frames: 2,
      height: H,
      width: W,
    });
    expect(bt.shape).toEqual([2, 2, H, W, 3]);
    expect((await bt.data())[2 * H * W * 3 + 5]).toBeCloseTo(clip.data[5] / 255, 6);
    tf.dispose(bt);
    expect(() => toTensor([clip, { ...clip, frames: 1, data: clip.data.subarray(0, H * W * 3) }])).toThrow(/clip 1/);
  });
});

describe('source varieties', () => {
  it('honours rotation metadata', async () => {
    const src = join(tmp.dir, 'plain.mp4');
    await encodeVideo(src, makeFrames(10, H, W), { width: W, height: H, fps: 10 });
    const rot = join(tmp.dir, 'rot.mp4');
    ff(['-i', src, '-c', 'copy', '-metadata:s:v', 'rotate=90', rot]);
    const info = await probeVideo(rot);
    expect([info.width, info.height, info.rotation % 180]).toEqual([H, W, 90]);
    const d = await decodeFrames(rot, { indices: [3] });
    expect([d.width, d.height]).toEqual([H, W]);
    expect(Math.abs(frameMean(d.data, 0, W, H) - redOf(3))).toBeLessThan(4);
  });

  it('reads 10-bit, grayscale-coded and odd-sized videos', async () => {
    const ten = join(tmp.dir, 'ten.mkv');
    ff([
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=64x48:rate=10',
      '-t',
      '1',
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p10le',
      ten,
    ]);
    expect((await probeVideo(ten)).pixFmt).toMatch(/10/);
    expect((await decodeFrames(ten, { indices: [9] })).data.length).toBe(64 * 48 * 3);
    const gray = join(tmp.dir, 'gray.avi');
    ff(['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10', '-t', '1', '-c:v', 'ffv1', '-pix_fmt', 'gray', gray]);
    const g = await decodeFrames(gray, { indices: [2] });
    for (let i = 0; i < 64 * 48; i++) expect(g.data[3 * i]).toBe(g.data[3 * i + 2]);
    const odd = join(tmp.dir, 'odd.mp4');
    await encodeVideo(odd, makeFrames(6, 33, 27), { width: 27, height: 33, fps: 10 });
    const o = await decodeFrames(odd, { indices: [5] });
    expect([o.width, o.height]).toEqual([27, 33]);
    expect(Math.abs(frameMean(o.data, 0, 33, 27) - redOf(5))).toBeLessThan(4);
  });

  it('samples variable-frame-rate video by timestamp', async () => {
    // 30 frames: frames 0-9 shown for 0.2 s each, then 10-29 for 0.1 s each (2 s + 2 s).
    const src = join(tmp.dir, 'cfr.mkv');
    await encodeVideo(src, makeFrames(30, H, W), { width: W, height: H, fps: 10, lossless: true });
    const vfr = join(tmp.dir, 'vfr.mkv');
    ff(['-i', src, '-vf', "setpts='if(lt(N,10),2*N,N+10)/10/TB'", '-vsync', 'vfr', '-c:v', 'ffv1', vfr]);
    const info = await probeVideo(vfr);
    expect(info.vfr).toBe(true);
    const shown = (t: number): number =>
      t < 2 - 1e-6 ? Math.floor(t / 0.2 + 1e-6) : 10 + Math.floor((t - 2) / 0.1 + 1e-6);
    const idx = [0, 1, 2, 5, 9, 14, 20];
    const d = await decodeFrames(vfr, { indices: idx, info });
    idx.forEach((i, k) => {
      const t = i / info.fps;
      const got = (frameMean(d.data, k, H, W) - 20) / 11;
      expect([shown(t), shown(t + 0.5 / info.fps)]).toContain(Math.round(got));
    });
  });
});
