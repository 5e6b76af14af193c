import { afterEach, describe, expect, it } from 'vitest';
import { allocF32, defaultPoolLimitBytes, drainPool, poolStats, release, retain } from '../src/backend/buffer-pool.js';

const MiB = 2 ** 20;
const N = 1 << 14; // the smallest pooled length: 64 KiB

/** Allocates a pooled buffer of `n` elements held by one tensor, as a kernel output is. */
function held(n: number): Float32Array {
  const a = allocF32(n);
  retain(a);
  return a;
}

describe('buffer pool', () => {
  const saved = process.env.PPMA_POOL_MB;
  afterEach(() => {
    if (saved === undefined) delete process.env.PPMA_POOL_MB;
    else process.env.PPMA_POOL_MB = saved;
    drainPool();
  });

  it('defaults to half the physical memory, at least 2048 MiB', () => {
    expect(defaultPoolLimitBytes(1024 * MiB)).toBe(2048 * MiB);
    expect(defaultPoolLimitBytes(4096 * MiB)).toBe(2048 * MiB);
    expect(defaultPoolLimitBytes(24000 * MiB)).toBe(12000 * MiB);
    delete process.env.PPMA_POOL_MB;
    expect(poolStats().limitBytes).toBeGreaterThanOrEqual(2048 * MiB);
    process.env.PPMA_POOL_MB = '3';
    expect(poolStats().limitBytes).toBe(3 * MiB);
  });

  it('keeps what it holds when full and drops the buffer released into it, never exceeding the cap', () => {
    drainPool();
    const lengths = [N, N + 16, N + 32];
    const cap = lengths.reduce((s, n) => s + 4 * n, 0);
    process.env.PPMA_POOL_MB = String(cap / MiB); // exactly room for these three
    lengths.map(held).forEach(release);
    expect(poolStats().pooledBytes).toBe(cap);

    const s0 = poolStats();
    release(held(N + 48)); // a fresh buffer (no pooled one of its length), then no room: dropped
    expect(poolStats().allocated).toBe(s0.allocated + 1);
    expect(poolStats().dropped).toBe(s0.dropped + 1);
    expect(poolStats().pooledBytes).toBe(cap);

    const s1 = poolStats();
    const kept = lengths.map(held); // all three still pooled: reused, none allocated
    expect(poolStats().reused).toBe(s1.reused + 3);
    expect(poolStats().allocated).toBe(s1.allocated);
    expect(poolStats().pooledBytes).toBe(0);
    kept.forEach(release);
    expect(poolStats().pooledBytes).toBe(cap);
  });
});
