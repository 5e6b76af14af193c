// `ppma data validate` on inputs users really have: a valid H.264 AVI must pass (and decode the
// right frames), a frame folder with one cut-off JPEG must fail naming that frame, and a FIFO must
// be refused at once instead of hanging.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VideoInputError } from '@ppma/core';
import { decodeFrames, encodeVideo, probeVideo, readPpmaCsv, validateDataset, validateVideo } from '../src/index.js';
import { frameMean, makeFrames, redOf, tempDir } from './helpers.js';

const tmp = tempDir('ppma-validate-');
afterAll(() => tmp.cleanup());
const ffmpeg = (...args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
const hasMkfifo = (() => {
  try {
    execFileSync('mkfifo', ['--version']);
    return true;
  } catch {
    return false;
  }
})();
if (!hasMkfifo) console.warn('FIFO tests skipped: no mkfifo');

describe('validate: valid files pass', () => {
  it('a 12-frame H.264 AVI at 10 fps (B-frames, no presentation times) passes', async () => {
    const avi = join(tmp.dir, 'x.avi');
    // exactly as the report made it
    ffmpeg(
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=320x240:rate=10',
      '-frames:v',
      '12',
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      avi,
    );
    const info = await validateVideo(avi);
    expect(info.frameCount).toBe(12);
    const report = await validateDataset({ paths: [avi] });
    expect(report).toEqual({ ok: 1, problems: [], counts: {} });
  });

  it('an H.264 AVI decodes the frames asked for, not ones two frames later', async () => {
    const avi = join(tmp.dir, 'id.avi');
    await encodeVideo(avi, makeFrames(24, 32, 32), { width: 32, height: 32, fps: 10 });
    const want = [0, 1, 5, 12, 22, 23];
    const d = await decodeFrames(avi, { indices: want });
    want.forEach((t, k) => expect(Math.abs(frameMean(d.data, k, 32, 32) - redOf(t)), `frame ${t}`).toBeLessThan(4));
  });
});

describe('validate: broken frame folders fail, naming the frame', () => {
  it('one truncated JPEG among the frames is reported with its file name', async () => {
    const dir = join(tmp.dir, 'frames');
    mkdirSync(dir);
    ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10', '-frames:v', '6', join(dir, 'img_%05d.jpg'));
    const bad = join(dir, 'img_00003.jpg');
    writeFileSync(bad, readFileSync(bad).subarray(0, 600));
    const err = await validateVideo(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VideoInputError);
    expect((err as VideoInputError).problem).toBe('unreadable-frames');
    expect((err as Error).message).toContain('img_00003.jpg');
    // Decoding the clip (as training does) fails too instead of yielding a half-grey frame.
    const dec = await decodeFrames(dir, { width: 16, height: 16 }).catch((e: unknown) => e);
    expect(dec).toBeInstanceOf(VideoInputError);
    expect((dec as Error).message).toContain('img_00003.jpg');
    const report = await validateDataset({ paths: [dir] });
    expect(report.counts).toEqual({ 'unreadable-frames': 1 });
  });
});

describe('FIFOs are refused, not waited on', () => {
  it.skipIf(!hasMkfifo)('a FIFO given as a video or a manifest fails at once (needs mkfifo)', async () => {
    const fifo = join(tmp.dir, 'pipe.mp4');
    execFileSync('mkfifo', [fifo]);
    const t0 = performance.now();
    const err = await probeVideo(fifo).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VideoInputError);
    expect((err as Error).message).toMatch(/pipe\.mp4: not-a-video: a FIFO \(named pipe\), not a regular file/);
    const csvFifo = join(tmp.dir, 'list.csv');
    execFileSync('mkfifo', [csvFifo]);
    await expect(readPpmaCsv(csvFifo)).rejects.toThrow(/list\.csv: .*FIFO/);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
