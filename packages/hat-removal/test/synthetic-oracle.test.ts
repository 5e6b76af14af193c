import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBenchmark, readSynthClean, readSynthMasks } from '@ppma/synth';
import { decodeFrames } from '@ppma/video-io';
import { createSegmenter, maskedPsnr, refineMasks, removeHumans } from '../src/index.js';

let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hr-synth-'));
  await generateBenchmark({
    preset: 'tiny',
    seed: 3,
    out: dir,
    datasets: ['pretrain-real'],
    perClass: { 'pretrain-real': { train: 1, val: 0 } },
  });
  // three clips are enough: a manifest of the first three
  const lines = fs
    .readFileSync(path.join(dir, 'pretrain-real', 'train.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(0, 3);
  fs.writeFileSync(path.join(dir, 'pretrain-real', 'three.csv'), lines.join('\n') + '\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('oracle removal on synthetic real-style clips', () => {
  it('brings the person pixels closer to the true clean background than the input was, on average', async () => {
    const out = path.join(dir, 'nh');
    const lines: string[] = [];
    const sum = await removeHumans({
      input: path.join(dir, 'pretrain-real', 'three.csv'),
      out,
      segmenter: 'oracle',
      progress: false,
      log: (l) => lines.push(l),
    });
    expect(sum.failed).toEqual([]);
    // unrecoverable frames: one summary line for the run, the per-video counts in report.json
    expect(lines.filter((l) => /frames unrecoverable/.test(l))).toEqual([]);
    const hit = sum.outputs.filter((o) => o.unrecoverable > 0).length;
    expect(lines.filter((l) => /videos had unrecoverable frames/.test(l))).toHaveLength(hit > 0 ? 1 : 0);
    expect(sum.processed).toBe(3);
    expect(fs.readFileSync(path.join(out, 'three.csv'), 'utf8').trim().split('\n')).toHaveLength(3);
    let before = 0;
    let after = 0;
    for (const o of sum.outputs) {
      const clean = await readSynthClean(o.input);
      const region = refineMasks(await readSynthMasks(o.input), { dilate: 0, temporal: false }); // the person's own pixels
      before += maskedPsnr(await decodeFrames(o.input), clean, region) / 3;
      after += maskedPsnr(await decodeFrames(path.join(out, o.output)), clean, region) / 3;
    }
    // on average over the clips (a person who hardly moves leaves only a spatial fill)
    expect(after).toBeGreaterThan(before + 2);
  });

  it('the oracle segmenter reports every frame it segments (the progress bar moves per frame)', async () => {
    const first = JSON.parse(fs.readFileSync(path.join(dir, 'nh', 'report.json'), 'utf8')).outputs[0].input;
    const masks = await readSynthMasks(first);
    const seg = await createSegmenter('oracle', { masks });
    const frames = await decodeFrames(first);
    let ticks = 0;
    await seg.segment(frames, () => ticks++);
    expect(ticks).toBe(frames.frames);
  });
});
