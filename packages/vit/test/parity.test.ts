/**
 * Parity with the PyTorch reference (fixtures copied from shared/fixtures/vit-reference): tokens,
 * pooled, logits, ce_loss and the stored gradients. Nothing here depends on the fixture's sizes:
 * the model is built from its config.json.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@ppma/core';
import { VideoViT, crossEntropy, type AttentionMode } from '../src/index.js';
import { expectClose, ncthwToNthwc, readFixture, readReferenceConfig } from '../../../tools/test/reference.js';

const dir = path.join(import.meta.dirname, 'fixtures');
const cfg = readReferenceConfig(dir);
let io: Awaited<ReturnType<typeof readFixture>>;

beforeAll(async () => {
  await initBackend();
  io = await readFixture(path.join(dir, 'io.safetensors'));
});

function clip(): tf.Tensor5D {
  const v = io.get('video01')!;
  const [b, c, t, h, w] = v.shape;
  return tf.tensor5d(ncthwToNthwc(v.data, v.shape), [b, t, h, w, c]);
}

async function makeModel(): Promise<VideoViT> {
  const vit = VideoViT.create({
    dim: cfg.dim,
    depth: cfg.depth,
    heads: cfg.heads,
    tubelet: cfg.tubelet,
    patch: cfg.patch,
    frames: cfg.frames,
    height: cfg.height,
    width: cfg.width,
    classes: cfg.classes,
    normEps: cfg.layer_norm_eps,
    mean: cfg.mean,
    std: cfg.std,
  });
  await vit.load(path.join(dir, 'weights.safetensors'), { prefix: 'classifier.' });
  return vit;
}

describe.each(['split', 'batched'] as AttentionMode[])('VideoViT parity with PyTorch (attention %s)', (mode) => {
  // PPMA_ATTENTION also switches the dense layers between transpose flags and explicit transposes.
  beforeAll(() => {
    process.env.PPMA_ATTENTION = mode;
  });
  afterAll(() => {
    delete process.env.PPMA_ATTENTION;
  });

  it('reproduces tokens, pooled, logits and ce_loss', async () => {
    const vit = await makeModel();
    const x = clip();
    const out = vit.forward(x, { attention: mode });
    expect(out.tokens.shape).toEqual(io.get('tokens')!.shape);
    expectClose(out.tokens.dataSync(), io.get('tokens')!.data, 'tokens');
    expectClose(out.pooled.dataSync(), io.get('pooled')!.data, 'pooled');
    expectClose(out.logits.dataSync(), io.get('logits')!.data, 'logits');
    const ce = crossEntropy(out.logits, io.get('labels')!.data);
    expectClose(ce.dataSync(), io.get('ce_loss')!.data, 'ce_loss');
    tf.dispose([x, out.tokens, out.pooled, out.logits, ce]);
    vit.dispose();
  });

  it('reproduces every stored gradient of ce_loss', async () => {
    const vit = await makeModel();
    const x = clip();
    const labels = io.get('labels')!.data;
    const vars = vit.trainableVariables();
    const byVar = new Map(Object.entries(vars).map(([k, v]) => [v.name, k]));
    const { value, grads } = tf.variableGrads(
      () => crossEntropy(vit.forward(x, { attention: mode }).logits, labels),
      Object.values(vars),
    );
    const names = [...io.keys()].filter((k) => k.startsWith('grad.classifier.'));
    expect(names.length).toBeGreaterThan(0);
    for (const key of names) {
      const name = key.slice('grad.classifier.'.length);
      const gv = Object.entries(grads).find(([vn]) => byVar.get(vn) === name);
      expect(gv, `gradient of ${name}`).toBeDefined();
      const g = vit.toTorchLayout(name, gv![1].dataSync() as Float32Array);
      expect(g.shape).toEqual(io.get(key)!.shape);
      expectClose(g.data, io.get(key)!.data, key);
    }
    tf.dispose([x, value, ...Object.values(grads)]);
    vit.dispose();
  });
});
