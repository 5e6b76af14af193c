/**
 * Parity of the exported ONNX model, run by onnxruntime-node, with the PyTorch reference
 * classifier (docs/ARCHITECTURE.md §4 fixture): tokens, pooled features and logits within 1e-4 relative.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnxFromSafetensors, loadOnnx, parseVitConfigLike } from '../src/onnx/index.js';
import type { OnnxVideoEncoder } from '../src/onnx/index.js';
import { FIXTURES, ncthwToNthwc, readReferenceIo, relError, tempDir } from './onnx-helpers.js';

describe('ONNX export of the PyTorch reference classifier', () => {
  const tmp = tempDir();
  let io: Awaited<ReturnType<typeof readReferenceIo>>;
  let model: OnnxVideoEncoder;
  let clip: Float32Array;

  beforeAll(async () => {
    io = await readReferenceIo();
    const config = parseVitConfigLike(JSON.parse(fs.readFileSync(path.join(FIXTURES, 'config.json'), 'utf8')));
    const file = path.join(tmp.dir, 'ref.onnx');
    await exportOnnxFromSafetensors(path.join(FIXTURES, 'classifier.safetensors'), file, { config, tokens: true });
    model = await loadOnnx(file, { threads: 2 });
    clip = ncthwToNthwc(io.video01.data, io.video01.shape);
  });
  afterAll(async () => {
    await model?.dispose();
    tmp.cleanup();
  });

  it('the fixture input is the ImageNet-normalised clip the graph computes internally', () => {
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const normalised = clip.map((v, i) => (v - mean[i % 3]) / std[i % 3]);
    expect(relError(normalised, io.input_nthwc.data)).toBeLessThan(1e-6);
  });

  it('matches tokens, pooled and logits within 1e-4 relative', async () => {
    const out = await model.run(clip);
    expect(out.logits.shape).toEqual([2, 10]);
    expect(out.pooled.shape).toEqual([2, 64]);
    expect(out.tokens.shape).toEqual([2, 32, 64]);
    expect(relError(out.tokens.data, io.tokens.data)).toBeLessThan(1e-4);
    expect(relError(out.pooled.data, io.pooled.data)).toBeLessThan(1e-4);
    expect(relError(out.logits.data, io.logits.data)).toBeLessThan(1e-4);
  });

  it('gives the same result clip by clip (batching, batch size 1 and 2)', async () => {
    const whole = await model.run(clip, { outputs: ['logits'] });
    const single = await model.run(clip, { outputs: ['logits'], batchSize: 1 });
    expect(relError(single.logits.data, whole.logits.data)).toBeLessThan(1e-6);
    const three = new Float32Array(clip.length * 1.5);
    three.set(clip);
    three.set(clip.subarray(0, clip.length / 2), clip.length);
    const odd = await model.run(three, { outputs: ['logits'], batchSize: 2 });
    expect(odd.logits.shape).toEqual([3, 10]);
    expect(relError(odd.logits.data.subarray(20), io.logits.data.subarray(0, 10))).toBeLessThan(1e-4);
  });

  it('encode returns the pooled features', async () => {
    const pooled = await model.encode(clip);
    expect(relError(pooled, io.pooled.data)).toBeLessThan(1e-4);
  });
});
