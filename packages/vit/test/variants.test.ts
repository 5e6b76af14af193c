/**
 * Every registered variant runs one forward pass (shape, no NaN). The paper variants (224 px) keep
 * their width and heads but run 1 block on a small clip, to stay within the test budget.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@ppma/core';
import { createModel, listVariants, registerVariant, variantConfig } from '../src/index.js';

beforeAll(async () => {
  await initBackend();
});

describe('variants', () => {
  it('registers the paper variants and our CPU presets', () => {
    expect(listVariants()).toEqual(expect.arrayContaining(['vit-ti', 'vit-s', 'vit-b', 'vit-l', 'vit-nano']));
    expect(variantConfig('vit-b')).toMatchObject({ dim: 768, depth: 12, heads: 12, tubelet: 2, patch: 16 });
    expect(() => variantConfig('vit-xxl')).toThrow(/unknown variant/);
  });

  it.each(listVariants())('%s: one forward pass, right shape, finite', (name) => {
    const base = variantConfig(name);
    const small =
      base.height >= 112 ? { depth: 1, frames: base.tubelet, height: base.patch * 2, width: base.patch } : {};
    const vit = createModel(name, { ...small, classes: 3 });
    const c = vit.config;
    const x = tf.randomUniform([1, c.frames, c.height, c.width, 3], 0, 1, 'float32', 1) as tf.Tensor5D;
    const out = vit.forward(x);
    expect(out.logits.shape).toEqual([1, 3]);
    expect(out.tokens.shape).toEqual([1, (c.frames / c.tubelet) * (c.height / c.patch) * (c.width / c.patch), c.dim]);
    expect(tf.all(tf.isFinite(out.tokens)).dataSync()[0]).toBe(1);
    tf.dispose([x, out.tokens, out.pooled, out.logits]);
    vit.dispose();
  });

  it('accepts new variants as data', () => {
    registerVariant('test-variant', {
      dim: 16,
      depth: 1,
      heads: 2,
      tubelet: 1,
      patch: 4,
      frames: 2,
      height: 8,
      width: 8,
    });
    const vit = createModel('test-variant', { classes: { a: 2 } });
    expect(vit.headNames()).toEqual(['a']);
    vit.dispose();
  });
});
