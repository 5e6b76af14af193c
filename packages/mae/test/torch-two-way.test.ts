/**
 * MAE checkpoints both ways with PyTorch (docs/ARCHITECTURE.md §4), against our PyTorch module
 * (tools/torch/ppma_vit.py `VideoMAE`) run by python3-torch:
 * - an MAE trained here for a few steps loads into the PyTorch MAE with strict=True and reconstructs
 *   the masked tokens of the same clip identically;
 * - an MAE initialised and saved by PyTorch loads here (`VideoMAE.fromCheckpoint`) and agrees;
 * - a VideoMAE pre-training checkpoint (`torch.save({'model', 'optimizer', 'epoch', 'args'})`,
 *   `q_bias`/`v_bias` in encoder and decoder) maps onto this MAE with `toMaeKeys` and agrees.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdamW, Rng, initBackend } from '@ppma/core';
import { readPthStateDict, toMaeKeys, type TorchTensor } from '@ppma/vit';
import { VideoMAE, type MaeConfigInput } from '../src/index.js';
import {
  maxRelDiff,
  readOutputs,
  runBridge,
  scratch,
  torchPython,
  torchSkipReason,
  writeClip,
} from '../../../tools/torch/bridge-client.js';
import { TINY_TRUNK_16, TINY_DECODER } from '../../../tools/test/reference.js';

const CONFIG: MaeConfigInput = {
  ...TINY_TRUNK_16,
  ...TINY_DECODER,
};
const SHAPE: [number, number, number, number, number] = [2, 4, 16, 16, 3];
const N = 8;
const TOL = 1e-4;

function train(mae: VideoMAE, mask: Uint8Array, steps: number): void {
  const rng = new Rng(4);
  const opt = new AdamW({ weightDecay: 0.05 });
  const vars = mae.trainableVariables();
  const names = new Map(Object.entries(vars).map(([k, v]) => [v.name, k]));
  for (let s = 0; s < steps; s++) {
    const x = tf.tensor5d(rng.fillUniform(new Float32Array(SHAPE.reduce((a, b) => a * b, 1)), 0, 1), SHAPE);
    const { value, grads } = tf.variableGrads(() => mae.forward(x, mask).loss, Object.values(vars));
    const named: Record<string, tf.Tensor> = {};
    for (const [k, g] of Object.entries(grads)) named[names.get(k)!] = g;
    opt.apply(vars, named, 3e-3);
    tf.dispose([x, value, ...Object.values(grads)]);
  }
}

describe.skipIf(!torchPython)(`MAE checkpoints both ways with PyTorch ${torchSkipReason}`, () => {
  const tmp = scratch('mae');
  const pixels = new Rng(9).fillUniform(new Float32Array(SHAPE.reduce((a, b) => a * b, 1)), 0, 1);
  // 6 of 8 tokens hidden per clip, different positions in the two clips
  const mask = Uint8Array.from({ length: 2 * N }, (_, i) => (((i % N) + Math.floor(i / N)) % 4 !== 0 ? 1 : 0));
  const clipFile = path.join(tmp.dir, 'clip.safetensors');

  function predHere(mae: VideoMAE): Float32Array {
    const x = tf.tensor5d(pixels, SHAPE);
    const o = mae.forward(x, mask);
    const pred = o.pred.dataSync() as Float32Array;
    tf.dispose([x, o.pred, o.target, o.loss]);
    return pred;
  }

  beforeAll(async () => {
    await initBackend();
    await writeClip(clipFile, { data: pixels, shape: SHAPE }, { data: mask, shape: [2, N] });
  });
  afterAll(() => tmp.cleanup());

  it('an MAE trained here loads into the PyTorch MAE with strict=True and predicts the same pixels', async () => {
    const mae = VideoMAE.create(CONFIG, { seed: 1 });
    try {
      const before = predHere(mae);
      train(mae, mask, 3);
      const pred = predHere(mae);
      expect(maxRelDiff(pred, before)).toBeGreaterThan(1e-3); // the steps changed the model
      const ckpt = path.join(tmp.dir, 'trained-mae.safetensors');
      await mae.save(ckpt);
      const out = path.join(tmp.dir, 'torch-mae-out.safetensors');
      runBridge('forward', { kind: 'mae', config: CONFIG, weights: ckpt, clip: clipFile, out }, tmp.dir);
      const ref = (await readOutputs(out)).get('pred')!;
      expect(ref.shape).toEqual([2, 6, 3 * 2 * 8 * 8]);
      expect(maxRelDiff(pred, ref.data)).toBeLessThan(TOL);
    } finally {
      mae.dispose();
    }
  });

  it('an MAE saved by PyTorch (and a VideoMAE pre-training .pth) loads here and predicts the same pixels', async () => {
    const ckpt = path.join(tmp.dir, 'torch-mae.safetensors');
    runBridge('init', { kind: 'mae', config: CONFIG, seed: 5, out: ckpt }, tmp.dir);
    const out = path.join(tmp.dir, 'torch-mae-ref.safetensors');
    runBridge('forward', { kind: 'mae', config: CONFIG, weights: ckpt, clip: clipFile, out }, tmp.dir);
    const here = await VideoMAE.fromCheckpoint(ckpt);
    try {
      expect(maxRelDiff(predHere(here), (await readOutputs(out)).get('pred')!.data)).toBeLessThan(TOL);
    } finally {
      here.dispose();
    }

    const pth = path.join(tmp.dir, 'videomae-pt.pth');
    const expected = path.join(tmp.dir, 'videomae-pt-expected.safetensors');
    runBridge(
      'release',
      { layout: 'videomae-pt', config: CONFIG, seed: 2, clip: clipFile, out: pth, expected },
      tmp.dir,
    );
    const sd = await readPthStateDict(pth);
    const raw = new Map<string, TorchTensor>();
    for (const [k, t] of sd.tensors) raw.set(k, { shape: [...t.shape], data: t.data as Float32Array });
    expect([...raw.keys()].some((k) => k.endsWith('.attn.q_bias'))).toBe(true);
    const mae = VideoMAE.create(CONFIG, { seed: 0 });
    try {
      mae.loadStateDict(toMaeKeys(raw), { strict: true });
      expect(maxRelDiff(predHere(mae), (await readOutputs(expected)).get('pred')!.data)).toBeLessThan(TOL);
    } finally {
      mae.dispose();
    }
  });
});
