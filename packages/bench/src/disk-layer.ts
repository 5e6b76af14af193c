/**
 * An on-disk layer under the process-wide caches of decoded views and frozen-trunk features
 * (docs/ARCHITECTURE.md §12): the benchmark's worker processes decode the views of their tasks, and
 * the learned-beta soup and the leakage probes, which run in the parent process afterwards, read
 * them from disk instead of decoding every clip again. One file per entry, named by the SHA-256 of
 * the entry's key; each file holds the full key, the payload's length and its CRC-32, so a file
 * that is truncated, damaged or another key's is never used (it is decoded again and rewritten).
 * Files are written with `@ppma/core`'s `atomicWriteSync`, so a reader never sees half of one. A cache
 * that cannot be written (full disk, read-only folder) warns once and is left alone; results never
 * depend on it.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { atomicWriteSync } from '@ppma/core';

/** What a disk layer stores: bytes of decoded views, or float32 features. */
export type DiskValue = Uint8Array | Float32Array;

/** Reads and writes cache entries of one kind in one folder. */
export interface DiskLayer<V extends DiskValue> {
  readonly dir: string;
  /** The stored value of `key`, or undefined when absent or unusable. */
  read(key: string): V | undefined;
  /** Stores `value` under `key` (best effort: a failure warns once and disables writing). */
  write(key: string, value: V): void;
}

const MAGIC = Buffer.from('PPMAC1\n\0', 'latin1');
const HEADER = MAGIC.length + 4 + 8 + 4; // magic, key bytes, payload bytes, CRC-32 of the payload

/**
 * A disk layer in `dir` (created on the first write) for values of `kind`: `'u8'` gives
 * `Uint8Array`s, `'f32'` gives `Float32Array`s.
 */
export function diskLayer(dir: string, kind: 'u8'): DiskLayer<Uint8Array>;
export function diskLayer(dir: string, kind: 'f32'): DiskLayer<Float32Array>;
export function diskLayer(dir: string, kind: 'u8' | 'f32'): DiskLayer<DiskValue> {
  const ext = `.${kind}`;
  let writable = true;
  const fileOf = (key: string): string =>
    path.join(dir, createHash('sha256').update(key).digest('hex').slice(0, 40) + ext);
  return {
    dir,
    read(key) {
      let buf: Buffer;
      try {
        buf = fs.readFileSync(fileOf(key));
      } catch {
        return undefined;
      }
      const payload = parseEntry(buf, key);
      if (!payload) return undefined;
      if (kind === 'u8') return new Uint8Array(payload);
      if (payload.length % 4 !== 0) return undefined;
      const out = new Float32Array(payload.length / 4);
      new Uint8Array(out.buffer).set(payload);
      return out;
    },
    write(key, value) {
      if (!writable) return;
      try {
        atomicWriteSync(
          fileOf(key),
          encodeEntry(key, new Uint8Array(value.buffer, value.byteOffset, value.byteLength)),
        );
      } catch (e) {
        writable = false;
        process.emitWarning(`cache folder ${dir}: ${(e as Error).message}; entries stay in memory only`);
      }
    },
  };
}

/** The bytes of one entry: header, key, payload. */
export function encodeEntry(key: string, payload: Uint8Array): Buffer {
  const k = Buffer.from(key, 'utf8');
  const head = Buffer.alloc(HEADER);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(k.length, MAGIC.length);
  head.writeBigUInt64LE(BigInt(payload.length), MAGIC.length + 4);
  head.writeUInt32LE(crc32(payload), MAGIC.length + 12);
  return Buffer.concat([head, k, payload]);
}

/** The payload of an entry when it is whole and is `key`'s; null otherwise. */
export function parseEntry(buf: Buffer, key: string): Buffer | null {
  if (buf.length < HEADER || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  const keyBytes = buf.readUInt32LE(MAGIC.length);
  const bytes = Number(buf.readBigUInt64LE(MAGIC.length + 4));
  if (buf.length !== HEADER + keyBytes + bytes) return null;
  if (buf.subarray(HEADER, HEADER + keyBytes).toString('utf8') !== key) return null;
  const payload = buf.subarray(HEADER + keyBytes);
  return crc32(payload) === buf.readUInt32LE(MAGIC.length + 12) ? payload : null;
}
