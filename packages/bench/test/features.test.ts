/** The two feature engines agree (onnxruntime vs TF.js), features match the model's pooled output, and nothing leaks. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, initBackend } from '@ppma/core';
import { VideoViT } from '@ppma/vit';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFeatureExtractor, headLogits, trunkFingerprint } from '../src/index.js';
import { TINY_VIT } from './helpers.js';

beforeAll(async () => {
  await initBackend();
});

describe('feature extraction', () => {
  it('onnx and tfjs engines give the same pooled features, equal to forward().pooled; head logits match forward().logits', async () => {
    const vit = VideoViT.create({ ...TINY_VIT, classes: 5 }, { seed: 7 });
    const n = 5;
    const clips = new Rng(2).fillUniform(new Float32Array(n * 4 * 16 * 16 * 3), 0, 1);
    const dir = await mkdtemp(join(tmpdir(), 'bench-feat-'));
    const a = await createFeatureExtractor(vit, { engine: 'tfjs', workDir: dir, batch: 2 });
    const b = await createFeatureExtractor(vit, { engine: 'onnx', workDir: dir, batch: 3 });
    expect([a.engine, b.engine]).toEqual(['tfjs', 'onnx']);
    const fa = await a.extract(clips, n); // the first call also fills the model's position-table cache
    const before = tf.memory().numTensors;
    await a.extract(clips, n);
    await a.extract(clips, n);
    expect(tf.memory().numTensors).toBe(before);
    const fb = await b.extract(clips, n);
    expect(fa.length).toBe(n * 32);
    const out = vit.forward(tf.tensor5d(clips, [n, 4, 16, 16, 3]));
    const pooled = await out.pooled.data();
    const logits = await out.logits.data();
    tf.dispose([out.pooled, out.logits, out.tokens]);
    let maxA = 0;
    let maxB = 0;
    for (let i = 0; i < fa.length; i++) {
      maxA = Math.max(maxA, Math.abs(fa[i] - pooled[i]));
      maxB = Math.max(maxB, Math.abs(fb[i] - pooled[i]));
    }
    expect(maxA).toBeLessThan(1e-5);
    expect(maxB).toBeLessThan(2e-4);
    const hl = await headLogits(vit, fa, 32);
    hl.forEach((v, i) => expect(v).toBeCloseTo(logits[i], 4));
    await a.dispose();
    await b.dispose();
    vit.dispose();
  });

  it('fingerprints the trunk only: same weights give the same key, a trunk change a new one, a head change none', () => {
    const a = VideoViT.create({ ...TINY_VIT, classes: 3 }, { seed: 1 });
    const b = VideoViT.create({ ...TINY_VIT, classes: 5 }, { seed: 1 });
    const c = VideoViT.create({ ...TINY_VIT, classes: 3 }, { seed: 2 });
    expect(trunkFingerprint(a)).toBe(trunkFingerprint(b));
    expect(trunkFingerprint(a)).not.toBe(trunkFingerprint(c));
    const sd = c.stateDict();
    const w = sd.get('fc_norm.bias');
    if (w) w.data[0] += 1e-3;
    c.loadStateDict(new Map([...sd].filter(([k]) => k.startsWith('fc_norm.'))), { strict: false });
    const before = trunkFingerprint(c);
    expect(before).not.toBe(trunkFingerprint(VideoViT.create({ ...TINY_VIT, classes: 3 }, { seed: 2 })));
    [a, b, c].forEach((m) => m.dispose());
  });
});
