import { isPpmaError } from '@ppma/core';
import { describe, expect, it } from 'vitest';
import { formatRate, wilsonInterval } from '../src/index.js';

const Z = 1.959963984540054;

describe('wilsonInterval (95%)', () => {
  it('matches the closed forms at k = 0 and k = n', () => {
    for (const n of [1, 7, 150]) {
      const none = wilsonInterval(0, n);
      expect(none.lo).toBe(0);
      expect(none.hi).toBeCloseTo((Z * Z) / (n + Z * Z), 12);
      const all = wilsonInterval(n, n);
      expect(all.hi).toBe(1);
      expect(all.lo).toBeCloseTo(n / (n + Z * Z), 12);
    }
  });

  it('gives bounds that solve the score equation (p̂ − p)² = z² p(1 − p) / n', () => {
    for (const [k, n] of [
      [1, 10],
      [144, 150],
      [37, 80],
    ] as const) {
      const r = wilsonInterval(k, n);
      for (const p of [r.lo, r.hi]) expect((k / n - p) ** 2).toBeCloseTo((Z * Z * p * (1 - p)) / n, 12);
      expect(r.lo).toBeLessThan(k / n);
      expect(r.hi).toBeGreaterThan(k / n);
    }
  });

  it("reproduces Newcombe's (1998) published Wilson intervals", () => {
    // Newcombe, "Two-sided confidence intervals for the single proportion", Stat. Med. 17, table I.
    const cases: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
    ];
    for (const [k, n, lo, hi] of cases) {
      const r = wilsonInterval(k, n);
      expect(r.lo).toBeCloseTo(lo, 4);
      expect(r.hi).toBeCloseTo(hi, 4);
      expect(r.method).toBe('wilson');
    }
  });

  it('is NaN without trials and refuses impossible counts', () => {
    expect(Number.isNaN(wilsonInterval(0, 0).rate)).toBe(true);
    expect(formatRate(wilsonInterval(0, 0))).toMatch(/n\/a/);
    for (const [k, n] of [
      [3, 2],
      [-1, 4],
      [1.5, 4],
    ])
      expect(() => wilsonInterval(k!, n!)).toThrow(/0 <= k <= n/);
    try {
      wilsonInterval(1, 2, 0.8);
    } catch (e) {
      expect(isPpmaError(e) && e.code).toBe('PPMA_CONFIG');
    }
    expect(formatRate(wilsonInterval(144, 150))).toBe('96.0% [91.5, 98.2] (144/150)');
  });
});
