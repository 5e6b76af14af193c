import fs from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, readSafetensors, writeSafetensors } from '@ppma/core';
import { VideoViT, crossEntropy, linear } from '@ppma/vit';
import { BetaSoup, learnBeta, releaseWeights, type BetaMode } from '../src/index.js';
import { TINY_VIT, colourClips, makeCheckpoint, tempDir } from './helpers.js';

let tmp: { dir: string; cleanup: () => void };
let a: string;
let b: string;
let c3: string;

beforeAll(async () => {
  await initBackend();
  tmp = tempDir();
  a = await makeCheckpoint(tmp.dir, 'a', 11);
  b = await makeCheckpoint(tmp.dir, 'b', 12, { x: 4 });
  c3 = await makeCheckpoint(tmp.dir, 'c', 13);
});
afterAll(() => tmp.cleanup());

function clipTensor(n: number, seed: number): tf.Tensor5D {
  const { clips } = colourClips(n, 1, seed);
  return tf.tidy(() => tf.div(tf.tensor5d(clips, [n, 4, 32, 32, 3], 'int32'), 255)) as tf.Tensor5D;
}

describe('BetaSoup', () => {
  it('with one-hot proportions its features are those of that ingredient (VideoViT forward)', async () => {
    const soup = await BetaSoup.fromCheckpoints([a, b, c3], 'per-block');
    const x = clipTensor(2, 5);
    for (const k of [0, 2]) {
      const v = new Float32Array(soup.groups.length * 3).fill(-1e4);
      for (let g = 0; g < soup.groups.length; g++) v[g * 3 + k] = 0;
      soup.logits.assign(tf.tensor2d(v, [soup.groups.length, 3]));
      const vit = await VideoViT.load([a, b, c3][k]);
      const want = vit.features(x);
      const got = tf.tidy(() => {
        const weights = soup.mixedWeights();
        const f = soup.pooled(soup.patchRows(x), 2, weights);
        releaseWeights(weights);
        return f;
      });
      const w = want.dataSync();
      const g = got.dataSync();
      for (let i = 0; i < w.length; i++) expect(Math.abs(g[i] - w[i])).toBeLessThan(1e-4 * (1 + Math.abs(w[i])));
      tf.dispose([want, got]);
      vit.dispose();
    }
    x.dispose();
    soup.dispose();
  });

  for (const mode of ['global', 'per-block'] as BetaMode[]) {
    it(`${mode}: proportions start equal, sum to 1, and the gradient reaching beta matches finite differences`, async () => {
      const soup = await BetaSoup.fromCheckpoints([a, b, c3], mode);
      const p0 = soup.readProportions();
      for (const row of p0) for (const v of row) expect(v).toBeCloseTo(1 / 3, 6);
      // move away from the symmetric point so that every entry of the gradient is informative
      const G = soup.groups.length;
      const start = Float32Array.from({ length: G * 3 }, (_, i) => Math.sin(1.7 * i + 0.3));
      soup.logits.assign(tf.tensor2d(start, [G, 3]));
      for (const row of soup.readProportions()) expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
      const x = clipTensor(3, 9);
      const rows = soup.patchRows(x);
      const headW = tf.randomNormal([32, 3], 0, 1, 'float32', 4) as tf.Tensor2D;
      const headB = tf.zeros([3]) as tf.Tensor1D;
      const labels = [0, 1, 2];
      let kept: Map<string, tf.Tensor>[] = [];
      const loss = () => {
        const w = soup.mixedWeights();
        kept.push(w);
        return crossEntropy(linear(soup.pooled(rows, 3, w), headW, headB), labels);
      };
      const release = () => {
        kept.forEach(releaseWeights);
        kept = [];
      };
      const before = tf.memory().numTensors;
      const { grads, value } = tf.variableGrads(loss, [soup.logits]);
      release();
      const analytic = grads[soup.logits.name].dataSync();
      tf.dispose([value, ...Object.values(grads)]);
      const eps = 1e-2;
      const numeric = new Float32Array(G * 3);
      for (let i = 0; i < G * 3; i++) {
        const at = (d: number) => {
          const v = Float32Array.from(start);
          v[i] += d;
          tf.tidy(() => soup.logits.assign(tf.tensor2d(v, [G, 3])));
          const l = tf.tidy(loss);
          const r = l.dataSync()[0];
          l.dispose();
          release();
          return r;
        };
        numeric[i] = (at(eps) - at(-eps)) / (2 * eps);
      }
      expect(tf.memory().numTensors).toBe(before); // the kept soup weights are all released
      const scale = Math.max(...Array.from(numeric, Math.abs));
      expect(scale).toBeGreaterThan(1e-4);
      for (let i = 0; i < G * 3; i++) expect(Math.abs(analytic[i] - numeric[i])).toBeLessThan(0.03 * scale + 1e-4);
      // per-group logits sum of gradient is 0 (softmax is shift-invariant): a closed-form check
      for (let g = 0; g < G; g++)
        expect(Math.abs(analytic[g * 3] + analytic[g * 3 + 1] + analytic[g * 3 + 2])).toBeLessThan(1e-5 + 1e-3 * scale);
      tf.dispose([x, rows, headW, headB]);
      soup.dispose();
    });
  }
});

