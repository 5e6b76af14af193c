import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SafetensorsFormatError } from './errors.js';
import {
  bfloat16ToFloat32,
  float16ToFloat32,
  float32ToBfloat16,
  float32ToFloat16,
  parseSafetensors,
  readSafetensors,
  readSafetensorsHeader,
  serializeSafetensors,
  writeSafetensors,
} from './safetensors.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-st-'));

describe('safetensors: PyTorch reference fixtures', () => {
  it('reads io.safetensors with the values an independent parser found', async () => {
    const { tensors } = await readSafetensors(path.join(fixtures, 'io.safetensors'));
    expect(tensors.size).toBe(20);
    const logits = tensors.get('logits')!;
    expect(logits.dtype).toBe('F32');
    expect(logits.shape).toEqual([2, 10]);
    const l = logits.data as Float32Array;
    // First values and sum as read by Python's struct module from the same file.
    expect(Array.from(l.slice(0, 4))).toEqual(
      [-0.9753531813621521, 0.4641534686088562, 0.7361536026000977, 1.112694501876831].map(Math.fround),
    );
    expect(l.reduce((a, b) => a + b, 0)).toBeCloseTo(3.240008983761072, 5);
    expect(Array.from(tensors.get('labels')!.data as Int32Array)).toEqual([0, 4]);
    expect(tensors.get('mask')!.dtype).toBe('U8');
    expect(Array.from((tensors.get('mask')!.data as Uint8Array).slice(0, 8))).toEqual([1, 1, 0, 0, 1, 1, 1, 1]);
    expect((tensors.get('ce_loss')!.data as Float32Array)[0]).toBe(Math.fround(3.1700797080993652));
    expect(tensors.get('input_nthwc')!.shape).toEqual([2, 4, 32, 32, 3]);
  });

  it('reads only the requested tensors of weights.safetensors', async () => {
    const file = path.join(fixtures, 'weights.safetensors');
    const header = await readSafetensorsHeader(file);
    expect(header.entries.size).toBe(76);
    expect(header.entries.get('classifier.patch_embed.proj.weight')!.shape).toEqual([64, 3, 2, 8, 8]);
    const { tensors } = await readSafetensors(file, { names: ['classifier.head.bias'] });
    expect(tensors.size).toBe(1);
    const b = tensors.get('classifier.head.bias')!.data as Float32Array;
    expect(b[0]).toBe(Math.fround(-0.035690777003765106));
    expect(b[9]).toBe(Math.fround(0.019272590056061745));
    const mae = await readSafetensors(file, { prefix: 'mae.' });
    expect([...mae.tensors.keys()].every((k) => k.startsWith('mae.'))).toBe(true);
    expect(mae.tensors.has('mae.mask_token')).toBe(true);
    await expect(readSafetensors(file, { names: ['nope'] })).rejects.toThrow(/no tensor named "nope"/);
  });
});

