// A seeded generator of malformed inputs for the fuzz tests (core, video-io and cli share it):
// truncations, bit flips, inserted and deleted bytes, duplicated ranges, huge or odd numbers and
// duplicated JSON keys. The same seed gives the same cases on every run.
import { expect } from 'vitest';
import { PpmaError, Rng } from '../src/index.js';

const ODD_NUMBERS = [
  '0',
  '-1',
  '1e1',
  '0x3',
  '1.5',
  '1e308',
  '-0',
  '9007199254740993',
  '100000000',
  '18446744073709551616',
  'NaN',
  '""',
  'null',
  '[]',
  '{}',
];

/** One malformed variant of `text` (or of its bytes). */
export function mutateText(rng: Rng, text: string): string {
  const kind = rng.int(0, 8);
  const at = rng.int(0, Math.max(1, text.length));
  switch (kind) {
    case 0: // truncation
      return text.slice(0, at);
    case 1: {
      // bit flips
      const b = Buffer.from(text, 'utf8');
      for (let k = rng.int(1, 9); k > 0 && b.length; k--) b[rng.int(0, b.length)] ^= 1 << rng.int(0, 8);
      return b.toString('utf8');
    }
    case 2: // inserted random characters
      return (
        text.slice(0, at) +
        String.fromCharCode(...Array.from({ length: rng.int(1, 6) }, () => rng.int(0, 128))) +
        text.slice(at)
      );
    case 3: // deleted range
      return text.slice(0, at) + text.slice(at + rng.int(1, 20));
    case 4: {
      // duplicated range (duplicate lines, keys, entries)
      const len = rng.int(1, 80);
      return text.slice(0, at + len) + text.slice(at, at + len) + text.slice(at + len);
    }
    case 5: {
      // a number replaced by an odd one
      const nums = [...text.matchAll(/-?\d+(\.\d+)?(e[+-]?\d+)?/gi)];
      if (nums.length === 0) return text + ODD_NUMBERS[rng.int(0, ODD_NUMBERS.length)];
      const m = nums[rng.int(0, nums.length)];
      const i = m.index ?? 0;
      return text.slice(0, i) + ODD_NUMBERS[rng.int(0, ODD_NUMBERS.length)] + text.slice(i + m[0].length);
    }
    case 6: {
      // a JSON key given twice
      const keys = [...text.matchAll(/"([^"\\]{1,40})"\s*:/g)];
      if (keys.length === 0) return text.slice(0, at);
      const m = keys[rng.int(0, keys.length)];
      const i = m.index ?? 0;
      return `${text.slice(0, i)}"${m[1]}": 1, ${text.slice(i)}`;
    }
    default: // whole lines shuffled or repeated
      return text
        .split('\n')
        .map((l) => (rng.bernoulli(0.2) ? `${l}\n${l}` : l))
        .join('\n');
  }
}

/** One malformed variant of binary data: truncation, bit flips, inserted, deleted or duplicated bytes. */
export function mutateBytes(rng: Rng, bytes: Uint8Array): Uint8Array {
  const at = rng.int(0, Math.max(1, bytes.length));
  const b = Buffer.from(bytes);
  switch (rng.int(0, 5)) {
    case 0:
      return b.subarray(0, at);
    case 1:
      for (let k = rng.int(1, 9); k > 0 && b.length; k--) b[rng.int(0, b.length)] ^= 1 << rng.int(0, 8);
      return b;
    case 2:
      return Buffer.concat([
        b.subarray(0, at),
        Buffer.from(Array.from({ length: rng.int(1, 16) }, () => rng.int(0, 256))),
        b.subarray(at),
      ]);
    case 3:
      return Buffer.concat([b.subarray(0, at), b.subarray(at + rng.int(1, 32))]);
    default:
      return Buffer.concat([b, b.subarray(at, at + rng.int(1, 64))]);
  }
}

/** Bounds every fuzz case must stay within. */
export interface FuzzBounds {
  /** Longest a single case may take, in ms (a hang shows up as a breach). */
  readonly caseMs: number;
  /** Largest growth of heap + array buffers over the whole run, in bytes. */
  readonly memoryBytes: number;
}

/**
 * Runs `cases` cases: each must either return (then `check` validates the result) or throw a
 * `PpmaError`; any other error, a case slower than `bounds.caseMs`, or memory growth beyond
 * `bounds.memoryBytes` fails. Returns how many cases were accepted and refused.
 */
export async function fuzz<T>(
  cases: number,
  seed: string,
  make: (rng: Rng, i: number) => T | Promise<T>,
  run: (input: T) => unknown,
  bounds: FuzzBounds,
  check: (result: unknown, input: T) => void = () => undefined,
): Promise<{ accepted: number; refused: number }> {
  const root = new Rng(seed);
  const mem = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const before = mem();
  let peak = before;
  let accepted = 0;
  let refused = 0;
  for (let i = 0; i < cases; i++) {
    const input = await make(root.split('case', i), i);
    const t0 = performance.now();
    try {
      check(await run(input), input);
      accepted++;
    } catch (e) {
      if (!(e instanceof PpmaError)) {
        throw new Error(`case ${i} (seed ${seed}) threw an untyped ${(e as Error)?.name}: ${(e as Error)?.message}`, {
          cause: e,
        });
      }
      expect(e.code).toMatch(/^PPMA_[A-Z_]+$/);
      refused++;
    }
    const ms = performance.now() - t0;
    if (ms > bounds.caseMs) throw new Error(`case ${i} (seed ${seed}) took ${ms.toFixed(0)} ms`);
    if (i % 50 === 0) peak = Math.max(peak, mem());
  }
  peak = Math.max(peak, mem());
  expect(peak - before, 'memory growth (bytes)').toBeLessThan(bounds.memoryBytes);
  return { accepted, refused };
}
