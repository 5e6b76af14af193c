/**
 * Recycles the output buffers of the native kernels. A fresh large `Float32Array` is fresh memory
 * from the system (mmap), and touching its pages costs more than many kernels' arithmetic
 * (a 60 MB attention matrix: ~250 ms of page faults against ~10 ms of softmax). Training repeats
 * the same shapes every step, so buffers of a disposed tensor are kept by exact length and handed
 * to the next kernel output of that length.
 *
 * Safety: only buffers this module allocated are recycled, and only when no tensor refers to them
 * any more (a count per ArrayBuffer, raised by every tensor whose values view it, e.g. slices).
 * Reads for users (`dataSync`, `data`) return copies of pooled buffers, so an array handed out can
 * never change afterwards.
 *
 * Size: the pool holds at most `PPMA_POOL_MB` (default: half the physical memory, at least 2048 MiB).
 * A training step frees about its peak of live activations at its end and allocates them again in
 * the next step, so a cap below that working set page-faults the excess afresh every step (ViT-S
 * 16x224 batch 2: 7.3 s a step with 2048 MiB against 4.8 s with 8192, packages/native/README.md).
 * A buffer released when the pool is full is left to the garbage collector; nothing pooled is
 * evicted for it. (Evicting the least recently used lengths instead was tried: with a working set
 * above the cap it recycles nothing, 10.7 s a step at 2048 MiB on the row above.)
 */
import os from 'node:os';

/** Buffers smaller than this many elements are left to the allocator. */
const MIN_ELEMENTS = 1 << 14;

/**
 * The default cap in bytes for a machine with `totalBytes` of physical memory: half of it, at
 * least 2048 MiB.
 */
export function defaultPoolLimitBytes(totalBytes: number): number {
  return Math.max(2048 * 2 ** 20, Math.floor(totalBytes / 2));
}

function poolLimitBytes(): number {
  const raw = process.env.PPMA_POOL_MB;
  const mb = raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isFinite(mb) && mb >= 0 ? mb * 2 ** 20 : defaultPoolLimitBytes(os.totalmem());
}

/** Owned buffers -> number of live tensors whose values view them. */
const users = new WeakMap<ArrayBufferLike, number>();
/** Free buffers by length. */
const free = new Map<number, Float32Array[]>();
let pooledBytes = 0;
let reused = 0;
let allocated = 0;
let dropped = 0;

/** A float32 output buffer of `n` elements (contents undefined: kernels overwrite all of it). */
export function allocF32(n: number): Float32Array {
  if (n < MIN_ELEMENTS) return new Float32Array(n);
  const list = free.get(n);
  const hit = list?.pop();
  if (hit) {
    pooledBytes -= hit.byteLength;
    reused++;
    users.set(hit.buffer, 0);
    return hit;
  }
  allocated++;
  const a = new Float32Array(n);
  users.set(a.buffer, 0);
  return a;
}

/** Whether `values` view a buffer of the pool. */
export function isPooled(values: unknown): values is Float32Array {
  return values instanceof Float32Array && users.has(values.buffer);
}

/** A tensor now refers to `values`. */
export function retain(values: unknown): void {
  if (values instanceof Float32Array && users.has(values.buffer))
    users.set(values.buffer, (users.get(values.buffer) ?? 0) + 1);
}

/** A tensor no longer refers to `values`; the buffer returns to the pool when nobody does. */
export function release(values: unknown): void {
  if (!(values instanceof Float32Array)) return;
  const count = users.get(values.buffer);
  if (count === undefined) return;
  if (count > 1) {
    users.set(values.buffer, count - 1);
    return;
  }
  users.set(values.buffer, 0);
  const whole = new Float32Array(values.buffer);
  if (pooledBytes + whole.byteLength > poolLimitBytes()) {
    users.delete(values.buffer);
    dropped++;
    return;
  }
  const list = free.get(whole.length) ?? [];
  list.push(whole);
  free.set(whole.length, list);
  pooledBytes += whole.byteLength;
}

/**
 * Bytes held in the pool (not in any tensor), how often a buffer was reused or allocated, how many
 * released buffers were dropped because the pool was full, and the cap in bytes.
 */
export function poolStats(): {
  pooledBytes: number;
  reused: number;
  allocated: number;
  dropped: number;
  limitBytes: number;
} {
  return { pooledBytes, reused, allocated, dropped, limitBytes: poolLimitBytes() };
}

/** Frees every pooled buffer (for tests and memory pressure). */
export function drainPool(): void {
  for (const list of free.values()) for (const a of list) users.delete(a.buffer);
  free.clear();
  pooledBytes = 0;
}
