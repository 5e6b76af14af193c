/**
 * Parity of the exported ONNX model (onnxruntime-node) with the TF.js `VideoViT` forward, for a
 * randomly initialised ViT-S (D 384, 12 blocks, 6 heads) with two heads, on small non-square clips.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, initBackend } from '@ppma/core';
import { createModel, exportOnnx, loadOnnx } from '../src/index.js';
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
});
