import { writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrames, encodeVideo, findFfmpeg, probeVideo } from '../src/index.js';
import { frameMean, makeFrames, redOf, tempDir } from './helpers.js';

const T = 60;
const H = 48;
const W = 64;
const frames = makeFrames(T, H, W);
let tmp: ReturnType<typeof tempDir>;

function maxDiff(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.cleanup());

describe('findFfmpeg', () => {
  it('honours PPMA_FFMPEG / PPMA_FFPROBE and rejects a non-executable override', () => {
    const found = findFfmpeg();
    expect(found.ffmpeg).toMatch(/ffmpeg/);
    const old = process.env.PPMA_FFMPEG;
    try {
      process.env.PPMA_FFMPEG = found.ffmpeg;
      expect(findFfmpeg().ffmpeg).toBe(found.ffmpeg);
      process.env.PPMA_FFMPEG = join(tmp.dir, 'nope');
      expect(() => findFfmpeg()).toThrow(/PPMA_FFMPEG/);
    } finally {
      if (old === undefined) delete process.env.PPMA_FFMPEG;
      else process.env.PPMA_FFMPEG = old;
    }
  });
});

describe('encodeVideo + decodeFrames round trips', () => {
  for (const name of ['ll.mkv', 'll.mp4', 'll.avi']) {
    it(`lossless ${name} is bit-exact, RGB and gray`, async () => {
      const p = join(tmp.dir, name);
      await encodeVideo(p, frames, { width: W, height: H, fps: 25, lossless: true });
      const info = await probeVideo(p);
      expect(info).toMatchObject({ width: W, height: H, fps: 25, frameCount: T, isFrameDir: false, rotation: 0 });
      const all = await decodeFrames(p);
      expect(all.frames).toBe(T);
      expect(maxDiff(all.data, frames)).toBe(0);
      const gray = new Uint8Array(T * H * W);
      for (let i = 0; i < gray.length; i++) gray[i] = (frames[i * 3] + 3 * frames[i * 3 + 1]) & 255;
      const pg = join(tmp.dir, `g-${name}`);
      await encodeVideo(
        pg,
        (function* () {
          for (let t = 0; t < T; t++) yield gray.subarray(t * H * W, (t + 1) * H * W);
        })(),
        { width: W, height: H, fps: 25, lossless: true, gray: true },
      );
      const g = await decodeFrames(pg, { gray: true, indices: [0, 31, 59] });
      expect(g.data.length).toBe(3 * H * W);
      expect(maxDiff(g.data.subarray(H * W, 2 * H * W), gray.subarray(31 * H * W, 32 * H * W))).toBe(0);
    });
  }

  for (const name of ['lossy.mp4', 'lossy.webm']) {
    it(`${name}: sampled indices (any order, repeats) return the right frames`, async () => {
      const p = join(tmp.dir, name);
      await encodeVideo(p, frames, { width: W, height: H, fps: 25 });
      expect(await probeVideo(p)).toMatchObject({ frameCount: T, fps: 25, vfr: false });
      const idx = [50, 3, 7, 7, 33, 59];
      const d = await decodeFrames(p, { indices: idx });
      expect(d).toMatchObject({ frames: idx.length, width: W, height: H });
      idx.forEach((t, k) => expect(Math.abs(frameMean(d.data, k, H, W) - redOf(t))).toBeLessThan(4));
      const r = await decodeFrames(p, { start: 10, count: 5 });
      for (let k = 0; k < 5; k++) expect(Math.abs(frameMean(r.data, k, H, W) - redOf(10 + k))).toBeLessThan(4);
    });
  }

  it('resizes on the ffmpeg side (width only keeps aspect; gray has one channel)', async () => {
    const p = join(tmp.dir, 'll.mkv');
    const d = await decodeFrames(p, { indices: [4], width: 32 });
    expect([d.width, d.height, d.data.length]).toEqual([32, 24, 32 * 24 * 3]);
    // G is an x gradient: left edge dark, right edge bright after resizing too.
    expect(d.data[1]).toBeLessThan(20);
    expect(d.data[31 * 3 + 1]).toBeGreaterThan(235);
    const g = await decodeFrames(p, { indices: [4], shortSide: 12, gray: true });
    expect([g.width, g.height, g.data.length]).toEqual([16, 12, 16 * 12]);
  });

  it('rejects frames of the wrong size and leaves no partial file', async () => {
    const p = join(tmp.dir, 'bad.mp4');
    await expect(encodeVideo(p, [new Uint8Array(10)], { width: W, height: H, fps: 25 })).rejects.toThrow(/bad\.mp4/);
    expect(readdirSync(tmp.dir).filter((f) => f.includes('bad'))).toEqual([]);
  });
});

describe('frame folders', () => {
  it('reads PNG frames bit-exactly, in natural order (frame_2 before frame_10)', async () => {
    const dir = join(tmp.dir, 'png');
    mkdirSync(dir);
    const { ffmpeg } = findFfmpeg();
    const { execFileSync } = await import('node:child_process');
    execFileSync(ffmpeg, [
      '-v',
      'error',
      '-i',
      join(tmp.dir, 'll.mkv'),
      '-frames:v',
      '12',
      '-pix_fmt',
      'rgb24',
      join(dir, 'frame_%d.png'),
    ]);
    const d = await decodeFrames(dir, { indices: [10, 1, 2] });
    const ref = await decodeFrames(join(tmp.dir, 'll.mkv'), { indices: [10, 1, 2] });
    expect(Buffer.compare(d.data, ref.data)).toBe(0);
  });

  it('reads a folder of JPEG frames as a video, in natural order', async () => {
    const src = join(tmp.dir, 'll.mkv');
    const dir = join(tmp.dir, 'frames');
    mkdirSync(dir);
    const { ffmpeg } = findFfmpeg();
    const { execFileSync } = await import('node:child_process');
    execFileSync(ffmpeg, ['-v', 'error', '-i', src, '-frames:v', '12', '-q:v', '2', join(dir, 'img_%d.jpg')]);
    writeFileSync(join(dir, 'notes.txt'), 'not a frame');
    const info = await probeVideo(dir);
    expect(info).toMatchObject({ isFrameDir: true, frameCount: 12, width: W, height: H });
    const d = await decodeFrames(dir, { indices: [11, 1, 9] });
    [11, 1, 9].forEach((t, k) => expect(Math.abs(frameMean(d.data, k, H, W) - redOf(t))).toBeLessThan(4));
  });
});
