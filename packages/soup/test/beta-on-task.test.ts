/**
 * The learned-beta soup on a task: trained on one centred clip per video, evaluated with the
 * common protocol (2 clips x 3 crops, softmax averaged over the views), with a top-5 per video.
 * The averaged probabilities are checked against a per-view forward of the written soup.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@ppma/core';
import { encodeVideo, loadViewBlock, loadViews, type Manifest } from '@ppma/video-io';
import { VideoViT } from '@ppma/vit';
import { decodeTaskViews, learnBetaOnTask } from '../src/index.js';
import { makeCheckpoint, tempDir } from './helpers.js';

const tmp = tempDir();
let train: Manifest;
let val: Manifest;
const COLOURS = [
  [220, 40, 40],
  [40, 60, 220],
];

async function video(file: string, cls: number, shade: number): Promise<string> {
  const T = 10;
  const frames = new Uint8Array(T * 40 * 40 * 3);
  for (let t = 0; t < T; t++)
    for (let p = 0; p < 40 * 40; p++)
      for (let ch = 0; ch < 3; ch++)
        frames[(t * 1600 + p) * 3 + ch] = Math.min(255, COLOURS[cls][ch] + shade + ((p + t) % 7));
  await encodeVideo(file, frames, { width: 40, height: 40, fps: 10, lossless: true });
  return file;
}

beforeAll(async () => {
  await initBackend();
  const entries = async (split: string, n: number) => {
    const out = [];
    for (let i = 0; i < n; i++) {
      const cls = i % 2;
      out.push({ path: await video(join(tmp.dir, `${split}${i}.mkv`), cls, 3 * i), label: cls, labelName: `c${cls}` });
    }
    return out;
  };
  train = { labels: ['c0', 'c1'], entries: await entries('train', 6) };
  val = {
    labels: ['c0', 'c1'],
    entries: [...(await entries('val', 3)), { path: join(tmp.dir, 'missing.mkv'), label: 0, labelName: 'c0' }],
  };
}, 60_000);
afterAll(() => tmp.cleanup());

describe('learnBetaOnTask', () => {
  it('evaluates the soup with 2 x 3 views and reports top-5 per validation video, skipping bad ones', async () => {
    const a = await makeCheckpoint(tmp.dir, 'a', 1);
    const b = await makeCheckpoint(tmp.dir, 'b', 2);
    const before = tf.memory().numTensors;
    const r = await learnBetaOnTask({
      models: [a, b],
      train,
      val,
      out: join(tmp.dir, 'beta'),
      seed: 5,
      epochs: 2,
      progress: false,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.skipped.map((s) => s.path)).toEqual([join(tmp.dir, 'missing.mkv')]);
    expect(r.predictions.map((p) => p.clip)).toEqual(val.entries.slice(0, 3).map((e) => e.path));
    const hits = r.predictions.filter((p) => p.top5[0][0] === p.label).length;
    expect(r.valTop1).toBeCloseTo(hits / 3, 10);
    // Independent check: each of the 6 views through the written soup one at a time, softmax, mean.
    const soup = await VideoViT.load(r.checkpoint);
    for (const p of r.predictions) {
      const views = await loadViews(p.clip, { frames: 4, height: 32, width: 32, stride: 1, numClips: 2, numCrops: 3 });
      expect(views).toHaveLength(6);
      const mean = [0, 0];
      for (const v of views) {
        const probs = tf.tidy(() => {
          const x = tf.div(
            tf.tensor(v.data.slice(0, 4 * 32 * 32 * 3), [1, 4, 32, 32, 3], 'float32'),
            255,
          ) as tf.Tensor5D;
          return tf.softmax(soup.forward(x).logits).dataSync();
        });
        mean[0] += probs[0] / 6;
        mean[1] += probs[1] / 6;
      }
      expect(p.top5).toHaveLength(2);
      for (const [cls, prob] of p.top5) expect(prob).toBeCloseTo(mean[cls], 5);
      expect(p.top5[0][1]).toBeGreaterThanOrEqual(p.top5[1][1]);
    }
    soup.dispose();
  }, 120_000);

  it('decoded once and reused across seeds, gives the same predictions and proportions as decoding per run', async () => {
    const a = await makeCheckpoint(tmp.dir, 'a2', 1);
    const b = await makeCheckpoint(tmp.dir, 'b2', 2);
    const decoded = await decodeTaskViews({ models: [a, b], train, val, progress: false });
    expect(decoded.train.labels.length).toBe(6);
    expect(decoded.val?.labels.length).toBe(3);
    const run = (seed: number, out: string, reuse: boolean) =>
      learnBetaOnTask({
        models: [a, b],
        train,
        val,
        out: join(tmp.dir, out),
        seed,
        epochs: 2,
        progress: false,
        ...(reuse ? { decoded } : {}),
      });
    for (const seed of [3, 4]) {
      const fresh = await run(seed, `fresh-${seed}`, false);
      const reused = await run(seed, `reused-${seed}`, true);
      expect(reused.predictions).toEqual(fresh.predictions);
      expect(reused.proportions).toEqual(fresh.proportions);
      expect(reused.valTop1).toBe(fresh.valTop1);
      expect(reused.skipped).toEqual(fresh.skipped);
    }
    await expect(
      learnBetaOnTask({
        models: [a, b],
        train,
        val: train,
        out: join(tmp.dir, 'bad'),
        seed: 0,
        decoded,
        progress: false,
      }),
    ).rejects.toThrow(/decoded: was decoded for other manifests/);
  }, 180_000);

  it('decodes through the given loader (a shared cache): every video asked once, in order, the same clips and skips', async () => {
    const models = [await makeCheckpoint(tmp.dir, 'la', 1), await makeCheckpoint(tmp.dir, 'lb', 2)];
    const asked: string[] = [];
    const plain = await decodeTaskViews({ models, train, val });
    const viaLoader = await decodeTaskViews({
      models,
      train,
      val,
      loadBlock: (path, spec) => {
        asked.push(path);
        return loadViewBlock(path, spec);
      },
    });
    expect(asked).toEqual([...train.entries, ...val.entries].map((e) => e.path));
    expect(Buffer.from(viaLoader.train.clips).equals(Buffer.from(plain.train.clips))).toBe(true);
    expect(Buffer.from(viaLoader.val?.clips ?? []).equals(Buffer.from(plain.val?.clips ?? [1]))).toBe(true);
    expect(viaLoader.val?.skipped.map((k) => k.path)).toEqual([join(tmp.dir, 'missing.mkv')]);
    expect(viaLoader.key).toBe(plain.key);
  });
});
