import { describe, expect, it } from 'vitest';
import { Rng } from '@ppma/core';
import { layerId } from '@ppma/vit';
import { batchesPerEpoch, epochSchedule, layerDecayScale } from '../src/index.js';

describe('epochSchedule', () => {
  const sizes = [10, 7, 3];
  it('visits every example of every dataset exactly once, one dataset per batch', () => {
    for (let epoch = 0; epoch < 5; epoch++) {
      const s = epochSchedule(sizes, 4, new Rng(1).split('epoch', epoch));
      expect(s.length).toBe(batchesPerEpoch(sizes, 4));
      expect(s.length).toBe(3 + 2 + 1);
      const seen = sizes.map((n) => new Array<number>(n).fill(0));
      for (const b of s) {
        expect(b.indices.length).toBeGreaterThan(0);
        expect(b.indices.length).toBeLessThanOrEqual(4);
        for (const i of b.indices) seen[b.dataset][i]++;
      }
      for (const counts of seen) expect(counts.every((c) => c === 1)).toBe(true);
    }
  });

  it('is a function of the random stream: same stream, same schedule; other epochs differ', () => {
    const a = epochSchedule(sizes, 4, new Rng(7).split('epoch', 0));
    const b = epochSchedule(sizes, 4, new Rng(7).split('epoch', 0));
    const c = epochSchedule(sizes, 4, new Rng(7).split('epoch', 1));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('interleaves the datasets rather than running them one after the other', () => {
    let interleaved = 0;
    for (let e = 0; e < 20; e++) {
      const order = epochSchedule([40, 40], 4, new Rng(3).split('epoch', e)).map((b) => b.dataset);
      const switches = order.slice(1).filter((d, i) => d !== order[i]).length;
      if (switches > 1) interleaved++;
    }
    expect(interleaved).toBe(20);
  });

  it('rejects a bad batch size', () => {
    expect(() => epochSchedule([3], 0, new Rng(0))).toThrow(/batch size/);
  });
});

describe('layer-wise learning-rate decay', () => {
  it('gives the patch embedding decay^(L+1), block k decay^(L-k), heads 1', () => {
    const depth = 3;
    const s = layerDecayScale(depth, 0.5);
    expect(layerId('patch_embed.proj.weight', depth)).toBe(0);
    expect(s('patch_embed.proj.weight')).toBeCloseTo(0.5 ** 4, 12);
    expect(s('blocks.0.attn.qkv.weight')).toBeCloseTo(0.5 ** 3, 12);
    expect(s('blocks.2.mlp.fc2.bias')).toBeCloseTo(0.5, 12);
    expect(s('fc_norm.weight')).toBe(1);
    expect(s('heads.real.weight')).toBe(1);
  });
});
