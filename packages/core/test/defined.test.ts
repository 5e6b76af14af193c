import { describe, expect, expectTypeOf, it } from 'vitest';
import { definedOnly } from '../src/index.js';

describe('definedOnly', () => {
  it('drops undefined values and keeps every other falsy one', () => {
    const o = definedOnly({ a: 1, b: undefined, c: null, d: 0, e: '', f: false, g: Number.NaN });
    expect(o).toEqual({ a: 1, c: null, d: 0, e: '', f: false, g: Number.NaN });
    expect(Object.keys(o)).toEqual(['a', 'c', 'd', 'e', 'f', 'g']);
    expect('b' in o).toBe(false);
  });

  it('returns a copy, so the key is absent when spread and JSON', () => {
    const src = { seed: undefined as number | undefined, stride: 2 };
    const spread = { kind: 'x', ...definedOnly(src) };
    expect(spread).toEqual({ kind: 'x', stride: 2 });
    expect(JSON.stringify(spread)).toBe('{"kind":"x","stride":2}');
    expect(src).toHaveProperty('seed');
  });

  it('types possibly-undefined keys as optional without undefined', () => {
    const o = definedOnly({ a: 1, b: 'x' as string | undefined });
    expectTypeOf(o.a).toEqualTypeOf<number>();
    expectTypeOf(o).toMatchTypeOf<{ a: number; b?: string }>();
  });
});
