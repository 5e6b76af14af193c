/**
 * A multi-head aligned model (docs/ARCHITECTURE.md §4-5: one shared trunk, `heads.<dataset>`) trained
 * here by `alignModel` for a few steps loads into our PyTorch module (tools/torch/ppma_vit.py, one
 * `nn.Linear` per dataset in `heads`) with strict=True, and every head gives the same logits on the
 * same clip; the same model saved by PyTorch loads back here and agrees.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, initBackend, readSafetensorsHeader } from '@ppma/core';
import { VideoViT } from '@ppma/vit';
import { alignModel } from '../src/index.js';
import { TINY_VIT, makeDataset } from './helpers.js';
import {
  maxRelDiff,
  readOutputs,
  runBridge,
  scratch,
  torchPython,
  torchSkipReason,
  writeClip,
} from '../../../tools/torch/bridge-client.js';

const SHAPE: [number, number, number, number, number] = [2, 4, 32, 32, 3];

describe.skipIf(!torchPython)(`multi-head aligned checkpoints both ways with PyTorch ${torchSkipReason}`, () => {
  const tmp = scratch('align');
  const pixels = new Rng(3).fillUniform(new Float32Array(SHAPE.reduce((a, b) => a * b, 1)), 0, 1);
  let checkpoint = '';
  let config: Record<string, unknown> = {};

  beforeAll(async () => {
    await initBackend();
    const a = await makeDataset(tmp.dir, 'nh', 2, 2, 1);
    const b = await makeDataset(tmp.dir, 'synth', 3, 2, 2);
    const r = await alignModel({
      init: { kind: 'scratch', config: TINY_VIT },
      datasets: [
        { name: 'nh', manifest: a },
        { name: 'synth', manifest: b },
      ],
      out: path.join(tmp.dir, 'run'),
      preset: 'plain',
      recipe: { batchSize: 2, epochs: 1 },
      seed: 0,
      stopAfter: 3,
      progress: false,
    });
    expect(r.steps).toBe(3);
    checkpoint = r.checkpoint;
    config = JSON.parse((await readSafetensorsHeader(checkpoint)).metadata.config) as Record<string, unknown>;
  });
  afterAll(() => tmp.cleanup());

  it('loads into PyTorch with strict=True; both heads give the same logits, and back again', async () => {
    expect(config.classes).toEqual({ nh: 2, synth: 3 });
    const clip = path.join(tmp.dir, 'clip.safetensors');
    await writeClip(clip, { data: pixels, shape: SHAPE });
    const out = path.join(tmp.dir, 'torch-out.safetensors');
    runBridge('forward', { kind: 'vit', config, weights: checkpoint, clip, out }, tmp.dir);
    const ref = await readOutputs(out);
    const vit = await VideoViT.load(checkpoint);
    const x = tf.tensor5d(pixels, SHAPE);
    try {
      for (const head of ['nh', 'synth']) {
        const o = vit.forward(x, { head });
        expect(o.logits.shape).toEqual([2, head === 'nh' ? 2 : 3]);
        expect(maxRelDiff(o.logits.dataSync(), ref.get(`logits.${head}`)!.data)).toBeLessThan(1e-4);
        expect(maxRelDiff(o.pooled.dataSync(), ref.get('pooled')!.data)).toBeLessThan(1e-4);
        tf.dispose([o.tokens, o.pooled, o.logits]);
      }
    } finally {
      vit.dispose();
    }
    // PyTorch -> here: a fresh two-head model written by PyTorch loads strictly with this config
    const fromTorch = path.join(tmp.dir, 'from-torch.safetensors');
    runBridge('init', { kind: 'vit', config, seed: 7, out: fromTorch }, tmp.dir);
    const out2 = path.join(tmp.dir, 'torch-out-2.safetensors');
    runBridge('forward', { kind: 'vit', config, weights: fromTorch, clip, out: out2 }, tmp.dir);
    const ref2 = await readOutputs(out2);
    const back = await VideoViT.load(fromTorch);
    try {
      const o = back.forward(x, { head: 'synth' });
      expect(maxRelDiff(o.logits.dataSync(), ref2.get('logits.synth')!.data)).toBeLessThan(1e-4);
      tf.dispose([o.tokens, o.pooled, o.logits]);
    } finally {
      back.dispose();
      x.dispose();
    }
  });
});
