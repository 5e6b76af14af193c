/**
 * MAE parity with the PyTorch reference (fixtures copied from shared/fixtures/vit-reference):
 * mae_pred, mae_target, mae_loss and the stored gradients. Sizes come from config.json only.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@ppma/core';
import type { AttentionMode } from '@ppma/vit';
import { VideoMAE } from '../src/index.js';
import { expectClose, ncthwToNthwc, readFixture, readReferenceConfig } from '../../../tools/test/reference.js';

const dir = path.join(import.meta.dirname, 'fixtures');
const cfg = readReferenceConfig(dir);
let io: Awaited<ReturnType<typeof readFixture>>;

beforeAll(async () => {
  await initBackend();
  io = await readFixture(path.join(dir, 'io.safetensors'));
});

async function setup(): Promise<{ mae: VideoMAE; clip: tf.Tensor5D; mask: tf.Tensor2D }> {
  const mae = VideoMAE.create({
    dim: cfg.dim,
    depth: cfg.depth,
    heads: cfg.heads,
    tubelet: cfg.tubelet,
    patch: cfg.patch,
    frames: cfg.frames,
    height: cfg.height,
    width: cfg.width,
    decoderDim: cfg.dec_dim,
    decoderDepth: cfg.dec_depth,
    decoderHeads: cfg.dec_heads,
    normEps: cfg.layer_norm_eps,
    mean: cfg.mean,
    std: cfg.std,
  });
  await mae.load(path.join(dir, 'weights.safetensors'), { prefix: 'mae.' });
  const v = io.get('video01')!;
  const [b, c, t, h, w] = v.shape;
  const clip = tf.tensor5d(ncthwToNthwc(v.data, v.shape), [b, t, h, w, c]);
  const m = io.get('mask')!;
  const mask = tf.tensor2d(m.data, m.shape as [number, number]);
  return { mae, clip, mask };
}

describe.each(['split', 'batched'] as AttentionMode[])('VideoMAE parity with PyTorch (attention %s)', (mode) => {
  // PPMA_ATTENTION also switches the dense layers between transpose flags and explicit transposes.
  beforeAll(() => {
    process.env.PPMA_ATTENTION = mode;
  });
  afterAll(() => {
    delete process.env.PPMA_ATTENTION;
  });

  it('reproduces mae_pred, mae_target and mae_loss', async () => {
    const { mae, clip, mask } = await setup();
    const out = mae.forward(clip, mask, { attention: mode });
    expect(out.pred.shape).toEqual(io.get('mae_pred')!.shape);
    expectClose(out.target.dataSync(), io.get('mae_target')!.data, 'mae_target');
    expectClose(out.pred.dataSync(), io.get('mae_pred')!.data, 'mae_pred');
    expectClose(out.loss.dataSync(), io.get('mae_loss')!.data, 'mae_loss');
    tf.dispose([clip, mask, out.pred, out.target, out.loss]);
    mae.dispose();
  });

  it('reproduces every stored gradient of mae_loss', async () => {
    const { mae, clip, mask } = await setup();
    const vars = mae.trainableVariables();
    const byVar = new Map(Object.entries(vars).map(([k, v]) => [v.name, k]));
    const { value, grads } = tf.variableGrads(
      () => mae.forward(clip, mask, { attention: mode }).loss,
      Object.values(vars),
    );
    const names = [...io.keys()].filter((k) => k.startsWith('grad.mae.'));
    expect(names.length).toBeGreaterThan(0);
    for (const key of names) {
      const name = key.slice('grad.mae.'.length);
      const gv = Object.entries(grads).find(([vn]) => byVar.get(vn) === name);
      expect(gv, `gradient of ${name}`).toBeDefined();
      const g = mae.toTorchLayout(name, gv![1].dataSync() as Float32Array);
      expect(g.shape).toEqual(io.get(key)!.shape);
      expectClose(g.data, io.get(key)!.data, key);
    }
    tf.dispose([clip, mask, value, ...Object.values(grads)]);
    mae.dispose();
  });
});
