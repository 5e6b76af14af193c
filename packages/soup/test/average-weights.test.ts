import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, readSafetensors } from '@ppma/core';
import { VideoViT } from '@ppma/vit';
import { averageWeights } from '../src/index.js';
import { makeCheckpoint, tempDir } from './helpers.js';

let tmp: { dir: string; cleanup: () => void };
let a: string;
let b: string;

beforeAll(async () => {
  await initBackend();
  tmp = tempDir();
  a = await makeCheckpoint(tmp.dir, 'a', 1, { real: 5, synthetic: 7 });
  b = await makeCheckpoint(tmp.dir, 'b', 2, 3);
});
afterAll(() => tmp.cleanup());

describe('averageWeights', () => {
  it('alpha (0.25, 0.75) gives the elementwise weighted sum of every non-head weight, read straight from the files', async () => {
    const out = join(tmp.dir, 'soup.safetensors');
    await averageWeights([a, b], [0.25, 0.75], { out });
    const A = (await readSafetensors(a)).tensors;
    const B = (await readSafetensors(b)).tensors;
    const S = await readSafetensors(out);
    const trunkKeys = [...A.keys()].filter((k) => !k.startsWith('head'));
    expect(trunkKeys.length).toBeGreaterThan(20);
    expect([...S.tensors.keys()].sort()).toEqual(trunkKeys.sort());
    for (const k of trunkKeys) {
      const x = A.get(k)!.data as Float32Array;
      const y = B.get(k)!.data as Float32Array;
      const s = S.tensors.get(k)!;
      expect(s.shape).toEqual(A.get(k)!.shape);
      const z = s.data as Float32Array;
      for (let i = 0; i < x.length; i++)
        expect(Math.abs(z[i] - (0.25 * x[i] + 0.75 * y[i]))).toBeLessThanOrEqual(1e-7 * (1 + Math.abs(z[i])));
    }
    expect(S.metadata.stage).toBe('soup');
    expect(JSON.parse(S.metadata.config).classes).toBe(0);
    // the soup is a loadable VideoViT with no heads
    const vit = await VideoViT.load(out);
    expect(vit.headNames()).toEqual([]);
    vit.dispose();
  });

  it('rejects bad proportions with a clear error', async () => {
    await expect(averageWeights([a, b], [0.5, 0.6])).rejects.toMatchObject({
      code: 'PPMA_CONFIG',
      message: expect.stringMatching(/sum to 1\.1/),
    });
    await expect(averageWeights([a, b], [-0.25, 1.25])).rejects.toMatchObject({
      code: 'PPMA_CONFIG',
      message: expect.stringContaining(`alpha[0] (for ${a}) is -0.25`),
    });
    await expect(averageWeights([a, b], [1])).rejects.toMatchObject({
      code: 'PPMA_CONFIG',
      message: expect.stringMatching(/1 proportion\(s\) for 2 checkpoint/),
    });
    await expect(averageWeights([a, b], [NaN, 1])).rejects.toMatchObject({ code: 'PPMA_CONFIG' });
    // within the 1e-6 tolerance is fine
    await expect(averageWeights([a, b], [0.3333334, 0.6666666])).resolves.toBeDefined();
  });

  it('rejects checkpoints of different architectures, naming the file and the field', async () => {
    const wide = await makeCheckpoint(tmp.dir, 'wide', 3, 3, { dim: 64, heads: 4 });
    await expect(averageWeights([a, wide], [0.5, 0.5])).rejects.toMatchObject({
      code: 'PPMA_CHECKPOINT',
      message: expect.stringMatching(/wide\.safetensors: architecture differs .*dim is 64 here, 32 there/),
    });
    const deep = await makeCheckpoint(tmp.dir, 'deep', 3, 3, { depth: 3 });
    await expect(averageWeights([a, deep], [0.5, 0.5])).rejects.toMatchObject({
      code: 'PPMA_CHECKPOINT',
      message: expect.stringMatching(/deep\.safetensors.*depth/),
    });
  });
});
