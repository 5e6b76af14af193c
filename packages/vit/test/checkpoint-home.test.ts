/**
 * The checkpoint home: a checkpoint's metadata config is checked against the limits and against
 * the tensors the file holds before any model is allocated; parameter groups by layer; loading
 * with fresh heads.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, initBackend, writeSafetensors } from '@ppma/core';
import {
  VideoViT,
  exportOnnxFromSafetensors,
  isHeadKey,
  layerGroupNames,
  layerId,
  loadSafetensorsSource,
  loadWithFreshHeads,
} from '../src/index.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-vit-home-'));
const cfg = { dim: 32, depth: 2, heads: 2, tubelet: 2, patch: 8, frames: 4, height: 16, width: 16, classes: 3 };

beforeAll(async () => {
  await initBackend();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A small real checkpoint whose metadata config says `lie`. */
async function lying(name: string, lie: Record<string, unknown>): Promise<string> {
  const vit = VideoViT.create(cfg, { seed: 1 });
  const file = path.join(tmp, name);
  await writeSafetensors(file, vit.stateDict(), { format: 'ppma-vit/1', config: JSON.stringify({ ...cfg, ...lie }) });
  vit.dispose();
  return file;
}

describe('checkpoint metadata is validated before a model is built', () => {
  it('fails fast with a typed error on {"dim":4096,"depth":400} (above the limits), naming the file and key', async () => {
    const file = await lying('huge.safetensors', { dim: 4096, depth: 400 });
    const before = tf.memory().numBytes;
    const t0 = performance.now();
    const err = await VideoViT.load(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect(String((err as Error).message)).toMatch(/huge\.safetensors.*"depth" is 400/);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(tf.memory().numBytes).toBe(before);
    await expect(loadWithFreshHeads(file, { classes: 2 })).rejects.toBeInstanceOf(CheckpointError);
    await expect(exportOnnxFromSafetensors(file, path.join(tmp, 'x.onnx'))).rejects.toBeInstanceOf(CheckpointError);
  });

  it('rejects a config within the limits that the tensors do not hold, before allocating', async () => {
    const wide = await lying('wide.safetensors', { dim: 4096, heads: 64 });
    const before = tf.memory().numBytes;
    await expect(VideoViT.load(wide)).rejects.toThrow(
      /patch_embed\.proj\.weight" has shape \[32, 3, 2, 8, 8\], the config says/,
    );
    expect(tf.memory().numBytes).toBe(before);
    const deep = await lying('deep.safetensors', { depth: 100 });
    await expect(VideoViT.load(deep)).rejects.toThrow(/holds 2 block\(s\), the config says depth 100/);
    await expect(loadWithFreshHeads(deep, { classes: 2 })).rejects.toBeInstanceOf(CheckpointError);
  });

  it('rejects a config that is not a JSON object', async () => {
    const vit = VideoViT.create(cfg, { seed: 1 });
    const file = path.join(tmp, 'str.safetensors');
    await writeSafetensors(file, vit.stateDict(), { config: '"dim"' });
    vit.dispose();
    await expect(VideoViT.load(file)).rejects.toMatchObject({ code: 'PPMA_MODEL' });
  });
});

describe('parameter groups and fresh heads', () => {
  it('groups by layer as timm does: patch embedding 0, block k at k + 1, the rest at depth + 1', () => {
    expect(layerId('patch_embed.proj.bias', 2)).toBe(0);
    expect(layerId('blocks.1.mlp.fc2.weight', 2)).toBe(2);
    expect(layerId('fc_norm.weight', 2)).toBe(3);
    expect(layerId('heads.a.weight', 2)).toBe(3);
    expect(layerGroupNames(2)).toEqual(['patch_embed', 'blocks.0', 'blocks.1', 'fc_norm']);
    expect(isHeadKey('heads.a.bias') && isHeadKey('head.weight') && !isHeadKey('headless.weight')).toBe(true);
  });

  it('loads the trunk and starts new seeded heads', async () => {
    const a = VideoViT.create(cfg, { seed: 1 });
    const file = path.join(tmp, 'a.safetensors');
    await a.save(file);
    const b = await loadWithFreshHeads(file, { classes: { x: 5 }, seed: 3 });
    const sa = a.stateDict();
    const sb = b.stateDict();
    expect(sb.get('heads.x.weight')!.shape).toEqual([5, 32]);
    expect(sb.has('head.weight')).toBe(false);
    expect(Array.from(sb.get('blocks.1.attn.qkv.weight')!.data)).toEqual(
      Array.from(sa.get('blocks.1.attn.qkv.weight')!.data),
    );
    a.dispose();
    b.dispose();
  });
});

describe('non-finite weights', () => {
  /** A real checkpoint with one NaN in `blocks.1.mlp.fc1.weight`. */
  async function withNaN(): Promise<string> {
    const vit = VideoViT.create(cfg, { seed: 1 });
    const weights = vit.stateDict();
    const w = weights.get('blocks.1.mlp.fc1.weight')!;
    const data = Float32Array.from(w.data);
    data[5] = Number.NaN;
    weights.set('blocks.1.mlp.fc1.weight', { shape: w.shape, data });
    const file = path.join(tmp, 'nan.safetensors');
    await writeSafetensors(file, weights, { format: 'ppma-vit/1', config: JSON.stringify(cfg) });
    vit.dispose();
    return file;
  }

  it('are an error naming the file and tensor, unless allowNonFinite (VideoViT.load, loadSafetensorsSource)', async () => {
    const file = await withNaN();
    const refused = {
      code: 'PPMA_SAFETENSORS_FORMAT',
      message: expect.stringContaining(`${file}: tensor "blocks.1.mlp.fc1.weight" has 1 non-finite value`),
    };
    await expect(VideoViT.load(file)).rejects.toMatchObject(refused);
    await expect(loadSafetensorsSource(file)).rejects.toMatchObject(refused);

    const vit = await VideoViT.load(file, { allowNonFinite: true });
    expect(Number.isNaN(vit.stateDict().get('blocks.1.mlp.fc1.weight')!.data[5])).toBe(true);
    vit.dispose();
    const source = await loadSafetensorsSource(file, { allowNonFinite: true });
    expect(Number.isNaN(source.stateDict().get('blocks.1.mlp.fc1.weight')!.data[5])).toBe(true);
  });
});
