/**
 * The fused kernels of the native backend as the layers use them: GELU, LayerNorm and the
 * attention core (softmax backward) against the same layers on the cpu backend (plain tfjs ops),
 * values and gradients, on odd shapes; gradients against central finite differences; and a
 * 50-step training loop whose tensor count, bytes and backend data ids stay flat.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdamW, Rng, fusedKernel, initBackend } from '@ppma/core';
import { VideoViT, crossEntropy, gelu, layerNorm } from '../src/index.js';
import { attentionCoreBatched } from '../src/layers/attention-core.js';
import { attention } from '../src/layers/attention.js';

// The native backend when @ppma/native and its addon are present; otherwise the reason.
const native = await initBackend({ backend: 'native', threads: 2 }).then(
  () => ({ available: true as const, reason: '' }),
  (e: unknown) => ({ available: false as const, reason: e instanceof Error ? e.message : String(e) }),
);
const skip = native.available ? '' : ` (SKIPPED: ${native.reason})`;
if (!native.available) console.warn(`native fused-kernel tests skipped: ${native.reason}`);

function values(rng: Rng, n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-scale, scale);
  return a;
}

type Fn = (xs: tf.Tensor[]) => tf.Tensor;

/** Value and gradients of sum(f(xs) * w) on the active backend. */
function valueAndGrads(f: Fn, inputs: [Float32Array, number[]][], w: Float32Array): Float32Array[] {
  return tf.tidy(() => {
    const xs = inputs.map(([d, s]) => tf.tensor(d, s));
    const loss = (...a: tf.Tensor[]) => tf.sum(tf.mul(f(a), tf.tensor(w, f(a).shape)));
    const { value, grads } = tf.valueAndGrads(loss)(xs);
    return [value, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

function maxRel(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let s = 1e-6;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / s;
}

const rng = new Rng('fused');
const M = 37;
const D = 23;
const cases: [string, Fn, [Float32Array, number[]][], number[]][] = [
  ['gelu', ([x]) => gelu(x), [[values(rng, M * D, 4), [M, D]]], [M, D]],
  [
    'layerNorm',
    ([x, g, b]) => layerNorm(x as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-6),
    [
      [values(rng, M * D, 3), [M, D]],
      [values(rng, D), [D]],
      [values(rng, D), [D]],
    ],
    [M, D],
  ],
  [
    'attention core',
    ([q, k, v]) => attentionCoreBatched(q as tf.Tensor3D, k as tf.Tensor3D, v as tf.Tensor3D, 0.4),
    [
      [values(rng, 3 * 19 * 7), [3, 19, 7]],
      [values(rng, 3 * 19 * 7), [3, 19, 7]],
      [values(rng, 3 * 19 * 7), [3, 19, 7]],
    ],
    [3, 19, 7],
  ],
  [
    // On native the whole layer core is the fused attention kernel pair; on cpu the plain ops.
    'attention layer (2 samples x 5 tokens, 3 heads)',
    ([x, qw, qb, pw, pb]) =>
      attention(
        x as tf.Tensor2D,
        { qkvW: qw as tf.Tensor2D, qkvB: qb as tf.Tensor1D, projW: pw as tf.Tensor2D, projB: pb as tf.Tensor1D },
        2,
        3,
        'batched',
      ),
    [
      [values(rng, 10 * 12), [10, 12]],
      [values(rng, 12 * 36, 0.5), [12, 36]],
      [values(rng, 36, 0.1), [36]],
      [values(rng, 12 * 12, 0.5), [12, 12]],
      [values(rng, 12, 0.1), [12]],
    ],
    [10, 12],
  ],
];

describe(`fused kernels on the native backend${skip}`, () => {
  beforeAll(async () => {
    if (native.available) await initBackend({ backend: 'native', threads: 2 });
  });
  afterAll(async () => {
    if (native.available) await initBackend({ backend: 'native' });
  });

  it.skipIf(!native.available)('are registered for native only', async () => {
    expect(fusedKernel('gelu') && fusedKernel('layerNorm') && fusedKernel('softmaxGrad')).toBe(true);
    expect(fusedKernel('attention') && fusedKernel('attentionGrad')).toBe(true);
    await tf.setBackend('cpu');
    expect(fusedKernel('gelu')).toBe(false);
    await tf.setBackend('native');
  });

  for (const [name, f, inputs, outShape] of cases) {
    it.skipIf(!native.available)(`${name}: value and gradients match the cpu backend's plain ops`, async () => {
      const w = values(
        rng,
        outShape.reduce((p, d) => p * d, 1),
      );
      await tf.setBackend('cpu');
      const ref = valueAndGrads(f, inputs, w);
      await tf.setBackend('native');
      const got = valueAndGrads(f, inputs, w);
      ref.forEach((r, i) => expect(maxRel(got[i], r), `${name} output ${i}`).toBeLessThan(2e-5));
    });

    it.skipIf(!native.available)(`${name}: gradients match central finite differences`, () => {
      const w = values(
        rng,
        outShape.reduce((p, d) => p * d, 1),
      );
      const grads = valueAndGrads(f, inputs, w).slice(1);
      const lossAt = (which: number, idx: number, delta: number): number => {
        const shifted = inputs.map(([d, s], j): [Float32Array, number[]] => {
          if (j !== which) return [d, s];
          const c = Float32Array.from(d);
          c[idx] += delta;
          return [c, s];
        });
        return valueAndGrads(f, shifted, w)[0][0];
      };
      const h = 1e-2;
      inputs.forEach(([d], which) => {
        for (let t = 0; t < 6; t++) {
          const idx = Math.floor((t * 7919) % d.length);
          const fd = (lossAt(which, idx, h) - lossAt(which, idx, -h)) / (2 * h);
          expect(Math.abs(grads[which][idx] - fd), `${name} d/dx${which}[${idx}]`).toBeLessThan(
            2e-3 * Math.max(1, Math.abs(fd)),
          );
        }
      });
    });
  }

  it.skipIf(!native.available)('50 training steps keep tensors, bytes and backend data ids flat', () => {
    const cfg = { dim: 32, depth: 2, heads: 2, tubelet: 2, patch: 8, frames: 4, height: 16, width: 16, classes: 3 };
    const vit = VideoViT.create(cfg, { seed: 3 });
    const opt = new AdamW({ weightDecay: 0.05 });
    const r = new Rng('steps');
    const vars = vit.trainableVariables();
    const names = new Map(Object.entries(vars).map(([k, v]) => [v.name, k]));
    const step = (i: number) => {
      const x = tf.tensor5d(values(r.split(i), 2 * 4 * 16 * 16 * 3), [2, 4, 16, 16, 3]);
      const { value, grads } = tf.variableGrads(
        () => crossEntropy(vit.forward(x, { training: true }).logits, [0, 2]),
        Object.values(vars),
      );
      const named: Record<string, tf.Tensor> = {};
      for (const [k, g] of Object.entries(grads)) named[names.get(k) as string] = g;
      opt.apply(vars, named, 1e-3);
      tf.dispose([x, value, ...Object.values(grads)]);
    };
    step(0);
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const before = { ...tf.memory(), ids: backend.numDataIds() };
    for (let i = 1; i <= 50; i++) step(i);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    expect(backend.numDataIds()).toBe(before.ids);
    opt.dispose();
    vit.dispose();
  });
});
