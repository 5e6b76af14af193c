/**
 * Supervised training: no tensor leaks over 50 steps (forward, backward, AdamW), and the loss falls
 * on a small separable task (labels given by the clip's mean colour).
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW, Rng, initBackend } from '@ppma/core';
import { VideoViT, crossEntropy } from '../src/index.js';
import { TINY_TRUNK_16 } from '../../../tools/test/reference.js';

beforeAll(async () => {
  await initBackend();
});

const cfg = {
  ...TINY_TRUNK_16,
  classes: 3,
  dropPath: 0.1,
};

function batch(rng: Rng, b: number): { x: tf.Tensor5D; y: number[] } {
  const y: number[] = [];
  const data = new Float32Array(b * 4 * 16 * 16 * 3);
  for (let i = 0; i < b; i++) {
    const label = rng.int(0, 3);
    y.push(label);
    const off = i * 4 * 16 * 16 * 3;
    for (let p = 0; p < 4 * 16 * 16; p++)
      for (let c = 0; c < 3; c++) data[off + p * 3 + c] = (c === label ? 0.7 : 0.3) + rng.uniform(-0.2, 0.2);
  }
  return { x: tf.tensor5d(data, [b, 4, 16, 16, 3]), y };
}

function trainStep(vit: VideoViT, opt: AdamW, rng: Rng, lr: number): number {
  const { x, y } = batch(rng, 4);
  const vars = vit.trainableVariables();
  const names = new Map(Object.entries(vars).map(([k, v]) => [v.name, k]));
  const { value, grads } = tf.variableGrads(
    () => crossEntropy(vit.forward(x, { training: true, rng: rng.split('dp') }).logits, y),
    Object.values(vars),
  );
  const named: Record<string, tf.Tensor> = {};
  for (const [k, g] of Object.entries(grads)) named[names.get(k)!] = g;
  opt.apply(vars, named, lr);
  const loss = value.dataSync()[0];
  tf.dispose([x, value, ...Object.values(grads)]);
  return loss;
}

describe('supervised training', () => {
  it('keeps tf.memory().numTensors flat over 50 steps', () => {
    const vit = VideoViT.create(cfg, { seed: 1 });
    const opt = new AdamW({ weightDecay: 0.05 });
    const rng = new Rng('leak');
    trainStep(vit, opt, rng.split(0), 1e-3); // creates the optimizer slots
    const before = tf.memory().numTensors;
    for (let i = 1; i <= 50; i++) trainStep(vit, opt, rng.split(i), 1e-3);
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    vit.dispose();
  });

  it('learns a colour-coded task: mean loss of the last 10 steps < 50% of the first 10', () => {
    const vit = VideoViT.create(cfg, { seed: 2 });
    const opt = new AdamW({ weightDecay: 0.05 });
    const rng = new Rng('learn');
    const losses: number[] = [];
    for (let i = 0; i < 60; i++) losses.push(trainStep(vit, opt, rng.split(i), 2e-3));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-10))).toBeLessThan(0.5 * mean(losses.slice(0, 10)));
    opt.dispose();
    vit.dispose();
  });
});
