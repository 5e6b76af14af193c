// Fuzzing the safetensors reader with seeded malformed files: every case gives a valid result or a
// typed PpmaError, never an untyped exception, a hang or unbounded memory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { float32ToFloat16, parseSafetensors, readSafetensors, serializeSafetensors } from '../src/index.js';
import type { SafetensorsFile } from '../src/index.js';
import { fuzz, mutateBytes, mutateText } from './fuzz.js';

const valid = serializeSafetensors(
  {
    'blocks.0.attn.qkv.weight': { shape: [4, 3], data: Float32Array.from({ length: 12 }, (_, i) => i / 7) },
    'blocks.0.norm.bias': { dtype: 'F16', shape: [3], data: float32ToFloat16(Float32Array.from([1, -2, 0.5])) },
    labels: { shape: [2], data: Int32Array.from([3, 4]) },
    empty: { shape: [0, 5], data: new Float32Array(0) },
  },
  { format: 'ppma-vit/1', config: '{"dim":4,"depth":1}' },
);
const headerLen = Number(Buffer.from(valid).readBigUInt64LE(0));
const headerText = Buffer.from(valid.subarray(8, 8 + headerLen)).toString('utf8');
const dataPart = valid.subarray(8 + headerLen);

/** A file whose header JSON was mutated, with the length prefix fixed up (reaches the header checks). */
function withHeader(text: string, data: Uint8Array): Uint8Array {
  const h = Buffer.from(text, 'utf8');
  const out = Buffer.alloc(8 + h.length + data.length);
  out.writeBigUInt64LE(BigInt(h.length), 0);
  h.copy(out, 8);
  Buffer.from(data).copy(out, 8 + h.length);
  return out;
}

/** What a successfully read file must satisfy. */
function consistent(result: unknown): void {
  const f = result as SafetensorsFile;
  for (const [name, t] of f.tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    expect(t.data.length, name).toBe(count);
    if (t.data instanceof Float32Array) expect(t.data.every(Number.isFinite), name).toBe(true);
  }
}

const bounds = { caseMs: 2000, memoryBytes: 256 * 1024 * 1024 };

describe('safetensors reader fuzz', () => {
  it('1500 mutated files in memory: valid or a typed error', async () => {
    const r = await fuzz(
      1500,
      'safetensors-bytes',
      (rng, i) =>
        i % 2 === 0
          ? mutateBytes(rng, i % 4 === 0 ? mutateBytes(rng, valid) : valid)
          : withHeader(mutateText(rng, headerText), rng.bernoulli(0.8) ? dataPart : mutateBytes(rng, dataPart)),
      (bytes) => parseSafetensors(bytes, 'fuzz.safetensors'),
      bounds,
      consistent,
    );
    expect(r.refused).toBeGreaterThan(1000); // most mutations break the file…
    expect(r.accepted).toBeGreaterThan(0); // …and some (e.g. a flipped weight bit) do not
  });

  it('300 mutated files through the file reader', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-st-fuzz-'));
    const file = path.join(dir, 'm.safetensors');
    await fuzz(
      300,
      'safetensors-file',
      (rng) => {
        fs.writeFileSync(file, mutateBytes(rng, valid));
        return file;
      },
      (f) => readSafetensors(f),
      bounds,
      consistent,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
