/**
 * Parity of the exported ONNX model (onnxruntime-node) with the TF.js `VideoViT` forward, for a
 * randomly initialised ViT-S (D 384, 12 blocks, 6 heads) with two heads, on small non-square clips.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, initBackend } from '@ppma/core';
import { createModel, exportOnnx, exportOnnxFromSafetensors, loadOnnx } from '../src/index.js';
import type { OnnxVideoEncoder, VideoViT } from '../src/index.js';
import { relError, tempDir } from './onnx-helpers.js';

describe('ONNX vs TF.js forward, random ViT-S', () => {
  const tmp = tempDir();
  let vit: VideoViT;
  let onnx: OnnxVideoEncoder;
  const shape: [number, number, number, number, number] = [3, 4, 32, 48, 3];
  const pixels = new Rng(5).fillUniform(new Float32Array(shape.reduce((a, b) => a * b, 1)), 0, 1);

  beforeAll(async () => {
    await initBackend();
    vit = createModel('vit-s', { frames: 4, height: 32, width: 48, classes: { real: 7, synth: 5 } }, { seed: 3 });
    const file = path.join(tmp.dir, 'vit-s.onnx');
    await exportOnnx(vit, file, { tokens: true });
    onnx = await loadOnnx(file, { threads: 2 });
  });
  afterAll(async () => {
    vit?.dispose();
    await onnx?.dispose();
    tmp.cleanup();
  });

  it('tokens, pooled and both heads match within 1e-4 relative', async () => {
    const out = await onnx.run(pixels);
    const clip = tf.tensor5d(pixels, shape);
    const ref = vit.forward(clip, { head: 'real' });
    const pooled = ref.pooled.dataSync() as Float32Array;
    expect(relError(out.pooled.data, pooled)).toBeLessThan(1e-4);
    expect(relError(out.tokens.data, ref.tokens.dataSync() as Float32Array)).toBeLessThan(1e-4);
    expect(relError(out['logits.real'].data, ref.logits.dataSync() as Float32Array)).toBeLessThan(1e-4);
    tf.dispose([clip, ref.tokens, ref.pooled, ref.logits]);
    // The second head from the TF.js pooled features and the PyTorch-layout head weights [C, D].
    const w = vit.stateDict().get('heads.synth.weight')!;
    const b = vit.stateDict().get('heads.synth.bias')!;
    const [c, d] = w.shape;
    const synth = new Float32Array(3 * c);
    for (let n = 0; n < 3; n++)
      for (let k = 0; k < c; k++) {
        let s = b.data[k];
        for (let j = 0; j < d; j++) s += w.data[k * d + j] * pooled[n * d + j];
        synth[n * c + k] = s;
      }
    expect(relError(out['logits.synth'].data, synth)).toBeLessThan(1e-4);
  });

  it('a saved checkpoint exports with the config from its metadata and matches the TF.js features', async () => {
    const nano = createModel('vit-nano', { height: 48, classes: 3 }, { seed: 9 });
    try {
      const ckpt = path.join(tmp.dir, 'nano.safetensors');
      await nano.save(ckpt, { metadata: { labels: JSON.stringify(['a', 'b', 'c']) } });
      const file = path.join(tmp.dir, 'nano.onnx');
      await exportOnnxFromSafetensors(ckpt, file, { encoderOnly: true, metadata: { labels: '["a","b","c"]' } });
      const enc = await loadOnnx(file, { threads: 1 });
      try {
        expect(enc.outputNames).toEqual(['pooled']);
        expect(enc.config).toMatchObject({ frames: 8, height: 48, width: 32, tubelet: [2, 8, 8] });
        expect(enc.info.metadata.labels).toBe('["a","b","c"]');
        const x = new Rng(6).fillUniform(new Float32Array(2 * 8 * 48 * 32 * 3), 0, 1);
        const clip = tf.tensor5d(x, [2, 8, 48, 32, 3]);
        const ref = nano.features(clip);
        expect(relError(await enc.encode(x), ref.dataSync() as Float32Array)).toBeLessThan(1e-4);
        tf.dispose([clip, ref]);
      } finally {
        await enc.dispose();
      }
    } finally {
      nano.dispose();
    }
  });
});
