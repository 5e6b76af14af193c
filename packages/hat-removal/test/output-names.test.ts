import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrames } from '@ppma/video-io';
import { removeHumans, resolveRunInputs } from '../src/index.js';
import { conv1x1Model } from './helpers/tiny-onnx.js';

// Two videos with the same file name in different folders outside the manifest's folder
// (`../train/walk/walk_000.mp4` and `../val/walk/walk_000.mp4`): their outputs must not collide.
let dir: string;
const quiet = { log: () => undefined, progress: false } as const;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hr-names-'));
  for (const [split, colour] of [
    ['train', 'green'],
    ['val', 'blue'],
  ] as const) {
    fs.mkdirSync(path.join(dir, split, 'walk'), { recursive: true });
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `color=c=${colour}:s=32x24:r=10:d=0.4`,
      '-frames:v',
      '4',
      '-pix_fmt',
      'yuv420p',
      '-y',
      path.join(dir, split, 'walk', 'walk_000.mp4'),
    ]);
  }
  fs.mkdirSync(path.join(dir, 'lists'));
  fs.writeFileSync(path.join(dir, 'lists', 'all.csv'), '../train/walk/walk_000.mp4;0\n../val/walk/walk_000.mp4;0\n');
  fs.writeFileSync(path.join(dir, 'inside.csv'), 'train/walk/walk_000.mp4;0\nval/walk/walk_000.mp4;0\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('output names', () => {
  it('keep the path relative to the dataset root', async () => {
    const r = await resolveRunInputs(path.join(dir, 'inside.csv'));
    expect(r.entries.map((e) => e.rel)).toEqual(['train/walk/walk_000.mp4', 'val/walk/walk_000.mp4']);
  });

  it('refuse manifest entries outside the manifest folder, naming them', async () => {
    await expect(resolveRunInputs(path.join(dir, 'lists', 'all.csv'))).rejects.toThrow(
      /train\/walk\/walk_000\.mp4"? lies outside/,
    );
    await expect(
      removeHumans({ input: path.join(dir, 'lists', 'all.csv'), out: path.join(dir, 'refused'), ...quiet }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^PPMA_(CONFIG|MANIFEST)$/) });
    expect(fs.existsSync(path.join(dir, 'refused'))).toBe(false);
  });

  it('with allowOutsideRoot, two same-named inputs give two outputs, each from its own video', async () => {
    const model = path.join(dir, 'none.onnx');
    fs.writeFileSync(model, conv1x1Model({ h: 'H', w: 'W', weight: [[0, 0, 0]], bias: [-20] })); // nobody
    const out = path.join(dir, 'out');
    const sum = await removeHumans({
      input: path.join(dir, 'lists', 'all.csv'),
      out,
      allowOutsideRoot: true,
      segmenter: 'onnx',
      segmenterConfig: {
        modelPath: model,
        adapter: { input: { width: 32, height: 24 }, output: { activation: 'sigmoid' } },
      },
      catchDetector: 'none',
      ...quiet,
    });
    expect(sum.processed).toBe(2);
    const rels = sum.outputs.map((o) => o.output);
    expect(new Set(rels).size).toBe(2);
    for (const [rel, split, channel] of [
      [rels[0], 'train', 1],
      [rels[1], 'val', 2],
    ] as const) {
      expect(rel.startsWith('_outside/') && rel.endsWith(`/${split}/walk/walk_000.mp4`)).toBe(true);
      const f = await decodeFrames(path.join(out, rel));
      // green train clip, blue val clip: the output is the input's own colour
      expect(f.data[channel]).toBeGreaterThan(100);
    }
  });
});

describe('output folder lock', () => {
  it('a second run into a folder another live process holds is refused, naming the folder', async () => {
    const { acquireFolderLock } = await import('@ppma/core');
    const out = path.join(dir, 'locked');
    fs.mkdirSync(out, { recursive: true });
    const lock = acquireFolderLock(out, { command: 'another run' });
    try {
      await expect(
        removeHumans({
          input: path.join(dir, 'inside.csv'),
          out,
          segmenter: 'onnx',
          segmenterConfig: {
            modelPath: path.join(dir, 'none.onnx'),
            adapter: { input: { width: 32, height: 24 }, output: { activation: 'sigmoid' } },
          },
          catchDetector: 'none',
          ...quiet,
        }),
      ).rejects.toMatchObject({ code: 'PPMA_LOCKED' });
    } finally {
      lock.release();
    }
  });
});
