import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng, VideoInputError } from '@ppma/core';
import type { VideoProblem } from '@ppma/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDataLoader,
  decodeFrames,
  encodeVideo,
  findFfmpeg,
  probeVideo,
  sampleTrainClip,
  validateDataset,
  validateVideo,
} from '../src/index.js';
import type { Manifest } from '../src/index.js';
import { makeFrames, tempDir } from './helpers.js';

const tmp = tempDir();
const f = (name: string): string => join(tmp.dir, name);
const ff = (args: string[]): void => {
  execFileSync(findFfmpeg().ffmpeg, ['-v', 'error', '-y', ...args]);
};

async function expectProblem(p: Promise<unknown>, file: string, problem: VideoProblem): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, `${file} should fail with ${problem}`).toBeInstanceOf(VideoInputError);
  expect((e as VideoInputError).problem).toBe(problem);
  expect((e as VideoInputError).message).toContain(file);
  expect((e as VideoInputError).code).toBe('PPMA_VIDEO_INPUT');
}

beforeAll(async () => {
  await encodeVideo(f('good.mp4'), makeFrames(20, 32, 32), { width: 32, height: 32, fps: 10 });
  writeFileSync(f('empty.mp4'), '');
  writeFileSync(f('text.mp4'), 'this is not a video\n'.repeat(50));
  ff(['-f', 'lavfi', '-i', 'testsrc=size=32x32', '-frames:v', '1', f('still.png')]);
  ff(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', f('audio.m4a')]);
  // moov at the end, cut in half: the index is gone.
  ff(['-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=25', '-t', '2', '-c:v', 'libx264', f('full.mp4')]);
  const full = readFileSync(f('full.mp4'));
  writeFileSync(f('cut-index.mp4'), full.subarray(0, Math.floor(full.length / 2)));
  // moov first (faststart), cut at 60%: probes fine, the last frames are missing.
  ff([
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=64x48:rate=25',
    '-t',
    '2',
    '-c:v',
    'libx264',
    '-g',
    '10',
    '-movflags',
    '+faststart',
    f('fs.mp4'),
  ]);
  const fs = readFileSync(f('fs.mp4'));
  writeFileSync(f('cut-data.mp4'), fs.subarray(0, Math.floor(fs.length * 0.6)));
  // Garbage inside the coded frames, container intact.
  const bad = Buffer.from(fs);
  const mdat = bad.indexOf('mdat');
  const at = mdat + Math.floor((bad.length - mdat) / 2);
  for (let k = at; k < at + 600; k++) bad[k] = (k * 37) & 255;
  writeFileSync(f('corrupt.mp4'), bad);
});
afterAll(() => tmp.cleanup());

describe('bad input raises a typed error naming the file and the reason', () => {
  it('missing', () => expectProblem(probeVideo(f('nope.mp4')), f('nope.mp4'), 'missing'));
  it('empty', () => expectProblem(probeVideo(f('empty.mp4')), f('empty.mp4'), 'empty'));
  it('not a video (text, still image)', async () => {
    await expectProblem(probeVideo(f('text.mp4')), f('text.mp4'), 'not-a-video');
    await expectProblem(probeVideo(f('still.png')), f('still.png'), 'not-a-video');
  });
  it('audio only', () => expectProblem(probeVideo(f('audio.m4a')), f('audio.m4a'), 'audio-only'));
  it('truncated (index lost, or frames cut off)', async () => {
    await expectProblem(probeVideo(f('cut-index.mp4')), f('cut-index.mp4'), 'truncated');
    await expectProblem(decodeFrames(f('cut-data.mp4'), { indices: [49] }), f('cut-data.mp4'), 'truncated');
    await expectProblem(validateVideo(f('cut-data.mp4')), f('cut-data.mp4'), 'truncated');
  });
  it('unreadable frames', async () => {
    await expectProblem(decodeFrames(f('corrupt.mp4')), f('corrupt.mp4'), 'unreadable-frames');
    await expectProblem(validateVideo(f('corrupt.mp4'), { deep: true }), f('corrupt.mp4'), 'unreadable-frames');
  });
  it('too short', async () => {
    await expectProblem(decodeFrames(f('good.mp4'), { indices: [20] }), f('good.mp4'), 'too-short');
    await expectProblem(
      sampleTrainClip(f('good.mp4'), { frames: 16, stride: 2, shortMode: 'error' }, new Rng(0)),
      f('good.mp4'),
      'too-short',
    );
    await expectProblem(validateVideo(f('good.mp4'), { minFrames: 32 }), f('good.mp4'), 'too-short');
  });
  it('an empty frame folder', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(f('noframes'));
    await expectProblem(probeVideo(f('noframes')), f('noframes'), 'empty');
  });
});

describe('seeking', () => {
  it('a window after a corrupt stretch decodes cleanly: what precedes the window is never decoded', async () => {
    const src = f('long.mp4');
    ff([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=64x48:rate=25',
      '-t',
      '8',
      '-c:v',
      'libx264',
      '-g',
      '25',
      '-movflags',
      '+faststart',
      src,
    ]);
    const bytes = readFileSync(src);
    const mdat = bytes.indexOf('mdat');
    const at = mdat + Math.floor((bytes.length - mdat) * 0.2);
    for (let k = at; k < at + 400; k++) bytes[k] = (k * 37) & 255;
    writeFileSync(f('bad-start.mp4'), bytes);
    await expectProblem(decodeFrames(f('bad-start.mp4')), f('bad-start.mp4'), 'unreadable-frames');
    const tail = await decodeFrames(f('bad-start.mp4'), { indices: [180, 190, 199] });
    const ref = await decodeFrames(src, { indices: [180, 190, 199] });
    expect(Buffer.compare(tail.data, ref.data)).toBe(0);
  });
});

describe('dataset runs skip bad files and report them with counts', () => {
  const names = ['good.mp4', 'empty.mp4', 'text.mp4', 'audio.m4a', 'cut-index.mp4', 'nope.mp4'];
  const manifest = (): Manifest => ({
    labels: ['a', 'b'],
    entries: names.map((n, i) => ({ path: f(n), label: i % 2, labelName: ['a', 'b'][i % 2] })),
  });

  it('validateDataset counts every problem', async () => {
    const r = await validateDataset({ paths: names.map(f) });
    expect(r.ok).toBe(1);
    expect(r.counts).toEqual({ empty: 1, 'not-a-video': 1, 'audio-only': 1, truncated: 1, missing: 1 });
  });

  it('the data loader yields only real clips and lists the skipped files', async () => {
    for (const n of ['good2.mp4', 'good3.mp4']) copyFileSync(f('good.mp4'), f(n));
    const m = manifest();
    m.entries.push(
      { path: f('good2.mp4'), label: 1, labelName: 'b' },
      { path: f('good3.mp4'), label: 0, labelName: 'a' },
    );
    const loader = createDataLoader({
      manifest: m,
      batchSize: 2,
      frames: 4,
      size: 16,
      mode: 'eval',
      seed: 1,
      epoch: 0,
    });
    const seen: string[] = [];
    for await (const b of loader) {
      expect(b.clips.length).toBe(b.batchSize * 4 * 16 * 16 * 3);
      seen.push(...b.sources);
    }
    expect(seen.sort()).toEqual([f('good.mp4'), f('good2.mp4'), f('good3.mp4')]);
    const rep = loader.skipped();
    expect(rep.problems).toHaveLength(5);
    expect(rep.counts).toEqual({ empty: 1, 'not-a-video': 1, 'audio-only': 1, truncated: 1, missing: 1 });
  });
});
