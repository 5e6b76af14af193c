/**
 * A non-square, odd configuration (6x24x40 clips, tubelet 3x8x8, 3 heads of 8 dims, two named
 * heads): shapes, finiteness, and gradients against central finite differences, plus the patch
 * order and the sinusoid table against direct loop implementations.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, initBackend } from '@ppma/core';
import { VideoViT, patchify, sinusoidTable, type VitConfigInput } from '../src/index.js';

const cfg: VitConfigInput = {
  dim: 24,
  depth: 2,
  heads: 3,
  tubelet: 3,
  patch: 8,
  frames: 6,
  height: 24,
  width: 40,
  classes: { ucf: 5, hmdb: 3 },
};
const N = (6 / 3) * (24 / 8) * (40 / 8); // 30 tokens

beforeAll(async () => {
  await initBackend();
});

function randomClip(b: number, seed: number): tf.Tensor5D {
  const data = new Rng(seed).fillUniform(new Float32Array(b * 6 * 24 * 40 * 3), 0, 1);
  return tf.tensor5d(data, [b, 6, 24, 40, 3]);
}

describe('odd, non-square configuration', () => {
  it('produces the right shapes for each named head, all finite', () => {
    const vit = VideoViT.create(cfg, { seed: 3 });
    const x = randomClip(2, 1);
    const a = vit.forward(x, { head: 'ucf' });
    const b = vit.forward(x, { head: 'hmdb' });
    expect(a.tokens.shape).toEqual([2, N, 24]);
    expect(a.pooled.shape).toEqual([2, 24]);
    expect(a.logits.shape).toEqual([2, 5]);
    expect(b.logits.shape).toEqual([2, 3]);
    for (const t of [a.tokens, a.pooled, a.logits, b.logits]) expect(tf.all(tf.isFinite(t)).dataSync()[0]).toBe(1);
    expect(() => vit.forward(x, { head: 'ssv2' })).toThrow(/no head named "ssv2"/);
    expect([...vit.stateDict().keys()]).toContain('heads.hmdb.weight');
    tf.dispose([x, a.tokens, a.pooled, a.logits, b.tokens, b.pooled, b.logits]);
    vit.dispose();
  });

  it("cuts patches in (t', h', w') token order with (dt, dy, dx, c) inside, like a direct loop", () => {
    const x = randomClip(1, 2);
    const rows = patchify(x, { frames: 6, height: 24, width: 40, tubelet: 3, patch: 8 });
    const got = rows.dataSync();
    const src = x.dataSync();
    const at = (t: number, y: number, xx: number, c: number) => src[((t * 24 + y) * 40 + xx) * 3 + c];
    let i = 0;
    let bad = 0;
    for (let tt = 0; tt < 2; tt++)
      for (let hh = 0; hh < 3; hh++)
        for (let ww = 0; ww < 5; ww++)
          for (let dt = 0; dt < 3; dt++)
            for (let dy = 0; dy < 8; dy++)
              for (let dx = 0; dx < 8; dx++)
                for (let c = 0; c < 3; c++) if (got[i++] !== at(tt * 3 + dt, hh * 8 + dy, ww * 8 + dx, c)) bad++;
    expect(rows.shape).toEqual([N, 3 * 8 * 8 * 3]);
    expect(bad).toBe(0);
    tf.dispose([x, rows]);
  });

  it('uses the sinusoid table of docs/ARCHITECTURE.md §4', () => {
    const d = 24;
    const t = sinusoidTable(N, d);
    for (const [n, j] of [
      [0, 0],
      [0, 1],
      [7, 4],
      [29, 23],
      [13, 10],
    ]) {
      const angle = n / Math.pow(10000, (2 * Math.floor(j / 2)) / d);
      expect(t[n * d + j]).toBeCloseTo(j % 2 === 0 ? Math.sin(angle) : Math.cos(angle), 6);
    }
  });

  it('has gradients that match central finite differences', () => {
    const vit = VideoViT.create({ ...cfg, normEps: 1e-5 }, { seed: 5 });
    const x = randomClip(2, 3);
    const r = tf.tensor2d(new Rng(9).fillUniform(new Float32Array(2 * 3), -1, 1), [2, 3]);
    const r2 = tf.tensor2d(new Rng(10).fillUniform(new Float32Array(2 * 24), -1, 1), [2, 24]);
    const lossOf = () =>
      tf.tidy(() => {
        const o = vit.forward(x, { head: 'hmdb' });
        return tf.add(tf.sum(tf.mul(o.logits, r)), tf.sum(tf.mul(o.pooled, r2))) as tf.Scalar;
      });
    const vars = vit.trainableVariables();
    const byVar = new Map(Object.entries(vars).map(([k, v]) => [v.name, k]));
    const { value, grads } = tf.variableGrads(lossOf, Object.values(vars));
    value.dispose();
    const analytic = new Map<string, Float32Array>();
    for (const [vn, g] of Object.entries(grads)) {
      const name = byVar.get(vn)!;
      analytic.set(name, vit.toTorchLayout(name, g.dataSync() as Float32Array).data);
    }
    tf.dispose(Object.values(grads));
    const probes: [string, number][] = [
      ['patch_embed.proj.weight', 17],
      ['patch_embed.proj.weight', 1000],
      ['blocks.0.attn.qkv.weight', 5],
      ['blocks.0.attn.qkv.weight', 24 * 24 + 7],
      ['blocks.1.attn.qkv.weight', 2 * 24 * 24 + 100],
      ['blocks.1.attn.qkv.bias', 50],
      ['blocks.0.norm1.weight', 3],
      ['blocks.1.mlp.fc1.bias', 40],
      ['blocks.1.mlp.fc2.weight', 99],
      ['fc_norm.bias', 2],
      ['heads.hmdb.weight', 30],
    ];
    const eps = 5e-3;
    const base = vit.stateDict();
    for (const [name, idx] of probes) {
      const evalAt = (delta: number) => {
        const t = base.get(name)!;
        const data = Float32Array.from(t.data);
        data[idx] += delta;
        vit.loadStateDict(new Map([...base].map(([k, v]) => [k, k === name ? { shape: v.shape, data } : v])));
        const l = lossOf();
        const y = l.dataSync()[0];
        l.dispose();
        return y;
      };
      const fd = (evalAt(eps) - evalAt(-eps)) / (2 * eps);
      const g = analytic.get(name)![idx];
      expect(Math.abs(fd - g), `${name}[${idx}]: finite difference ${fd}, gradient ${g}`).toBeLessThanOrEqual(
        3e-3 + 2e-2 * Math.abs(g),
      );
    }
    vit.loadStateDict(base);
    tf.dispose([x, r, r2]);
    vit.dispose();
  });
});
