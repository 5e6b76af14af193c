/**
 * MAE checkpoints: `VideoMAE.fromCheckpoint` round-trips, and a metadata config that the tensors do
 * not hold (or that is above the limits) is a typed error before the model is allocated.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, initBackend, writeSafetensors } from '@ppma/core';
import { VideoMAE } from '../src/index.js';
import { TINY_TRUNK_16, TINY_DECODER } from '../../../tools/test/reference.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-mae-ckpt-'));
const cfg = {
  ...TINY_TRUNK_16,
  ...TINY_DECODER,
};

beforeAll(async () => {
  await initBackend();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('VideoMAE.fromCheckpoint', () => {
  it('round-trips the weights and config', async () => {
    const a = VideoMAE.create(cfg, { seed: 2 });
    const file = path.join(tmp, 'mae.safetensors');
    await a.save(file);
    const b = await VideoMAE.fromCheckpoint(file);
    expect(b.config).toEqual(a.config);
    const w = (m: VideoMAE) => Array.from(m.stateDict().get('decoder.blocks.0.mlp.fc1.weight')!.data);
    expect(w(b)).toEqual(w(a));
    a.dispose();
    b.dispose();
  });

  it('rejects a lying or oversized config before building the model', async () => {
    const a = VideoMAE.create(cfg, { seed: 2 });
    const write = async (name: string, lie: object) => {
      const file = path.join(tmp, name);
      await writeSafetensors(file, a.stateDict(), { format: 'ppma-mae/1', config: JSON.stringify({ ...cfg, ...lie }) });
      return file;
    };
    const deep = await write('deep.safetensors', { depth: 64 });
    const huge = await write('huge.safetensors', { decoderDim: 1 << 20 });
    a.dispose();
    const before = tf.memory().numBytes;
    await expect(VideoMAE.fromCheckpoint(deep)).rejects.toThrow(/holds 2 block\(s\), the config says depth 64/);
    await expect(VideoMAE.fromCheckpoint(huge)).rejects.toBeInstanceOf(CheckpointError);
    expect(tf.memory().numBytes).toBe(before);
  });

  it('refuses non-finite weights, naming the file and tensor, unless allowNonFinite', async () => {
    const a = VideoMAE.create(cfg, { seed: 2 });
    const weights = a.stateDict();
    const key = 'decoder.blocks.0.mlp.fc1.weight';
    const data = Float32Array.from(weights.get(key)!.data);
    data[3] = Number.POSITIVE_INFINITY;
    weights.set(key, { shape: weights.get(key)!.shape, data });
    const file = path.join(tmp, 'inf.safetensors');
    await writeSafetensors(file, weights, { format: 'ppma-mae/1', config: JSON.stringify(a.config) });
    a.dispose();
    await expect(VideoMAE.fromCheckpoint(file)).rejects.toMatchObject({
      code: 'PPMA_SAFETENSORS_FORMAT',
      message: expect.stringContaining(`${file}: tensor "${key}" has 1 non-finite value`),
    });
    const b = await VideoMAE.fromCheckpoint(file, { allowNonFinite: true });
    expect(b.stateDict().get(key)!.data[3]).toBe(Number.POSITIVE_INFINITY);
    b.dispose();
  });
});
