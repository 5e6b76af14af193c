/**
 * Byte-level reading of a pickle (the scalar opcodes of pickletools: integers, floats, strings and
 * bytes of protocols 0-4), every read bounds-checked so a corrupt file is a `CheckpointError` naming
 * the file and the offset, never a `RangeError` or an allocation past the end of the data.
 */
import { CheckpointError } from '@ppma/core';
import type { PyValue } from './pickle-values.js';

/** Returned by {@link PickleReader.scalar} for an opcode that is not a scalar. */
export const NOT_SCALAR = Symbol('not a scalar opcode');

/** A cursor over the bytes of one pickle. */
export class PickleReader {
  protected pos = 0;
  private readonly view: DataView;

  constructor(
    protected readonly data: Uint8Array,
    protected readonly file: string,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  protected fail(problem: string): never {
    throw new CheckpointError(this.file, `malformed pickle at byte ${this.pos}: ${problem}`);
  }

  protected take(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.data.length) this.fail(`needs ${n} bytes past the end`);
    const b = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  private at(n: number): number {
    const p = this.pos;
    this.take(n);
    return p;
  }
  protected u8(): number {
    return this.take(1)[0];
  }
  protected u16(): number {
    return this.view.getUint16(this.at(2), true);
  }
  protected u32(): number {
    return this.view.getUint32(this.at(4), true);
  }
  protected i32(): number {
    return this.view.getInt32(this.at(4), true);
  }
  protected f64be(): number {
    return this.view.getFloat64(this.at(8), false);
  }
  protected u64(): number {
    const v = this.view.getBigUint64(this.at(8), true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail('length too large');
    return Number(v);
  }
  protected line(): string {
    const end = this.data.indexOf(0x0a, this.pos);
    if (end < 0) this.fail('unterminated text line');
    const s = Buffer.from(this.data.subarray(this.pos, end)).toString('latin1');
    this.pos = end + 1;
    return s;
  }
  protected utf8(n: number): string {
    return Buffer.from(this.take(n)).toString('utf8');
  }
  private bigint(s: string): bigint {
    if (!/^[-+]?\d{1,1000}$/.test(s.trim())) this.fail(`bad integer literal "${s.slice(0, 20)}"`);
    return BigInt(s.trim());
  }

  /** Two's-complement little-endian integer (LONG1 / LONG4), as a number when it is safe. */
  protected long(bytes: Uint8Array): number | bigint {
    if (bytes.length === 0) return 0;
    if (bytes.length > 64) this.fail('integer too large');
    let v = 0n;
    for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
    if (bytes[bytes.length - 1] & 0x80) v -= 1n << BigInt(8 * bytes.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  /** The value of a scalar opcode `op` (its operand read), or {@link NOT_SCALAR}. */
  protected scalar(op: number): PyValue | typeof NOT_SCALAR {
    switch (op) {
      case 0x4a: // BININT
        return this.i32();
      case 0x4b: // BININT1
        return this.u8();
      case 0x4d: // BININT2
        return this.u16();
      case 0x8a: // LONG1
        return this.long(this.take(this.u8()));
      case 0x8b: // LONG4
        return this.long(this.take(this.u32()));
      case 0x49: {
        // INT (text; "01"/"00" are True/False)
        const s = this.line();
        if (s === '01' || s === '00') return s === '01';
        const n = Number(s);
        return Number.isSafeInteger(n) ? n : this.bigint(s);
      }
      case 0x4c: {
        // LONG (text)
        const s = this.line().replace(/L$/, '');
        const v = this.bigint(s);
        return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
      }
      case 0x46: // FLOAT (text)
        return Number(this.line());
      case 0x47: // BINFLOAT (big-endian double)
        return this.f64be();
      case 0x58: // BINUNICODE
        return this.utf8(this.u32());
      case 0x8c: // SHORT_BINUNICODE
        return this.utf8(this.u8());
      case 0x8d: // BINUNICODE8
        return this.utf8(this.u64());
      case 0x56: // UNICODE (raw-unicode-escape text)
        return this.line();
      case 0x55: // SHORT_BINSTRING
        return Buffer.from(this.take(this.u8())).toString('latin1');
      case 0x54: // BINSTRING
        return Buffer.from(this.take(this.u32())).toString('latin1');
      case 0x53: // STRING (quoted text)
        return this.line().replace(/^(['"])(.*)\1$/, '$2');
      case 0x43: // SHORT_BINBYTES
        return Uint8Array.from(this.take(this.u8()));
      case 0x42: // BINBYTES
        return Uint8Array.from(this.take(this.u32()));
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        return Uint8Array.from(this.take(this.u64()));
      default:
        return NOT_SCALAR;
    }
  }
}
