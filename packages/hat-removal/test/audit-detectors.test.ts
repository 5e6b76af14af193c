/**
 * The audit does not grade its own work: nanodet (the default audit detector) is decoded right
 * (its boxes agree with CenterNet's, an independent model, on real pedestrians), the default audit
 * detectors leave out every model the removal used, and the report says which removed and which
 * audited, with a caveat when the detectors cannot see the people at all.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@ppma/core';
import { decodeFrames } from '@ppma/video-io';
import { createDetector, defaultAuditDetectors, iou, summarizeAudit } from '../src/index.js';
import type { PersonDetector, VideoAudit } from '../src/index.js';

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'pedestrians-96f-384x288.mp4');
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('audit detectors', () => {
  it('nanodet finds the pedestrians CenterNet finds, at the same places, without leaking tensors', async () => {
    const frames = await decodeFrames(fixture, { indices: [10, 50] });
    const nano = await createDetector('nanodet', { minScore: 0.4 });
    const cn = await createDetector('centernet', { minScore: 0.4 });
    await nano.detect(frames);
    const before = tf.memory().numTensors;
    const a = await nano.detect(frames);
    expect(tf.memory().numTensors).toBe(before);
    const b = await cn.detect(frames);
    for (let t = 0; t < 2; t++) {
      expect(a[t].length).toBeGreaterThanOrEqual(4);
      // most CenterNet people have a nanodet box on them (a wrong anchor offset or bin decoding fails this)
      const matched = b[t].filter((x) => a[t].some((y) => iou(x, y) > 0.5)).length;
      expect(matched / b[t].length).toBeGreaterThanOrEqual(0.6);
    }
    nano.dispose();
    cn.dispose();
  }, 120_000);

  it('defaults to detectors the removal did not use', () => {
    expect(defaultAuditDetectors(['rvm', 'centernet'])).toEqual(['nanodet', 'movenet-multipose']);
    expect(defaultAuditDetectors(['selfie', 'nanodet'])).toEqual(['movenet-multipose', 'centernet']);
    for (const used of [
      ['rvm', 'centernet'],
      ['rvm', 'nanodet'],
      ['selfie', 'movenet-multipose', 'centernet'],
    ])
      expect(defaultAuditDetectors(used).some((d) => used.includes(d))).toBe(false);
  });

  it('reports each detector, the removal and audit models, and a caveat when the detectors are blind', () => {
    const det = (name: 'nanodet' | 'centernet'): PersonDetector => ({
      info: { name, licence: 'x', minScore: 0.3, tiles: 1 },
      detect: async () => [],
      dispose: () => undefined,
    });
    const video = (inRate: number, res: Record<string, number[]>): VideoAudit => ({
      name: 'v',
      input: 'i',
      output: 'o',
      frames: 10,
      inputPersonRate: inRate,
      residualRate: new Set(Object.values(res).flat()).size / 10,
      residualFrames: [...new Set(Object.values(res).flat())],
      outputPersons: [],
      byDetector: Object.fromEntries(
        Object.entries(res).map(([k, v]) => [k, { inputPersonRate: inRate, residualFrames: v }]),
      ),
      hasResidual: false,
      sheet: 's',
    });
    const rep = summarizeAudit([video(0.9, { nanodet: [1, 2], centernet: [2] })], [det('nanodet'), det('centernet')], {
      removalModels: ['rvm', 'centernet'],
    });
    expect(rep.models).toEqual({ removal: ['rvm', 'centernet'], audit: ['nanodet', 'centernet'] });
    expect(rep.detectors.map((d) => [d.name, d.independent, d.residualFrameRate])).toEqual([
      ['nanodet', true, 0.2],
      ['centernet', false, 0.1],
    ]);
    expect(rep.summary.residualFrameRate).toBe(0.2);
    expect(rep.caveat).toBeUndefined();
    const blind = summarizeAudit([video(0.05, { nanodet: [] })], [det('nanodet')], { removalModels: ['oracle'] });
    expect(blind.caveat).toMatch(/blind.*clean plates/);
  });
});
