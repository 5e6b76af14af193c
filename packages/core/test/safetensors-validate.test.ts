// Hostile safetensors files: every one must be refused with a SafetensorsFormatError naming the
// file and the problem, before any tensor is used.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FLOAT_DTYPES,
  IoError,
  SafetensorsFormatError,
  duplicateJsonKeys,
  float32ToFloat16,
  parseSafetensors,
  readSafetensors,
  serializeSafetensors,
  writeSafetensors,
} from '../src/index.js';

/** A file from a raw header text and data bytes (no validation: this is the attacker's writer). */
function raw(header: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const h = Buffer.from(header, 'utf8');
  const out = Buffer.alloc(8 + h.length + data.length);
  out.writeBigUInt64LE(BigInt(h.length), 0);
  h.copy(out, 8);
  Buffer.from(data).copy(out, 8 + h.length);
  return out;
}
const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;
if (!hasMkfifo) console.warn('FIFO test skipped: no mkfifo');
const f32 = (...v: number[]) => new Uint8Array(Float32Array.from(v).buffer);
const entry = (dtype: string, shape: number[], a: number, b: number) =>
  `{"dtype":"${dtype}","shape":${JSON.stringify(shape)},"data_offsets":[${a},${b}]}`;

function refuse(bytes: Uint8Array, pattern: RegExp, opts = {}): void {
  let err: unknown;
  try {
    parseSafetensors(bytes, 'evil.safetensors', opts);
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${pattern}`).toBeInstanceOf(SafetensorsFormatError);
  expect((err as SafetensorsFormatError).code).toBe('PPMA_SAFETENSORS_FORMAT');
  expect((err as Error).message).toMatch(/^evil\.safetensors: /);
  expect((err as Error).message).toMatch(pattern);
}

describe('safetensors header validation', () => {
  it('refuses a duplicated key (JSON.parse would silently keep the last)', () => {
    refuse(raw(`{"w":${entry('F32', [1], 0, 4)},"w":${entry('F32', [1], 4, 8)}}`, f32(1, 2)), /key "w" more than once/);
    refuse(
      raw(`{"__metadata__":{"a":"1","a":"2"},"w":${entry('F32', [1], 0, 4)}}`, f32(1)),
      /key "__metadata__\.a" more than once/,
    );
    refuse(
      raw(`{"w":${entry('F32', [1], 0, 4)},"\\u0077":${entry('F32', [1], 4, 8)}}`, f32(1, 2)),
      /"w" more than once/,
    );
  });

  it('refuses trailing bytes, holes and overlaps', () => {
    refuse(raw(`{"w":${entry('F32', [1], 0, 4)}}`, f32(1, 2)), /4 trailing bytes/);
    refuse(raw(`{"w":${entry('F32', [1], 4, 8)}}`, f32(1, 2)), /hole: bytes \[0, 4\)/);
    refuse(raw(`{"a":${entry('F32', [2], 0, 8)},"b":${entry('F32', [1], 4, 8)}}`, f32(1, 2)), /overlap/);
  });

  it('refuses sizes that disagree with dtype x shape, bad dtypes, shapes and offsets', () => {
    refuse(raw(`{"w":${entry('F32', [3], 0, 8)}}`, f32(1, 2)), /has 8 bytes but shape \[3\] of F32 needs 12/);
    refuse(raw(`{"w":${entry('F64', [1], 0, 8)}}`, f32(1, 2)), /unknown dtype "F64"/);
    refuse(raw(`{"w":${entry('F32', [-1], 0, 4)}}`, f32(1)), /invalid shape/);
    refuse(raw(`{"w":${entry('F32', [1.5], 0, 4)}}`, f32(1)), /invalid shape/);
    refuse(raw(`{"w":${entry('F32', new Array(17).fill(1), 0, 4)}}`, f32(1)), /invalid shape/);
    refuse(raw(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,1e20]}}`, f32(1)), /invalid data_offsets/);
    refuse(raw(`{"w":${entry('F32', [1], 0, 40)}}`, f32(1)), /run past the end/);
    refuse(raw(`{"w":"F32"}`), /"w" is not an object/);
  });

  it('refuses bad header lengths, non-UTF-8 and non-object headers', () => {
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 40n, true);
    refuse(huge, /exceeds the 104857600-byte limit/);
    const past = new Uint8Array(16);
    new DataView(past.buffer).setBigUint64(0, 9n, true);
    refuse(past, /runs past the end of the file/);
    refuse(new Uint8Array(5), /too short/);
    const bad = raw('{"w":1}');
    bad[10] = 0xff;
    refuse(bad, /not valid UTF-8/);
    refuse(raw('[1,2]'), /does not start with "\{"/);
    refuse(raw('{"a":'), /not valid JSON/);
  });
});

