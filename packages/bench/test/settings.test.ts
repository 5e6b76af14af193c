/** Protocol settings: the paper's recipe, precedence preset < task defaults < overrides, and clear errors. */
import { ConfigError } from '@ppma/core';
import { describe, expect, it } from 'vitest';
import { BENCH_PRESETS, resolveModels, resolveSettings, runSignature } from '../src/index.js';

describe('settings', () => {
  it('the paper preset is docs/ARCHITECTURE.md §5: FT 30 epochs, batch 32, peak 2e-3; LP peak 1.6e-2; 2 clips x 3 crops', () => {
    const p = BENCH_PRESETS.paper;
    expect([p.ft.epochs, p.ft.batchSize, p.ft.lr, p.ft.layerDecay, p.ft.dropPath]).toEqual([30, 32, 2e-3, 0.75, 0.1]);
    expect(p.lp.lr).toBe(1.6e-2);
    expect([p.eval.numClips, p.eval.numCrops]).toEqual([2, 3]);
  });

  it('applies task defaults over the preset and user overrides over both', () => {
    const s = resolveSettings(
      'tiny',
      { ft: { epochs: 2 }, eval: { numCrops: 1 } },
      { ftEpochs: 9, lpEpochs: 7, hflip: false, stride: 3, numCrops: 3 },
    );
    expect(s.ft.epochs).toBe(2);
    expect(s.lp.epochs).toBe(7);
    expect(s.ft.hflip).toBe(false);
    expect(s.eval).toEqual({ numClips: 2, numCrops: 1, stride: 3 });
  });

  it('names the bad key', () => {
    expect(() => resolveSettings('tiny', { lp: { epochs: 0 } })).toThrow(ConfigError);
    expect(() => resolveSettings('tiny', { lp: { epochs: 0 } })).toThrow(/lp\.epochs/);
    expect(() => resolveSettings('huge' as 'tiny')).toThrow(/unknown preset "huge"/);
    expect(() => resolveSettings('tiny', { ft: { lr: -1 } })).toThrow(/ft\.lr/);
  });

  it('names models after their files, de-duplicates names, and parses scratch:<variant>', () => {
    const m = resolveModels([
      '/a/ppma.safetensors',
      '/b/ppma.safetensors',
      'scratch:vit-nano',
      { name: 'my model', checkpoint: 'x.safetensors' },
    ]);
    expect(m.map((x) => x.name)).toEqual(['ppma', 'ppma-2', 'scratch-vit-nano', 'my_model']);
    expect(m[2].scratch?.dim).toBe(64);
    expect(() => resolveModels([{ name: 'x' }])).toThrow(/exactly one of a checkpoint or scratch/);
    expect(() => resolveModels(['scratch:vit-nope'])).toThrow(/unknown variant/);
  });

  it('a run signature changes with the settings of its mode, the seed and the model, not with the other mode', () => {
    const [m] = resolveModels(['scratch:vit-nano']);
    const s = resolveSettings('tiny');
    const lp = runSignature(m, 'lp', s, 0);
    expect(runSignature(m, 'lp', resolveSettings('tiny'), 0)).toBe(lp);
    expect(runSignature(m, 'lp', resolveSettings('tiny', { ft: { epochs: 99 } }), 0)).toBe(lp);
    expect(runSignature(m, 'lp', resolveSettings('tiny', { lp: { epochs: 99 } }), 0)).not.toBe(lp);
    expect(runSignature(m, 'lp', s, 1)).not.toBe(lp);
    expect(runSignature(m, 'ft', s, 0)).not.toBe(lp);
    expect(runSignature(resolveModels(['scratch:vit-micro'])[0], 'lp', s, 0)).not.toBe(lp);
  });
});
