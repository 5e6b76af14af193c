/**
 * Checkpoints: save/load round trips (PyTorch names and layouts, config in the metadata), the
 * MAE-encoder, VideoMAE (q_bias/v_bias) and OmniMAE/PPMA (trunk.*) importers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, Rng, initBackend, readSafetensors, toFloat32, writeSafetensors } from '@ppma/core';
import { VideoViT, toClassifierKeys, type TorchTensor } from '../src/index.js';

const fixtures = path.join(import.meta.dirname, 'fixtures');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-vit-ckpt-'));
const cfg = { dim: 32, depth: 2, heads: 2, tubelet: 2, patch: 8, frames: 4, height: 16, width: 24, classes: 4 };

beforeAll(async () => {
  await initBackend();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function clip(): tf.Tensor5D {
  return tf.tensor5d(new Rng(4).fillUniform(new Float32Array(4 * 16 * 24 * 3)), [1, 4, 16, 24, 3]);
}

describe('checkpoints', () => {
  it('round-trips through save and VideoViT.load, with config and stage in the metadata', async () => {
    const a = VideoViT.create(cfg, { seed: 1 });
    const file = path.join(tmp, 'a.safetensors');
    await a.save(file, { stage: 'align', data: { datasets: ['nh-real', 'synthetic'] } });
    const { tensors, metadata } = await readSafetensors(file);
    expect(tensors.get('blocks.1.attn.qkv.weight')!.shape).toEqual([96, 32]);
    expect(tensors.get('patch_embed.proj.weight')!.shape).toEqual([32, 3, 2, 8, 8]);
    expect(JSON.parse(metadata.config).width).toBe(24);
    expect(metadata.stage).toBe('align');
    const b = await VideoViT.load(file);
    expect(b.config).toEqual(a.config);
    const x = clip();
    const ya = a.forward(x).logits.dataSync();
    const yb = b.forward(x).logits.dataSync();
    expect(Array.from(yb)).toEqual(Array.from(ya));
    const c = VideoViT.create(cfg, { seed: 2 });
    expect(Array.from(c.forward(x).logits.dataSync())).not.toEqual(Array.from(ya));
    tf.dispose(x);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('writes PyTorch layouts: a linear weight is [out, in] and acts as x @ W^T + b', () => {
    const vit = VideoViT.create(cfg, { seed: 3 });
    const sd = vit.stateDict();
    const w = sd.get('head.weight')!;
    const bias = sd.get('head.bias')!;
    const x = clip();
    const out = vit.forward(x);
    const pooled = out.pooled.dataSync();
    const logits = out.logits.dataSync();
    for (let o = 0; o < 4; o++) {
      let s = bias.data[o];
      for (let i = 0; i < 32; i++) s += w.data[o * 32 + i] * pooled[i];
      expect(logits[o]).toBeCloseTo(s, 5);
    }
    tf.dispose([x, out.tokens, out.pooled, out.logits]);
    vit.dispose();
  });

  it('rejects missing keys and wrong shapes, naming them', async () => {
    const vit = VideoViT.create(cfg);
    const sd = vit.stateDict();
    sd.delete('blocks.0.norm2.bias');
    expect(() => vit.loadStateDict(sd)).toThrow(/blocks\.0\.norm2\.bias/);
    const bad = vit.stateDict();
    bad.set('fc_norm.weight', { shape: [31], data: new Float32Array(31) });
    expect(() => vit.loadStateDict(bad)).toThrow(CheckpointError);
    vit.dispose();
  });

  it('builds a classifier from the MAE encoder of the PyTorch fixture, dropping the decoder', async () => {
    const ref = JSON.parse(fs.readFileSync(path.join(fixtures, 'config.json'), 'utf8')) as Record<string, number>;
    const vit = VideoViT.create({
      dim: ref.dim,
      depth: ref.depth,
      heads: ref.heads,
      tubelet: ref.tubelet,
      patch: ref.patch,
      frames: ref.frames,
      height: ref.height,
      width: ref.width,
      classes: 7,
    });
    await vit.load(path.join(fixtures, 'weights.safetensors'), { prefix: 'mae.', from: 'mae' });
    const { tensors } = await readSafetensors(path.join(fixtures, 'weights.safetensors'), {
      prefix: 'mae.encoder.blocks.1.mlp.fc2.',
    });
    const sd = vit.stateDict();
    expect(Array.from(sd.get('blocks.1.mlp.fc2.weight')!.data)).toEqual(
      Array.from(toFloat32(tensors.get('mae.encoder.blocks.1.mlp.fc2.weight')!)),
    );
    expect([...sd.keys()].some((k) => k.startsWith('decoder') || k.startsWith('encoder'))).toBe(false);
    vit.dispose();
  });

  it('maps VideoMAE q_bias/v_bias into qkv.bias with a zero k bias, and OmniMAE trunk.* names', async () => {
    const d = 4;
    const q = Float32Array.from([1, 2, 3, 4]);
    const v = Float32Array.from([5, 6, 7, 8]);
    const src = new Map<string, TorchTensor>([
      ['blocks.0.attn.q_bias', { shape: [d], data: q }],
      ['blocks.0.attn.v_bias', { shape: [d], data: v }],
      ['blocks.0.attn.qkv.weight', { shape: [3 * d, d], data: new Float32Array(3 * d * d) }],
    ]);
    const mapped = toClassifierKeys(src, 'videomae');
    expect(Array.from(mapped.get('blocks.0.attn.qkv.bias')!.data)).toEqual([1, 2, 3, 4, 0, 0, 0, 0, 5, 6, 7, 8]);
    expect(mapped.has('blocks.0.attn.q_bias')).toBe(false);
    const trunk = toClassifierKeys(
      new Map([
        ['trunk.patch_embed.proj.1.weight', src.get('blocks.0.attn.q_bias')!],
        ['trunk.blocks.3.norm1.bias', src.get('blocks.0.attn.v_bias')!],
      ]),
      'trunk',
    );
    expect([...trunk.keys()].sort()).toEqual(['blocks.3.norm1.bias', 'patch_embed.proj.weight']);
  });

  it('loads a VideoMAE-style file (q_bias/v_bias, no qkv.bias) into the same model as its qkv form', async () => {
    const a = VideoViT.create(cfg, { seed: 6 });
    const sd = a.stateDict();
    const vm = new Map<string, TorchTensor>();
    for (const [k, t] of sd) {
      if (k.endsWith('attn.qkv.bias')) {
        const base = k.slice(0, -'qkv.bias'.length);
        const data = Float32Array.from(t.data);
        data.fill(0, 32, 64); // VideoMAE has no k bias
        vm.set(`${base}q_bias`, { shape: [32], data: data.slice(0, 32) });
        vm.set(`${base}v_bias`, { shape: [32], data: data.slice(64) });
        sd.set(k, { shape: t.shape, data });
      } else vm.set(k, t);
    }
    a.loadStateDict(sd);
    const file = path.join(tmp, 'videomae.safetensors');
    await writeSafetensors(file, vm);
    const b = VideoViT.create(cfg, { seed: 7 });
    await b.load(file);
    const x = clip();
    expect(Array.from(b.forward(x).logits.dataSync())).toEqual(Array.from(a.forward(x).logits.dataSync()));
    tf.dispose(x);
    a.dispose();
    b.dispose();
  });
});