describe('safetensors values', () => {
  it('refuses NaN and Inf weights unless asked to allow them', () => {
    const nan = serializeSafetensors({ w: { shape: [3], data: Float32Array.from([0, NaN, Infinity]) } });
    refuse(nan, /tensor "w" has 2 non-finite values \(first: NaN at index 1\).*allowNonFinite/);
    const ok = parseSafetensors(nan, 'x', { allowNonFinite: true });
    expect([...(ok.tensors.get('w')?.data as Float32Array)]).toEqual([0, NaN, Infinity]);
    const half = serializeSafetensors({
      h: { dtype: 'F16', shape: [2], data: float32ToFloat16(Float32Array.from([1, -Infinity])) },
    });
    refuse(half, /tensor "h" has 1 non-finite value \(first: -Infinity at index 1\)/);
  });

  it('refuses I32 data where float weights are expected', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-st-')), 'm.safetensors');
    fs.writeFileSync(file, serializeSafetensors({ w: { shape: [2], data: Int32Array.from([1, 2]) } }));
    const err = await readSafetensors(file, { dtypes: FLOAT_DTYPES }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SafetensorsFormatError);
    expect((err as Error).message).toBe(`${file}: tensor "w" is I32, expected one of F32, F16, BF16`);
    expect((await readSafetensors(file)).tensors.get('w')?.dtype).toBe('I32');
  });
});

describe('safetensors files that are not files', () => {
  it('a folder is refused at once, naming it (no bare EISDIR)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-st-'));
    await expect(readSafetensors(dir)).rejects.toThrow(`${dir}: is a folder, not a safetensors file`);
  });

  it.skipIf(!hasMkfifo)('a FIFO is refused at once, naming it, instead of hanging (needs mkfifo)', async () => {
    const fifo = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-st-')), 'model.safetensors');
    spawnSync('mkfifo', [fifo]);
    await expect(readSafetensors(fifo)).rejects.toThrow(`${fifo}: is a FIFO (named pipe), not a safetensors file`);
  });
});

describe('safetensors write errors name the file', () => {
  it('a shape that does not fit the data, and a folder that cannot be made, are typed errors naming the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-st-'));
    const file = path.join(dir, 'out.safetensors');
    await expect(writeSafetensors(file, { w: { shape: [3], data: new Float32Array(2) } })).rejects.toThrow(
      new SafetensorsFormatError(file, 'tensor "w": shape [3] needs 3 elements, data has 2'),
    );
    const blocker = path.join(dir, 'plain-file');
    fs.writeFileSync(blocker, 'x');
    const inside = path.join(blocker, 'm.safetensors');
    const err = await writeSafetensors(inside, { w: { shape: [1], data: new Float32Array(1) } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(IoError);
    expect((err as Error).message).toMatch(
      new RegExp(`^${inside.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: could not write \\((ENOTDIR|EEXIST)\\)`),
    );
  });
});

describe('duplicateJsonKeys', () => {
  it('finds duplicates at every depth, with paths, and nothing in valid JSON', () => {
    expect(duplicateJsonKeys('{"a":1,"b":{"c":[{"d":1,"d":2}],"c":3},"a":"x"}')).toEqual([
      { path: 'b.c[0]', key: 'd' },
      { path: 'b', key: 'c' },
      { path: '', key: 'a' },
    ]);
    expect(duplicateJsonKeys('{"a":"{\\"a\\":1,\\"a\\":2}","b":[{"a":1},{"a":2}]}')).toEqual([]);
  });
});
