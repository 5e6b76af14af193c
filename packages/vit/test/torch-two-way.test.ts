/**
 * Checkpoints both ways between this toolkit and PyTorch (docs/ARCHITECTURE.md §4), against our own
 * PyTorch module (tools/torch/ppma_vit.py) run by Debian's python3-torch:
 * - a ViT trained here for a few steps, saved, loads into the PyTorch module with strict=True and
 *   gives the same tokens, pooled features and logits on the same clip;
 * - a ViT initialised and saved by PyTorch loads here (config from its metadata) and agrees;
 * - the ONNX export of the trained model, run by onnxruntime, agrees with PyTorch.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdamW, Rng, initBackend } from '@ppma/core';
import { VideoViT, crossEntropy, exportOnnx, loadOnnx, type VitConfigInput } from '../src/index.js';
import {
  maxRelDiff,
  readOutputs,
  runBridge,
  scratch,
  torchPython,
  torchSkipReason,
  writeClip,
} from '../../../tools/torch/bridge-client.js';
import { TINY_TRUNK_16 } from '../../../tools/test/reference.js';

const CONFIG: VitConfigInput = {
  ...TINY_TRUNK_16,
  classes: 5,
};
const SHAPE: [number, number, number, number, number] = [2, 4, 16, 16, 3];
const TOL = 1e-4;

function train(vit: VideoViT, steps: number): void {
  const rng = new Rng(11);
  const opt = new AdamW({ weightDecay: 0.05 });
  const vars = vit.trainableVariables();
  const names = new Map(Object.entries(vars).map(([k, v]) => [v.name, k]));
  for (let s = 0; s < steps; s++) {
    const x = tf.tensor5d(rng.fillUniform(new Float32Array(SHAPE.reduce((a, b) => a * b, 1)), 0, 1), SHAPE);
    const { value, grads } = tf.variableGrads(() => crossEntropy(vit.forward(x).logits, [1, 3]), Object.values(vars));
    const named: Record<string, tf.Tensor> = {};
    for (const [k, g] of Object.entries(grads)) named[names.get(k)!] = g;
    opt.apply(vars, named, 3e-3);
    tf.dispose([x, value, ...Object.values(grads)]);
  }
}

describe.skipIf(!torchPython)(`ViT checkpoints both ways with PyTorch ${torchSkipReason}`, () => {
  const tmp = scratch('vit');
  const pixels = new Rng(5).fillUniform(new Float32Array(SHAPE.reduce((a, b) => a * b, 1)), 0, 1);
  const clipFile = path.join(tmp.dir, 'clip.safetensors');
  let vit: VideoViT;
  let ours: ReturnType<VideoViT['forward']>;
  let torchOfOurs: Awaited<ReturnType<typeof readOutputs>>; // PyTorch's outputs for the trained checkpoint

  beforeAll(async () => {
    await initBackend();
    await writeClip(clipFile, { data: pixels, shape: SHAPE });
    vit = VideoViT.create(CONFIG, { seed: 2 });
    const before = vit.stateDict().get('blocks.0.attn.qkv.weight')!.data.slice();
    train(vit, 3);
    expect(maxRelDiff(vit.stateDict().get('blocks.0.attn.qkv.weight')!.data, before)).toBeGreaterThan(1e-4); // trained
    const x = tf.tensor5d(pixels, SHAPE);
    ours = vit.forward(x);
    x.dispose();
    const ckpt = path.join(tmp.dir, 'trained.safetensors');
    await vit.save(ckpt, { stage: 'test' });
    const out = path.join(tmp.dir, 'torch-out.safetensors');
    runBridge('forward', { kind: 'vit', config: CONFIG, weights: ckpt, clip: clipFile, out }, tmp.dir);
    torchOfOurs = await readOutputs(out);
  });
  afterAll(() => {
    vit?.dispose();
    tf.dispose([ours?.tokens, ours?.pooled, ours?.logits]);
    tmp.cleanup();
  });

  it('a model trained here loads into the PyTorch module with strict=True and gives the same outputs', () => {
    const ref = torchOfOurs;
    expect(maxRelDiff(ours.tokens.dataSync(), ref.get('tokens')!.data)).toBeLessThan(TOL);
    expect(maxRelDiff(ours.pooled.dataSync(), ref.get('pooled')!.data)).toBeLessThan(TOL);
    expect(maxRelDiff(ours.logits.dataSync(), ref.get('logits')!.data)).toBeLessThan(TOL);
  });

  it('PyTorch refuses a checkpoint with a renamed key under strict=True (the check can fail)', async () => {
    const { readSafetensors, writeSafetensors } = await import('@ppma/core');
    const { tensors } = await readSafetensors(path.join(tmp.dir, 'trained.safetensors'));
    const renamed = new Map([...tensors].map(([k, t]) => [k.replace('fc_norm.', 'norm.'), t]));
    const bad = path.join(tmp.dir, 'renamed.safetensors');
    await writeSafetensors(bad, renamed);
    const out = path.join(tmp.dir, 'never.safetensors');
    expect(() =>
      runBridge('forward', { kind: 'vit', config: CONFIG, weights: bad, clip: clipFile, out }, tmp.dir),
    ).toThrow(/Missing key\(s\) in state_dict: "fc_norm.weight"/);
  });

  it('a model saved by PyTorch loads here (config from its metadata) and gives the same outputs', async () => {
    const ckpt = path.join(tmp.dir, 'from-torch.safetensors');
    runBridge('init', { kind: 'vit', config: CONFIG, seed: 4, out: ckpt }, tmp.dir);
    const out = path.join(tmp.dir, 'from-torch-out.safetensors');
    runBridge('forward', { kind: 'vit', config: CONFIG, weights: ckpt, clip: clipFile, out }, tmp.dir);
    const ref = await readOutputs(out);
    const here = await VideoViT.load(ckpt); // strict: every parameter, nothing else
    try {
      const x = tf.tensor5d(pixels, SHAPE);
      tf.dispose(Object.values(here.forward(x))); // warm-up: the model caches its position table
      const before = tf.memory().numTensors;
      const o = here.forward(x);
      expect(maxRelDiff(o.tokens.dataSync(), ref.get('tokens')!.data)).toBeLessThan(TOL);
      expect(maxRelDiff(o.logits.dataSync(), ref.get('logits')!.data)).toBeLessThan(TOL);
      tf.dispose([o.tokens, o.pooled, o.logits]);
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    } finally {
      here.dispose();
    }
  });

  it('the ONNX export of the trained model, run by onnxruntime, agrees with PyTorch', async () => {
    const ref = torchOfOurs;
    const file = path.join(tmp.dir, 'trained.onnx');
    await exportOnnx(vit, file, { tokens: true });
    const onnx = await loadOnnx(file, { threads: 1 });
    try {
      const o = await onnx.run(pixels);
      expect(maxRelDiff(o.tokens.data, ref.get('tokens')!.data)).toBeLessThan(TOL);
      expect(maxRelDiff(o.pooled.data, ref.get('pooled')!.data)).toBeLessThan(TOL);
      expect(maxRelDiff(o.logits.data, ref.get('logits')!.data)).toBeLessThan(TOL);
    } finally {
      await onnx.dispose();
    }
  });
});
