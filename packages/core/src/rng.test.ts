import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

describe('Rng', () => {
  it('implements xoshiro128** exactly (reference vector for state [1,2,3,4])', () => {
    // Reference values from an independent Python implementation of xoshiro128**.
    const r = Rng.fromState({ key: [1, 2, 3, 4], s: [1, 2, 3, 4] });
    expect(Array.from({ length: 6 }, () => r.nextU32())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('gives the same numbers for the same seed, different ones for another seed', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 100 }, () => a.nextU32());
    expect(Array.from({ length: 100 }, () => b.nextU32())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.nextU32())).not.toEqual(xs);
    expect(new Rng('run-a').float()).toBe(new Rng('run-a').float());
  });

  it('splits into streams that depend on the seed and labels only', () => {
    const a = new Rng(7);
    const child1 = a.split('epoch', 3).nextU32();
    for (let i = 0; i < 1000; i++) a.nextU32();
    expect(a.split('epoch', 3).nextU32()).toBe(child1);
    expect(a.split('epoch', 4).nextU32()).not.toBe(child1);
    expect(a.split('epoch', 3).nextU32()).not.toBe(new Rng(8).split('epoch', 3).nextU32());
    // Labels are not ambiguous between numbers and strings.
    expect(a.split(3).nextU32()).not.toBe(a.split('3').nextU32());
  });

  it('restores its state exactly', () => {
    const a = new Rng(5);
    for (let i = 0; i < 17; i++) a.normal();
    const b = Rng.fromState(a.getState());
    expect(Array.from({ length: 20 }, () => b.float())).toEqual(Array.from({ length: 20 }, () => a.float()));
  });

  it('has the right distributions', () => {
    const r = new Rng(1);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const x = r.normal();
      sum += x;
      sq += x * x;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.02);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[r.int(0, 7)]++;
    // chi-square with 6 dof: 99.9% quantile is 22.46
    const chi = counts.reduce((acc, c) => acc + (c - 10_000) ** 2 / 10_000, 0);
    expect(chi).toBeLessThan(22.46);
    let u = 0;
    for (let i = 0; i < n; i++) u += r.float();
    expect(Math.abs(u / n - 0.5)).toBeLessThan(0.005);
  });

  it('shuffles into a permutation and rejects empty ranges', () => {
    const p = new Rng(3).permutation(50);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(() => new Rng(1).int(3, 3)).toThrow(RangeError);
  });
});
