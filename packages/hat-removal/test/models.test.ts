import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, ModelError } from '@ppma/core';
import {
  createSegmenter,
  getModel,
  loadGraphModelFromFile,
  MODEL_REGISTRY,
  modelPath,
  readGraphModelArtifacts,
} from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('model registry and loading from disk', () => {
  it('is frozen, and every entry names a licence and a shipped model file', () => {
    expect(Object.isFrozen(MODEL_REGISTRY)).toBe(true);
    expect(Object.isFrozen(MODEL_REGISTRY.rvm)).toBe(true);
    for (const e of Object.values(MODEL_REGISTRY)) {
      expect(e.licence).toMatch(/^(GPL-3\.0|Apache-2\.0|MIT|unknown)$/);
      expect(e.licenceNote.length).toBeGreaterThan(20);
      expect(fs.existsSync(modelPath(e.name))).toBe(true);
    }
    expect(getModel('rvm').licence).toBe('GPL-3.0');
    expect(() => getModel('sam')).toThrow(/unknown model "sam"; known models: rvm, selfie/);
  });

  it('every registered model loads from its files with no network (custom IOHandler)', async () => {
    for (const e of Object.values(MODEL_REGISTRY)) {
      const art = readGraphModelArtifacts(modelPath(e.name));
      expect(art.weightData).toBeInstanceOf(ArrayBuffer);
      const model = await loadGraphModelFromFile(modelPath(e.name));
      expect(model.inputs.length).toBeGreaterThan(0);
      model.dispose();
    }
  });

  it('selfie runs on a blank crop and returns a probability map of its contract', async () => {
    const m = await loadGraphModelFromFile(modelPath('selfie'));
    const y = tf.tidy(() => m.execute(tf.zeros([1, 256, 256, 3])) as tf.Tensor);
    expect(y.shape).toEqual([1, 256, 256, 1]);
    const v = await y.data();
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThanOrEqual(1);
    y.dispose();
    m.dispose();
  });

  it('a model path that does not exist is a ModelError naming it', async () => {
    await expect(createSegmenter('rvm', { modelPath: '/nonexistent/rvm.json' })).rejects.toThrow(ModelError);
    await expect(createSegmenter('rvm', { modelPath: '/nonexistent/rvm.json' })).rejects.toThrow(
      '/nonexistent/rvm.json: model file does not exist',
    );
    await expect(createSegmenter('selfie-crops', { selfiePath: '/nonexistent/selfie.json' })).rejects.toThrow(
      '/nonexistent/selfie.json',
    );
  });

  it('oracle returns the given masks in order and checks their size', async () => {
    const masks = { data: Uint8Array.from({ length: 3 * 4 }, (_, i) => i), frames: 3, width: 2, height: 2 };
    const seg = await createSegmenter('oracle', { masks });
    const f = (k: number) => ({ data: new Uint8Array(k * 12), frames: k, width: 2, height: 2 });
    expect(Array.from((await seg.segment(f(2))).data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from((await seg.segment(f(1))).data)).toEqual([8, 9, 10, 11]);
    await expect(seg.segment(f(1))).rejects.toThrow(/only 3 masks exist/);
    seg.reset();
    await expect(seg.segment({ data: new Uint8Array(27), frames: 1, width: 3, height: 3 })).rejects.toThrow(
      /masks are 2x2 but frames are 3x3/,
    );
  });
});
