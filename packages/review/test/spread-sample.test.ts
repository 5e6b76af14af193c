import { describe, expect, it } from 'vitest';
import { spreadSample } from '../src/index.js';

const ids = Array.from({ length: 1000 }, (_, i) => `v${String(i).padStart(4, '0')}`);

describe('spreadSample', () => {
  it('takes one video from each of n equal runs, in dataset order', () => {
    const s = spreadSample(ids, 150, 7);
    expect(s).toHaveLength(150);
    expect(new Set(s).size).toBe(150);
    const idx = s.map((id) => ids.indexOf(id));
    idx.forEach((i, j) => {
      expect(i).toBeGreaterThanOrEqual(Math.floor((j * 1000) / 150));
      expect(i).toBeLessThan(Math.floor(((j + 1) * 1000) / 150));
    });
  });

  it('is the same for the same seed and differs for another', () => {
    expect(spreadSample(ids, 150, 7)).toEqual(spreadSample([...ids], 150, 7));
    expect(spreadSample(ids, 150, 8)).not.toEqual(spreadSample(ids, 150, 7));
  });

  it('draws uniformly within a run', () => {
    const small = ['a', 'b', 'c', 'd', 'e', 'f']; // runs of 3 with n = 2
    const hits = new Map<string, number>();
    for (let seed = 0; seed < 1200; seed++)
      for (const id of spreadSample(small, 2, seed)) hits.set(id, (hits.get(id) ?? 0) + 1);
    for (const id of small) expect(Math.abs((hits.get(id) ?? 0) - 400)).toBeLessThan(70); // ~4.9 sd
  });

  it('returns everything when n covers the list, and refuses bad sizes', () => {
    expect(spreadSample(['x', 'y'], 5, 0)).toEqual(['x', 'y']);
    expect(() => spreadSample(ids, 0, 0)).toThrow(/positive integer/);
    expect(() => spreadSample(ids, 2.5, 0)).toThrow(/positive integer/);
  });
});
