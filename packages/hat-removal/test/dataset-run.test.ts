import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrames, probeVideo } from '@ppma/video-io';
import { parseShard, removeHumans, removeHumansFromVideo } from '../src/index.js';
import type { OnnxAdapter, Segmenter } from '../src/index.js';
import { conv1x1Model } from './helpers/tiny-onnx.js';

let dir: string;
let model: string;
const adapter: OnnxAdapter = { input: { width: 32, height: 24 }, output: { activation: 'sigmoid' } };
const quiet = { log: () => undefined, progress: false } as const;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hr-run-'));
  model = path.join(dir, 'red.onnx');
  // "person" = strongly red pixels: sigmoid(8R - 8G - 8B - 2)
  fs.writeFileSync(model, conv1x1Model({ h: 'H', w: 'W', weight: [[8, -8, -8]], bias: [-2] }));
  const data = path.join(dir, 'data');
  for (const [cls, name, c] of [
    ['walk', 'a', 'green'],
    ['walk', 'b', 'blue'],
    ['run', 'c', 'gray'],
  ] as const) {
    fs.mkdirSync(path.join(data, cls), { recursive: true });
    // a red square walks across a flat background, 12 frames of 64x48
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `color=c=${c}:s=64x48:r=10:d=1.2`,
      '-f',
      'lavfi',
      '-i',
      'color=c=red:s=10x14:r=10:d=1.2',
      '-filter_complex',
      "[0][1]overlay=x='4+t*30':y=16",
      '-frames:v',
      '12',
      '-pix_fmt',
      'yuv420p',
      '-y',
      path.join(data, cls, `${name}.mp4`),
    ]);
  }
  fs.writeFileSync(path.join(data, 'run', 'broken.mp4'), Buffer.from('this is not a video at all'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const seg = () => ({
  segmenter: 'onnx' as const,
  segmenterConfig: { modelPath: model, adapter },
  catchDetector: 'none' as const,
});

describe('dataset runs', () => {
  it('removes the person, keeps size and frame count, writes manifest, markers and report, and fails closed', async () => {
    const out = path.join(dir, 'out');
    const sum = await removeHumans({ input: path.join(dir, 'data'), out, ...seg(), ...quiet });
    expect(sum.videos).toBe(4);
    expect(sum.processed).toBe(3);
    expect(sum.failed).toHaveLength(1);
    expect(sum.failed[0].input).toMatch(/broken\.mp4$/);
    expect(sum.failed[0].code).toBe('PPMA_VIDEO_INPUT');
    expect(fs.existsSync(path.join(out, 'run', 'broken.mp4'))).toBe(false);
    expect(fs.existsSync(path.join(out, '.done', 'run', 'broken.mp4.json'))).toBe(false);
    for (const rel of ['walk/a.mp4', 'walk/b.mp4', 'run/c.mp4']) {
      const info = await probeVideo(path.join(out, rel));
      expect([info.width, info.height, info.frameCount]).toEqual([64, 48, 12]);
      expect(fs.existsSync(path.join(out, '.done', `${rel}.json`))).toBe(true);
    }
    // the red square is gone: no strongly red pixel is left in any output frame
    const f = await decodeFrames(path.join(out, 'walk', 'a.mp4'));
    let red = 0;
    for (let i = 0; i < f.data.length; i += 3) if (f.data[i] > 150 && f.data[i + 1] < 90 && f.data[i + 2] < 90) red++;
    const inp = await decodeFrames(path.join(dir, 'data', 'walk', 'a.mp4'));
    let redIn = 0;
    for (let i = 0; i < inp.data.length; i += 3)
      if (inp.data[i] > 150 && inp.data[i + 1] < 90 && inp.data[i + 2] < 90) redIn++;
    expect(redIn).toBeGreaterThan(12 * 100);
    expect(red).toBeLessThan(redIn / 100);
    // the run's masks beside the output (the layout ppma review reads): one frame per output frame,
    // 255 on every red input pixel, 0 far from the square
    const m = await decodeFrames(path.join(out, 'masks', 'walk', 'a.mkv'), { gray: true });
    expect([m.width, m.height, m.frames]).toEqual([64, 48, 12]);
    let missed = 0;
    let far = 0;
    for (let p = 0; p < 12 * 64 * 48; p++) {
      const i = p * 3;
      if (inp.data[i] > 150 && inp.data[i + 1] < 90 && inp.data[i + 2] < 90 && m.data[p] !== 255) missed++;
      if (p % (64 * 48) < 64 * 8 && m.data[p] !== 0) far++; // the top 8 rows: the square is at y >= 16
    }
    expect(missed).toBe(0);
    expect(far).toBe(0);
    expect(fs.existsSync(path.join(out, 'masks', 'run', 'broken.mkv'))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(out, '.done', 'walk', 'a.mp4.json'), 'utf8')).maskVideo).toBe(
      'masks/walk/a.mkv',
    );
    const manifest = fs.readFileSync(path.join(out, 'manifest.csv'), 'utf8').trim().split('\n');
    expect(manifest).toEqual(['run/c.mp4;0', 'walk/a.mp4;1', 'walk/b.mp4;1']);
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report).toMatchObject({ processed: 3, frames: 36, segmenter: 'onnx' });
    // resume skips what is done and retries what failed
    const again = await removeHumans({ input: path.join(dir, 'data'), out, ...seg(), resume: true, ...quiet });
    expect(again.skipped).toBe(3);
    expect(again.processed).toBe(0);
    expect(again.failed).toHaveLength(1);
  });

  it('a single video goes to <out>/<name>.mp4 with report.json; shards split the work', async () => {
    const out = path.join(dir, 'single');
    const sum = await removeHumans({ input: path.join(dir, 'data', 'walk', 'b.mp4'), out, ...seg(), ...quiet });
    expect(sum.processed).toBe(1);
    expect(fs.existsSync(path.join(out, 'b.mp4'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'report.json'))).toBe(true);
    const sh = path.join(dir, 'sharded');
    const s0 = await removeHumans({ input: path.join(dir, 'data'), out: sh, shard: '0/2', ...seg(), ...quiet });
    const s1 = await removeHumans({ input: path.join(dir, 'data'), out: sh, shard: '1/2', ...seg(), ...quiet });
    expect(s0.videos + s1.videos).toBe(4);
    expect(s0.processed + s1.processed).toBe(3);
    expect(fs.readFileSync(path.join(sh, 'manifest.csv'), 'utf8').trim().split('\n')).toHaveLength(3);
    expect(() => parseShard('2/2')).toThrow(/0 <= index < count/);
  });

  it('bad inputs give clear errors and leave nothing behind', async () => {
    const out = path.join(dir, 'nothing');
    await expect(removeHumans({ input: path.join(dir, 'missing.mp4'), out, ...seg(), ...quiet })).rejects.toThrow(
      /missing\.mp4: missing/,
    );
    await expect(
      removeHumans({
        input: path.join(dir, 'data'),
        out,
        segmenter: 'rvm',
        segmenterConfig: { modelPath: path.join(dir, 'no-rvm.json') },
        catchDetector: 'none',
        ...quiet,
      }),
    ).rejects.toThrow(/no-rvm\.json: model file does not exist/);
    await expect(
      removeHumans({
        input: path.join(dir, 'data'),
        out,
        segmenter: 'onnx',
        segmenterConfig: { modelPath: model, adapter: { input: { name: 'x', width: 8, height: 8 }, output: {} } },
        catchDetector: 'none',
        ...quiet,
      }),
    ).rejects.toThrow(/does not match the model: no input "x"/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('a video that fails half way is not written (no partial or temp file)', async () => {
    const out = path.join(dir, 'half');
    let calls = 0;
    const failing: Segmenter = {
      info: { name: 'failing', licence: 'n/a', models: [] },
      async segment(f) {
        if (++calls > 1) throw new Error('segmenter crashed');
        return {
          data: new Uint8Array(f.frames * f.width * f.height),
          frames: f.frames,
          width: f.width,
          height: f.height,
        };
      },
      reset: () => undefined,
      dispose: () => undefined,
    };
    await expect(
      removeHumansFromVideo(path.join(dir, 'data', 'walk', 'a.mp4'), path.join(out, 'a.mp4'), {
        segmenter: failing,
        chunk: 4,
        masksOutput: path.join(out, 'masks', 'a.mkv'),
      }),
    ).rejects.toThrow('segmenter crashed');
    expect(
      fs.existsSync(out) ? fs.readdirSync(out, { recursive: true }).filter((f) => !String(f).endsWith('masks')) : [],
    ).toEqual([]);
  });
});