describe('safetensors: write and read back', () => {
  it('round-trips every dtype and the metadata', async () => {
    const dir = tmp();
    const file = path.join(dir, 'all.safetensors');
    const f16 = float32ToFloat16(new Float32Array([1, -2, 0.5]));
    const bf16 = float32ToBfloat16(new Float32Array([1, -2, 0.5]));
    await writeSafetensors(
      file,
      {
        f32: { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
        f16: { dtype: 'F16', shape: [3], data: f16 },
        bf16: { dtype: 'BF16', shape: [3], data: bf16 },
        i32: { shape: [2], data: new Int32Array([-7, 9]) },
        i64: { shape: [2], data: new BigInt64Array([-(2n ** 40n), 5n]) },
        u8: { shape: [3], data: new Uint8Array([0, 128, 255]) },
        empty: { shape: [0, 4], data: new Float32Array(0) },
      },
      { config: '{"dim":64}', stage: 'mae' },
    );
    const bytes = fs.readFileSync(file);
    const headerLen = Number(bytes.readBigUInt64LE(0));
    expect((8 + headerLen) % 8).toBe(0);
    const { tensors, metadata } = await readSafetensors(file);
    expect(metadata).toEqual({ config: '{"dim":64}', stage: 'mae' });
    expect(Array.from(tensors.get('f32')!.data as Float32Array)).toEqual([1, 2, 3, 4]);
    expect(Array.from(float16ToFloat32(tensors.get('f16')!.data as Uint16Array))).toEqual([1, -2, 0.5]);
    expect(Array.from(bfloat16ToFloat32(tensors.get('bf16')!.data as Uint16Array))).toEqual([1, -2, 0.5]);
    expect(Array.from(tensors.get('i32')!.data as Int32Array)).toEqual([-7, 9]);
    expect(Array.from(tensors.get('i64')!.data as BigInt64Array)).toEqual([-(2n ** 40n), 5n]);
    expect(Array.from(tensors.get('u8')!.data as Uint8Array)).toEqual([0, 128, 255]);
    expect(tensors.get('empty')!.shape).toEqual([0, 4]);
    // In-memory parsing agrees with file reading.
    expect(parseSafetensors(bytes).tensors.get('i32')!.data).toEqual(tensors.get('i32')!.data);
    expect(fs.readdirSync(dir)).toEqual(['all.safetensors']); // no temp file left behind
  });

  it('converts float16 like numpy', () => {
    const v = new Float32Array([
      0,
      1,
      -2,
      0.1,
      65504,
      1e-5,
      6e-8,
      3.14159,
      -0.33333334,
      70000,
      Infinity,
      -Infinity,
      1.00048828125,
      1.0009765625,
    ]);
    // numpy: v.astype(np.float16).view(np.uint16)
    expect(Array.from(float32ToFloat16(v))).toEqual([
      0, 15360, 49152, 11878, 31743, 168, 1, 16968, 46421, 31744, 31744, 64512, 15360, 15361,
    ]);
    expect(float16ToFloat32(new Uint16Array([0x3c00, 0x7bff, 0x0001, 0xfc00]))).toEqual(
      new Float32Array([1, 65504, 2 ** -24, -Infinity]),
    );
    expect(Number.isNaN(float16ToFloat32(new Uint16Array([0x7e00]))[0])).toBe(true);
    expect(Array.from(float32ToBfloat16(new Float32Array([1, 3.140625, -0.5])))).toEqual([0x3f80, 0x4049, 0xbf00]);
  });
});

describe('safetensors: malformed files give errors that name the file and the problem', () => {
  const write = (bytes: Uint8Array | Buffer) => {
    const file = path.join(tmp(), 'bad.safetensors');
    fs.writeFileSync(file, bytes);
    return file;
  };
  const withHeader = (json: string, data = Buffer.alloc(0), lenOverride?: bigint) => {
    const j = Buffer.from(json);
    const h = Buffer.alloc(8);
    h.writeBigUInt64LE(lenOverride ?? BigInt(j.length));
    return Buffer.concat([h, j, data]);
  };
  const cases: [string, Buffer, RegExp][] = [
    ['too short', Buffer.from([1, 2, 3]), /too short/],
    ['header length past the end', withHeader('{}', Buffer.alloc(0), 1000n), /header length 1000 runs past the end/],
    ['header not JSON', withHeader('{"a":'), /not valid JSON/],
    [
      'unknown dtype',
      withHeader('{"a":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}}', Buffer.alloc(1)),
      /unknown dtype "F8"/,
    ],
    [
      'offsets out of range',
      withHeader('{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', Buffer.alloc(8)),
      /run past the end of the data/,
    ],
    [
      'size mismatch',
      withHeader('{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', Buffer.alloc(8)),
      /needs 12/,
    ],
    [
      'overlap',
      withHeader(
        '{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}}',
        Buffer.alloc(6),
      ),
      /overlap/,
    ],
    ['bad metadata', withHeader('{"__metadata__":{"a":1}}'), /__metadata__\.a is not a string/],
  ];
  for (const [name, bytes, re] of cases) {
    it(name, async () => {
      const file = write(bytes);
      const err = await readSafetensors(file).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SafetensorsFormatError);
      expect((err as Error).message).toMatch(re);
      expect((err as Error).message).toContain(file);
      expect((err as SafetensorsFormatError).code).toBe('PPMA_SAFETENSORS_FORMAT');
    });
  }

  it('a missing file', async () => {
    await expect(readSafetensors('/nonexistent/x.safetensors')).rejects.toThrow(
      /x\.safetensors: cannot open \(ENOENT\)/,
    );
  });

  it('serialises data that does not fit its shape as an error', () => {
    expect(() => serializeSafetensors({ a: { shape: [3], data: new Float32Array(2) } })).toThrow(/needs 3 elements/);
  });
});
