import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, readSafetensors, writeSafetensors } from '@ppma/core';
import { VideoViT } from '@ppma/vit';
import { ClipStore, encodeVideo, readPpmaCsv, writePpmaCsv } from '@ppma/video-io';
import { Rng } from '@ppma/core';
import { alignModel, initModel, type AlignOptions } from '../src/index.js';
import { TINY_VIT, makeBrokenVideo, makeDataset, tempDir } from './helpers.js';

let tmp: { dir: string; cleanup: () => void };
let csvA: string; // 2 classes x 4
let csvB: string; // 3 classes x 2

beforeAll(async () => {
  await initBackend();
  tmp = tempDir();
  csvA = await makeDataset(tmp.dir, 'a', 2, 4, 1);
  csvB = await makeDataset(tmp.dir, 'b', 3, 2, 2);
});
afterAll(() => tmp.cleanup());

function metricLines(file: string): Record<string, unknown>[] {
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const base = (out: string): AlignOptions => ({
  init: { kind: 'scratch', config: TINY_VIT },
  datasets: [
    { name: 'a', manifest: csvA },
    { name: 'b', manifest: csvB },
  ],
  out,
  preset: 'plain',
  recipe: { batchSize: 4, epochs: 2, weightDecay: 0.05 },
  seed: 3,
  progress: false,
});

describe('alignModel', () => {
  it('updates only the head of the dataset the batch came from (other head bit-identical, weight decay on)', async () => {
    const out = path.join(tmp.dir, 'one-step');
    // seed 0: the first batch of the schedule comes from "b", the SECOND dataset (a wrong head
    // choice that falls back to the first head would then show)
    const r = await alignModel({ ...base(out), seed: 0, stopAfter: 1 });
    expect(r.steps).toBe(1);
    const first = metricLines(r.metricsFile).find((m) => m.kind === 'step')!;
    const used = first.dataset as string;
    expect(used).toBe('b');
    const other = 'a';
    const init = await initModel({ kind: 'scratch', config: TINY_VIT }, { a: 2, b: 3 }, { dropPath: 0 }, 0);
    const before = init.stateDict();
    init.dispose();
    const { tensors } = await readSafetensors(r.checkpoint);
    const same = (k: string) =>
      Buffer.from((tensors.get(k)!.data as Float32Array).buffer).equals(Buffer.from(before.get(k)!.data.buffer));
    expect(same(`heads.${other}.weight`)).toBe(true);
    expect(same(`heads.${other}.bias`)).toBe(true);
    expect(same(`heads.${used}.weight`)).toBe(false);
    expect(same('blocks.0.attn.qkv.weight')).toBe(false);
  });

  it('visits every example once per epoch, one dataset per batch, and logs per-dataset loss/accuracy', async () => {
    const out = path.join(tmp.dir, 'epochs');
    const before = tf.memory().numTensors;
    const r = await alignModel(base(out));
    expect(tf.memory().numTensors).toBe(before); // no tensor left behind by 2 epochs of steps
    expect(r.stepsPerEpoch).toBe(2 + 2); // ceil(8/4) + ceil(6/4)
    const steps = metricLines(r.metricsFile).filter((m) => m.kind === 'step');
    expect(steps.length).toBe(8);
    for (let e = 0; e < 2; e++) {
      const ep = steps.filter((m) => m.epoch === e);
      const count = (d: string) => ep.filter((m) => m.dataset === d).reduce((s, m) => s + (m.batch as number), 0);
      expect(count('a')).toBe(8);
      expect(count('b')).toBe(6);
      for (const m of ep) expect(m[`loss/${m.dataset as string}`]).toBeTypeOf('number');
    }
    const epochs = metricLines(r.metricsFile).filter((m) => m.kind === 'epoch');
    expect(epochs.length).toBe(2);
    expect(epochs[0]['acc/a']).toBeTypeOf('number');
    expect(epochs[0]['loss/b']).toBeTypeOf('number');
    const { metadata } = await readSafetensors(r.checkpoint, { names: [] });
    expect(metadata.stage).toBe('align');
    expect(JSON.parse(metadata.config).classes).toEqual({ a: 2, b: 3 });
    expect(JSON.parse(metadata.data).map((d: { name: string }) => d.name)).toEqual(['a', 'b']);
    expect(JSON.parse(metadata.init)).toEqual({ kind: 'scratch', seed: null });
  });

  it('learns a trivially separable task to ~100% top-1 (single dataset = fine-tuning)', async () => {
    const out = path.join(tmp.dir, 'separable');
    const r = await alignModel({
      init: { kind: 'scratch', config: TINY_VIT },
      datasets: [{ name: 'colours', manifest: csvB, val: csvB }],
      out,
      preset: 'plain',
      recipe: { batchSize: 3, epochs: 12, lr: 3e-3, warmupEpochs: 1 },
      eval: { numClips: 2, numCrops: 3 },
      stage: 'finetune',
      seed: 1,
      progress: false,
    });
    expect(r.datasets[0].eval!.count).toBe(6);
    expect(r.datasets[0].eval!.top1).toBeGreaterThanOrEqual(0.99);
  });

  it('resumes to bit-identical weights, with augmentation, mixup and drop path on', async () => {
    const opts = (out: string): AlignOptions => ({
      ...base(out),
      preset: 'cpu',
      recipe: { batchSize: 4, epochs: 2, warmupEpochs: 1 },
    });
    const full = await alignModel(opts(path.join(tmp.dir, 'full')));
    const cut = path.join(tmp.dir, 'cut');
    const part = await alignModel({ ...opts(cut), stopAfter: 3, checkpointEvery: 1 });
    expect(part.steps).toBe(3);
    const rest = await alignModel({ ...opts(cut), resume: true });
    expect(rest.resumedFrom).toBe(3);
    const a = await readSafetensors(full.checkpoint);
    const b = await readSafetensors(rest.checkpoint);
    expect([...b.tensors.keys()].sort()).toEqual([...a.tensors.keys()].sort());
    for (const [k, t] of a.tensors)
      expect(
        Buffer.from((b.tensors.get(k)!.data as Float32Array).buffer).equals(
          Buffer.from((t.data as Float32Array).buffer),
        ),
        k,
      ).toBe(true);
  });

  it('skips and reports a video that does not decode, and never trains on a dummy clip', async () => {
    const m = await readPpmaCsv(csvA);
    const bad = makeBrokenVideo(tmp.dir, 'broken.mkv');
    const csv = path.join(tmp.dir, 'with-bad.csv');
    await writePpmaCsv(
      { labels: m.labels, entries: [...m.entries, { path: bad, label: 0, labelName: m.labels[0] }] },
      csv,
    );
    const r = await alignModel({
      ...base(path.join(tmp.dir, 'bad')),
      datasets: [{ name: 'a', manifest: csv }],
      recipe: { batchSize: 4, epochs: 1 },
    });
    expect(r.datasets[0].examples).toBe(8);
    expect(r.datasets[0].skipped.map((s) => s.path)).toEqual([bad]);
    const report = JSON.parse(fs.readFileSync(path.join(tmp.dir, 'bad', 'report.json'), 'utf8'));
    expect(report.datasets[0].skipped[0].path).toBe(bad);
  });

  it('drops a video that probes but fails to decode during training (lazy decoding), and reports it', async () => {
    const m = await readPpmaCsv(csvA);
    const good = path.join(tmp.dir, 'trunc-src.mp4');
    const frames = new Uint8Array(30 * 32 * 32 * 3);
    for (let i = 0; i < frames.length; i++) frames[i] = (i * 7919) % 251;
    await encodeVideo(good, frames, { width: 32, height: 32, fps: 10 }); // mp4 with the index up front
    const bytes = fs.readFileSync(good);
    const cut = path.join(tmp.dir, 'truncated.mp4');
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const csv = path.join(tmp.dir, 'with-truncated.csv');
    await writePpmaCsv(
      { labels: m.labels, entries: [...m.entries, { path: cut, label: 1, labelName: m.labels[1] }] },
      csv,
    );
    const r = await alignModel({
      ...base(path.join(tmp.dir, 'trunc')),
      datasets: [{ name: 'a', manifest: csv }],
      recipe: { batchSize: 3, epochs: 1 },
      cache: 'none',
    });
    expect(r.datasets[0].examples).toBe(9); // it probed fine, so it is scheduled ...
    expect(r.datasets[0].skipped.map((s) => s.path)).toEqual([cut]); // ... and dropped when its decode failed
    expect(r.datasets[0].skipped[0].reason).toMatch(/PPMA_VIDEO_INPUT/);
    const steps = metricLines(r.metricsFile).filter((x) => x.kind === 'step');
    expect(steps.reduce((s, x) => s + (x.batch as number), 0)).toBe(8); // 8 good clips trained, no substitute
  });

  it('starts from a checkpoint: trunk loaded, heads fresh', async () => {
    const src = VideoViT.create({ ...TINY_VIT, classes: 5 }, { seed: 42 });
    const file = path.join(tmp.dir, 'init.safetensors');
    await src.save(file, { stage: 'test' });
    const sd = src.stateDict();
    src.dispose();
    const vit = await initModel({ kind: 'checkpoint', file }, { a: 2 }, {}, 0);
    const got = vit.stateDict();
    vit.dispose();
    expect(Array.from(got.get('blocks.1.mlp.fc1.weight')!.data)).toEqual(
      Array.from(sd.get('blocks.1.mlp.fc1.weight')!.data),
    );
    expect(got.has('head.weight')).toBe(false);
    expect(got.get('heads.a.weight')!.shape).toEqual([2, 32]);
  });

  it('starts from an MAE checkpoint: encoder weights become the trunk, the decoder is dropped', async () => {
    // An MAE checkpoint as @ppma/mae writes it: encoder.* (with encoder.norm), decoder.*, mask_token,
    // encoder_to_decoder, and format ppma-mae/1 with the MAE config in the metadata.
    const enc = VideoViT.create({ ...TINY_VIT, classes: 0 }, { seed: 5 });
    const sd = enc.stateDict();
    enc.dispose();
    const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [k, t] of sd) if (!k.startsWith('fc_norm.')) tensors.set(`encoder.${k}`, t);
    tensors.set('encoder.norm.weight', { shape: [32], data: new Float32Array(32).fill(2) });
    tensors.set('encoder.norm.bias', { shape: [32], data: new Float32Array(32).fill(3) });
    tensors.set('encoder_to_decoder.weight', { shape: [16, 32], data: new Float32Array(512).fill(0.5) });
    tensors.set('mask_token', { shape: [1, 1, 16], data: new Float32Array(16) });
    tensors.set('decoder.head.weight', { shape: [384, 16], data: new Float32Array(384 * 16).fill(0.1) });
    const file = path.join(tmp.dir, 'mae.safetensors');
    await writeSafetensors(file, tensors, {
      format: 'ppma-mae/1',
      stage: 'mae',
      config: JSON.stringify({ ...TINY_VIT, decoderDim: 16, decoderDepth: 1, decoderHeads: 2 }),
    });
    const vit = await initModel({ kind: 'checkpoint', file }, { a: 2, b: 3 }, {}, 0);
    const got = vit.stateDict();
    expect(vit.config.classes).toEqual({ a: 2, b: 3 });
    vit.dispose();
    expect(Array.from(got.get('blocks.0.attn.qkv.weight')!.data)).toEqual(
      Array.from(sd.get('blocks.0.attn.qkv.weight')!.data),
    );
    expect(Array.from(got.get('patch_embed.proj.weight')!.data)).toEqual(
      Array.from(sd.get('patch_embed.proj.weight')!.data),
    );
    expect(Array.from(got.get('fc_norm.weight')!.data).every((v) => v === 1)).toBe(true); // fresh, not encoder.norm
    expect([...got.keys()].some((k) => k.includes('decoder') || k.includes('mask_token'))).toBe(false);
    expect([...got.keys()].filter((k) => k.startsWith('heads.')).sort()).toEqual([
      'heads.a.bias',
      'heads.a.weight',
      'heads.b.bias',
      'heads.b.weight',
    ]);
  });

  it('decodes the same training windows with and without the memory cache', async () => {
    const m = await readPpmaCsv(csvB);
    const sampling = { frames: 4, stride: 1, shortSide: 32 };
    const mem = await ClipStore.load(m, sampling, { cache: 'memory', progress: false });
    const lazy = await ClipStore.load(m, sampling, { cache: 'auto', memoryBudget: 1000, progress: false });
    expect(mem.inMemory).toBe(true);
    expect(lazy.inMemory).toBe(false); // 6 videos of 6x32x32x3 bytes exceed a 1000-byte budget
    for (let i = 0; i < 3; i++) {
      const a = await mem.trainClip(i, new Rng(i).split('w'));
      const b = await lazy.trainClip(i, new Rng(i).split('w'));
      expect(Buffer.from(b!.data).equals(Buffer.from(a!.data))).toBe(true);
    }
  });
});
