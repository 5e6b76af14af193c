import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ModelError } from '@ppma/core';
import { createSegmenter, parseOnnxAdapter } from '../src/index.js';
import type { FrameBatch } from '../src/index.js';
import { conv1x1Model } from './helpers/tiny-onnx.js';

let dir: string;
let fixed: string; // input fixed at 8x6
let dynamic: string; // symbolic H, W
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hr-onnx-'));
  // fixed: logits (background = -R, person = R - G) for a softmax; dynamic: one logit 4R - 4B - 1 for a sigmoid
  fixed = path.join(dir, 'fixed.onnx');
  fs.writeFileSync(
    fixed,
    conv1x1Model({
      h: 6,
      w: 8,
      weight: [
        [-1, 0, 0],
        [1, -1, 0],
      ],
      bias: [0, 0],
    }),
  );
  dynamic = path.join(dir, 'dynamic.onnx');
  fs.writeFileSync(dynamic, conv1x1Model({ h: 'H', w: 'W', weight: [[4, 0, -4]], bias: [-1] }));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A 2-frame batch: left half red, right half blue (frame 0); the reverse (frame 1). */
function frames(W: number, H: number): FrameBatch {
  const data = new Uint8Array(2 * W * H * 3);
  for (let t = 0; t < 2; t++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const red = x < W / 2 === (t === 0);
        const o = ((t * H + y) * W + x) * 3;
        data[o] = red ? 255 : 0;
        data[o + 2] = red ? 0 : 255;
      }
    }
  }
  return { data, frames: 2, width: W, height: H };
}

describe('onnx segmenter', () => {
  it('runs a model through its adapter (sigmoid, dynamic size): red pixels are people', async () => {
    const seg = await createSegmenter('onnx', {
      modelPath: dynamic,
      adapter: {
        input: { width: 16, height: 12, layout: 'nchw' },
        output: { activation: 'sigmoid', personChannel: 0 },
      },
    });
    const m = await seg.segment(frames(32, 24));
    // independent closed form: red pixel -> sigmoid(4*1 - 0 - 1) = sigmoid(3); blue -> sigmoid(-4 - 1) = sigmoid(-5)
    const red = Math.round(255 / (1 + Math.exp(-3)));
    const blue = Math.round(255 / (1 + Math.exp(5)));
    expect(m.frames).toBe(2);
    expect(m.data[(0 * 24 + 5) * 32 + 2]).toBe(red);
    expect(m.data[(0 * 24 + 5) * 32 + 29]).toBe(blue);
    expect(m.data[(1 * 24 + 5) * 32 + 2]).toBe(blue);
    expect(m.data[(1 * 24 + 5) * 32 + 29]).toBe(red);
    expect(seg.info).toMatchObject({ name: 'onnx', licence: 'unknown' });
    seg.dispose();
  });

  it('applies softmax over channels and picks the person channel; reads the adapter from JSON', async () => {
    const adapterFile = path.join(dir, 'fixed.adapter.json');
    fs.writeFileSync(
      adapterFile,
      JSON.stringify({ input: { width: 8, height: 6 }, output: { activation: 'softmax', personChannel: 1 } }),
    );
    const seg = await createSegmenter('onnx', { modelPath: fixed, adapter: adapterFile });
    const m = await seg.segment(frames(8, 6));
    // red: logits (-1, 1) -> p = e^1/(e^-1+e^1); blue: (0, 0) -> 0.5
    expect(m.data[2]).toBe(Math.round((255 * Math.exp(1)) / (Math.exp(-1) + Math.exp(1))));
    expect(m.data[7]).toBe(128);
    seg.dispose();
  });

  it('rejects an adapter that does not match its model', async () => {
    await expect(
      createSegmenter('onnx', { modelPath: fixed, adapter: { input: { width: 16, height: 6 }, output: {} } }),
    ).rejects.toThrow(
      /does not match the model: input "image" has shape \[1, 3, 6, 8\] but the adapter describes \[1, 3, 6, 16\]/,
    );
    await expect(
      createSegmenter('onnx', {
        modelPath: fixed,
        adapter: { input: { name: 'img', width: 8, height: 6 }, output: {} },
      }),
    ).rejects.toThrow(/no input "img" \(inputs: image\)/);
    const seg = await createSegmenter('onnx', {
      modelPath: fixed,
      adapter: { input: { width: 8, height: 6 }, output: { personChannel: 2 } },
    });
    await expect(seg.segment(frames(8, 6))).rejects.toThrow(ModelError);
    await expect(seg.segment(frames(8, 6))).rejects.toThrow(/person channel 2 but output "mask" has 2 channel/);
    seg.dispose();
  });

  it('names a missing model file and bad adapter keys', async () => {
    const missing = path.join(dir, 'nope.onnx');
    await expect(
      createSegmenter('onnx', { modelPath: missing, adapter: { input: { width: 8, height: 6 }, output: {} } }),
    ).rejects.toThrow(`${missing}: ONNX model file does not exist`);
    expect(() => parseOnnxAdapter({ input: { width: 0, height: 6 }, output: {} })).toThrow(ConfigError);
    expect(() => parseOnnxAdapter({ input: { width: 8, height: 6, layout: 'chw' }, output: {} })).toThrow(
      /adapter.input.layout: must be one of nchw, nhwc/,
    );
    expect(() => parseOnnxAdapter({ input: { width: 8, height: 6 } })).toThrow(/needs "input" and "output"/);
  });
});
