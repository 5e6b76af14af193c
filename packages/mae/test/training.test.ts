/**
 * MAE training: numTensors flat over 50 steps, and the reconstruction loss falls on a few
 * synthetic clips (moving colour blobs) within a test-sized budget.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW, Rng, initBackend } from '@ppma/core';
import { VideoMAE, drawMaskBatch, tokenGrid } from '../src/index.js';

beforeAll(async () => {
  await initBackend();
});

const cfg = {
  dim: 48,
  depth: 2,
  heads: 3,
  tubelet: 2,
  patch: 8,
  frames: 4,
  height: 32,
  width: 32,
  decoderDim: 32,
  decoderDepth: 1,
  decoderHeads: 2,
};

/** Smooth clips: a bright square moving over a gradient background. */
function clips(n: number, seed: number): tf.Tensor5D {
  const rng = new Rng(seed);
  const data = new Float32Array(n * 4 * 32 * 32 * 3);
  for (let b = 0; b < n; b++) {
    const col = [rng.float(), rng.float(), rng.float()];
    const x0 = rng.int(0, 20);
    const y0 = rng.int(0, 20);
    for (let t = 0; t < 4; t++)
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++) {
          const inside = x >= x0 + t * 2 && x < x0 + t * 2 + 10 && y >= y0 && y < y0 + 10;
          for (let c = 0; c < 3; c++)
            data[(((b * 4 + t) * 32 + y) * 32 + x) * 3 + c] = inside ? col[c] : (((x + y) / 64) * (c + 1)) / 3;
        }
  }
  return tf.tensor5d(data, [n, 4, 32, 32, 3]);
}

function step(mae: VideoMAE, opt: AdamW, x: tf.Tensor5D, rng: Rng, lr: number): number {
  const masks = drawMaskBatch(
    { kind: 'random', ratio: 0.75 },
    { kind: 'none' },
    tokenGrid(mae.config),
    x.shape[0],
    rng,
  );
  const vars = mae.trainableVariables();
  const names = new Map(Object.entries(vars).map(([k, v]) => [v.name, k]));
  const { value, grads } = tf.variableGrads(() => mae.forward(x, masks.hidden).loss, Object.values(vars));
  const named: Record<string, tf.Tensor> = {};
  for (const [k, g] of Object.entries(grads)) named[names.get(k)!] = g;
  opt.apply(vars, named, lr);
  const loss = value.dataSync()[0];
  tf.dispose([value, ...Object.values(grads)]);
  return loss;
}

describe('dual masking', () => {
  it('reconstructs only the running-cell subset, and the full hidden set by default', () => {
    const mae = VideoMAE.create(cfg, { seed: 3 });
    const x = clips(2, 3);
    const grid = tokenGrid(mae.config);
    const m = drawMaskBatch({ kind: 'tube', ratio: 0.75 }, { kind: 'running-cell', ratio: 0.5 }, grid, 2, new Rng(1));
    const sub = mae.forward(x, m.hidden, { decoderMask: m.decode });
    const all = mae.forward(x, m.hidden);
    const allExplicit = mae.forward(x, m.hidden, { decoderMask: m.hidden });
    expect(sub.pred.shape).toEqual([2, 12, 2 * 8 * 8 * 3]); // 32 tokens, tube 75% hides 24, half reconstructed
    expect(all.pred.shape).toEqual([2, 24, 2 * 8 * 8 * 3]);
    expect(Array.from(allExplicit.pred.dataSync())).toEqual(Array.from(all.pred.dataSync()));
    expect(Number.isFinite(sub.loss.dataSync()[0])).toBe(true);
    tf.dispose([
      x,
      sub.pred,
      sub.target,
      sub.loss,
      all.pred,
      all.target,
      all.loss,
      allExplicit.pred,
      allExplicit.target,
      allExplicit.loss,
    ]);
    mae.dispose();
  });
});

describe('MAE training', () => {
  it('keeps tf.memory().numTensors flat over 50 steps', () => {
    const mae = VideoMAE.create(cfg, { seed: 1 });
    const opt = new AdamW({ beta1: 0.9, beta2: 0.95 });
    const x = clips(2, 1);
    step(mae, opt, x, new Rng(0), 1e-3);
    const before = tf.memory().numTensors;
    for (let i = 1; i <= 50; i++) step(mae, opt, x, new Rng(i), 1e-3);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    opt.dispose();
    mae.dispose();
  });

  it('reconstruction loss on 4 clips falls by more than 30% in 80 steps', () => {
    const mae = VideoMAE.create(cfg, { seed: 2 });
    const opt = new AdamW({ beta1: 0.9, beta2: 0.95 });
    const x = clips(4, 2);
    const losses: number[] = [];
    for (let i = 0; i < 80; i++) losses.push(step(mae, opt, x, new Rng(`l${i}`), 2e-3));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(losses.slice(0, 10));
    const last = mean(losses.slice(-10));
    expect(last, `first 10 steps ${first.toFixed(3)}, last 10 ${last.toFixed(3)}`).toBeLessThan(0.7 * first);
    x.dispose();
    opt.dispose();
    mae.dispose();
  });
});