describe('learnBeta', () => {
  it('learns a linear probe on a trivially separable task to ~100%, reports proportions summing to 1, writes the soup, leaks nothing', async () => {
    const train = colourClips(6, 3, 1);
    const val = colourClips(3, 3, 2);
    const out = join(tmp.dir, 'beta');
    const before = tf.memory().numTensors;
    const r = await learnBeta({
      models: [a, b],
      mode: 'per-block',
      train,
      val,
      numClasses: 3,
      out,
      epochs: 8,
      batchSize: 6,
      lr: 2e-2,
      progress: false,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.groups).toEqual(['patch_embed', 'blocks.0', 'blocks.1', 'fc_norm']);
    for (const row of r.proportions) {
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
      for (const v of row) expect(v).toBeGreaterThan(0);
    }
    expect(r.proportions.some((row) => Math.abs(row[0] - 0.5) > 1e-4)).toBe(true); // beta moved
    expect(r.valTop1).toBeGreaterThanOrEqual(0.99);
    expect(r.table).toContain('| blocks.0 |');
    const json = JSON.parse(fs.readFileSync(join(out, 'beta.json'), 'utf8'));
    expect(json.proportions).toEqual(r.proportions);
    // the written soup (trunk mixed with the learned proportions + probe head) reproduces the probe's accuracy
    const vit = await VideoViT.load(r.checkpoint);
    const { clips, labels } = val;
    const x = tf.tidy(() => tf.div(tf.tensor5d(clips, [9, 4, 32, 32, 3], 'int32'), 255)) as tf.Tensor5D;
    const pred = tf.tidy(() => tf.argMax(vit.forward(x).logits, 1));
    const p = pred.dataSync();
    expect(Array.from(p).filter((v, i) => v === labels[i]).length / 9).toBe(r.valTop1);
    tf.dispose([x, pred]);
    vit.dispose();
    const meta = (await readSafetensors(r.checkpoint, { names: [] })).metadata;
    expect(JSON.parse(meta.soup).kind).toBe('learned-beta');
  });

  it('resumes to the same proportions and head as an uninterrupted run', async () => {
    const train = colourClips(4, 3, 3);
    const opts = {
      models: [a, b, c3],
      mode: 'global' as const,
      train,
      numClasses: 3,
      epochs: 3,
      batchSize: 4,
      progress: false,
    };
    const full = await learnBeta({ ...opts, out: join(tmp.dir, 'full') });
    const cut = join(tmp.dir, 'cut');
    const part = await learnBeta({ ...opts, out: cut, stopAfter: 4 });
    expect(part.steps).toBe(4);
    const rest = await learnBeta({ ...opts, out: cut, resume: true });
    expect(rest.steps).toBe(9);
    expect(rest.proportions).toEqual(full.proportions);
    const h1 = (await readSafetensors(full.checkpoint)).tensors.get('head.weight')!.data as Float32Array;
    const h2 = (await readSafetensors(rest.checkpoint)).tensors.get('head.weight')!.data as Float32Array;
    expect(Buffer.from(h2.buffer).equals(Buffer.from(h1.buffer))).toBe(true);
  });

  it('moves beta toward the model that sees the input (the other one has a zero patch embedding), in either order', async () => {
    const src = await readSafetensors(await makeCheckpoint(tmp.dir, 'b0', 12));
    const blindWeights = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [k, t] of src.tensors)
      blindWeights.set(k, {
        shape: [...t.shape],
        data: k === 'patch_embed.proj.weight' ? new Float32Array(t.data.length) : (t.data as Float32Array),
      });
    const blind = join(tmp.dir, 'blind.safetensors');
    await writeSafetensors(blind, blindWeights, src.metadata);
    const train = colourClips(6, 3, 1);
    const run = (models: string[], mode: BetaMode, out: string) =>
      learnBeta({
        models,
        mode,
        train,
        numClasses: 3,
        out: join(tmp.dir, out),
        epochs: 8,
        batchSize: 6,
        lr: 2e-2,
        progress: false,
      });
    const g1 = await run([a, blind], 'global', 'g1');
    const g2 = await run([blind, a], 'global', 'g2');
    expect(g1.proportions[0][0]).toBeGreaterThan(0.55);
    expect(g2.proportions[0][1]).toBeGreaterThan(0.55);
    const pb = await run([a, blind], 'per-block', 'pb');
    expect(pb.proportions[0][0]).toBeGreaterThan(0.55); // patch_embed
    expect(pb.proportions[3]).toEqual([0.5, 0.5]); // fc_norm is identical (fresh) in both: no gradient
  });

  it('needs at least two models', async () => {
    const train = colourClips(2, 2, 1);
    await expect(
      learnBeta({ models: [a], train, numClasses: 2, out: join(tmp.dir, 'one'), progress: false }),
    ).rejects.toThrow(/at least two models/);
  });
});
