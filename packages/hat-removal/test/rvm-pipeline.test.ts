/**
 * The real pipeline on real footage (issue 7, done-when): rvm segmentation with the missed-person
 * catch, temporal inpainting, then the privacy audit with models the removal did not use (nanodet
 * and MoveNet MultiPose, person score >= 0.5). The expensive test of the suite: about 100 s on an idle 2-core machine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@ppma/core';
import { probeVideo } from '@ppma/video-io';
import { createSegmenter, removeHumans } from '../src/index.js';
import type { AuditReport } from '../src/index.js';

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'pedestrians-96f-384x288.mp4');
let out: string;
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'hr-rvm-'));
});
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe('rvm pipeline on real pedestrians', () => {
  it('rvm keeps no tensors between calls (recurrent state is replaced, not leaked)', async () => {
    const seg = await createSegmenter('rvm', { warmupFrames: 2 });
    const W = 96;
    const H = 72;
    const frames = { data: new Uint8Array(2 * W * H * 3).fill(120), frames: 2, width: W, height: H };
    await seg.segment(frames);
    const after1 = tf.memory().numTensors;
    await seg.segment(frames);
    await seg.segment(frames);
    expect(tf.memory().numTensors).toBe(after1);
    seg.reset();
    seg.dispose();
  });

  it(
    'removes the people: the audit finds them in the input and in <= 5% of output frames',
    { timeout: 900_000 },
    async () => {
      const lines: string[] = [];
      const sum = await removeHumans({
        input: fixture,
        out,
        segmenter: 'rvm',
        audit: { minScore: 0.5 },
        log: (l) => lines.push(l),
        progress: false,
      });
      expect(sum.failed).toEqual([]);
      expect(lines.some((l) => l.includes('licence GPL-3.0'))).toBe(true);
      const info = await probeVideo(path.join(out, 'pedestrians-96f-384x288.mp4'));
      expect([info.width, info.height, info.frameCount, info.codec]).toEqual([384, 288, 96, 'h264']);
      const audit = JSON.parse(fs.readFileSync(path.join(out, 'audit', 'audit.json'), 'utf8')) as AuditReport;
      const v = audit.videos[0];
      expect(audit.detector).toBe('nanodet+movenet-multipose');
      expect(audit.models).toEqual({ removal: ['rvm', 'centernet'], audit: ['nanodet', 'movenet-multipose'] });
      expect(audit.detectors.every((d) => d.independent)).toBe(true);
      expect(v.inputPersonRate).toBeGreaterThan(0.9);
      expect(v.residualRate).toBeLessThanOrEqual(0.05);
      expect(fs.statSync(v.sheet).size).toBeGreaterThan(10_000);
      fs.writeFileSync(
        path.join(os.tmpdir(), 'hr-rvm-last-audit.json'),
        JSON.stringify({ audit, seconds: sum.seconds }, null, 2),
      );
    },
  );
});
