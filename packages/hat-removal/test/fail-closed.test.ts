/**
 * Fail closed when nothing can be filled from: a "person" (a red block over the real street, segmented
 * by a tiny ONNX model) that covers 40% of every frame of a shot leaves no background to recover, so its frames
 * are dropped (or marked grey) and counted; the same block leaving half way is recoverable.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrames, probeVideo } from '@ppma/video-io';
import { createSegmenter, removeHumansFromVideo } from '../src/index.js';
import type { Segmenter } from '../src/index.js';
import { PEDESTRIANS } from './helpers/footage.js';
import { conv1x1Model } from './helpers/tiny-onnx.js';

let dir: string;
let seg: Segmenter;
const clip = (name: string, enable: string): string => {
  const out = path.join(dir, `${name}.mp4`);
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-i',
    PEDESTRIANS,
    '-f',
    'lavfi',
    '-i',
    'color=c=red:s=40x30:r=10:d=1.2',
    '-filter_complex',
    `[0]scale=64:48[b];[b][1]overlay=x=12:y=9:enable='${enable}'`,
    '-frames:v',
    '12',
    '-pix_fmt',
    'yuv420p',
    '-y',
    out,
  ]);
  return out;
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hr-closed-'));
  const model = path.join(dir, 'red.onnx');
  fs.writeFileSync(model, conv1x1Model({ h: 'H', w: 'W', weight: [[8, -8, -8]], bias: [-2] }));
  seg = await createSegmenter('onnx', {
    modelPath: model,
    adapter: { input: { width: 32, height: 24 }, output: { activation: 'sigmoid' } },
  });
});
afterAll(() => {
  seg.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('fail closed', () => {
  it('a block over 40% of every frame: all frames dropped, nothing written, a typed error', async () => {
    const input = clip('static', '1');
    const out = path.join(dir, 'static-out.mp4');
    await expect(removeHumansFromVideo(input, out, { segmenter: seg, motion: 'static' })).rejects.toMatchObject({
      code: 'PPMA_VIDEO_INPUT',
      message: expect.stringMatching(/no frame could be recovered/),
    });
    expect(fs.existsSync(out)).toBe(false);
    const marked = await removeHumansFromVideo(input, path.join(dir, 'marked.mp4'), {
      segmenter: seg,
      motion: 'static',
      unrecoverable: 'mark',
    });
    expect(marked.unrecoverable.frames).toHaveLength(12);
    expect(marked.framesWritten).toBe(12);
    const f = await decodeFrames(path.join(dir, 'marked.mp4'));
    let off = 0;
    for (const v of f.data) if (Math.abs(v - 128) > 6) off++;
    expect(off / f.data.length).toBeLessThan(0.01); // flat grey: nothing of the frame, or the block, is left
  });

  it('the same block leaving after 6 frames is recoverable: nothing dropped, background restored', async () => {
    const input = clip('leaves', 'lt(t,0.55)');
    const out = path.join(dir, 'leaves-out.mp4');
    const r = await removeHumansFromVideo(input, out, { segmenter: seg, motion: 'static' });
    expect(r.unrecoverable.frames).toEqual([]);
    expect((await probeVideo(out)).frameCount).toBe(12);
    const f = await decodeFrames(out);
    let red = 0;
    for (let i = 0; i < f.data.length; i += 3) if (f.data[i] > 150 && f.data[i + 1] < 80 && f.data[i + 2] < 80) red++;
    expect(red).toBeLessThan(20);
  });
});
