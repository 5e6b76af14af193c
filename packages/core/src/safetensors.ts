/**
 * safetensors reading and writing (https://github.com/huggingface/safetensors, format spec).
 *
 * Layout: an 8-byte little-endian header length N, N bytes of JSON
 * (`{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: { key: string } }`),
 * then the byte buffer the offsets point into. Reading goes by offset with a file handle, so a
 * reader can take the header alone or a few tensors of a large file without loading all of it.
 * Writing streams tensor by tensor into a temporary file, fsyncs it and renames it into place.
 */
import fs from 'node:fs';
import { SafetensorsFormatError } from './errors.js';
import { atomicWrite } from './atomic-write.js';

/** Element types we read and write. */
export const SAFETENSORS_DTYPES = ['F32', 'F16', 'BF16', 'I32', 'I64', 'U8'] as const;
/** A safetensors element type. */
export type SafetensorsDtype = (typeof SAFETENSORS_DTYPES)[number];

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2, I32: 4, I64: 8, U8: 1 };

/** The typed array a dtype is held in. F16 and BF16 keep their raw 16-bit words. */
export type SafetensorsData = Float32Array | Uint16Array | Int32Array | BigInt64Array | Uint8Array;

/** One tensor of a safetensors file. */
export interface SafeTensor {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly data: SafetensorsData;
}

/** Header entry of one tensor. */
export interface SafetensorsHeaderEntry {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Byte range [begin, end) relative to the start of the data section. */
  readonly offsets: readonly [number, number];
}

/** The parsed header of a safetensors file. */
export interface SafetensorsHeader {
  readonly entries: ReadonlyMap<string, SafetensorsHeaderEntry>;
  readonly metadata: Readonly<Record<string, string>>;
  /** Absolute byte offset of the data section. */
  readonly dataStart: number;
}

/** A whole (or partially) read safetensors file. */
export interface SafetensorsFile {
  readonly tensors: ReadonlyMap<string, SafeTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

const MAX_HEADER = 100 * 1024 * 1024;

function isDtype(d: unknown): d is SafetensorsDtype {
  return typeof d === 'string' && (SAFETENSORS_DTYPES as readonly string[]).includes(d);
}

/** Validates the JSON header; `dataBytes` is the size of the data section. */
function parseHeaderJson(file: string, json: string, dataStart: number, dataBytes: number): SafetensorsHeader {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new SafetensorsFormatError(file, `header is not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SafetensorsFormatError(file, 'header is not a JSON object');
  }
  const entries = new Map<string, SafetensorsHeaderEntry>();
  let metadata: Record<string, string> = {};
  const ranges: [number, number, string][] = [];
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new SafetensorsFormatError(file, '__metadata__ must be an object of strings');
      }
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'string') throw new SafetensorsFormatError(file, `__metadata__.${k} is not a string`);
      }
      metadata = { ...(value as Record<string, string>) };
      continue;
    }
    const v = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (!isDtype(v?.dtype)) {
      throw new SafetensorsFormatError(
        file,
        `tensor "${name}" has unknown dtype ${JSON.stringify(v?.dtype)}; supported: ${SAFETENSORS_DTYPES.join(', ')}`,
      );
    }
    if (!Array.isArray(v.shape) || !v.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new SafetensorsFormatError(file, `tensor "${name}" has an invalid shape ${JSON.stringify(v.shape)}`);
    }
    const off = v.data_offsets;
    if (
      !Array.isArray(off) ||
      off.length !== 2 ||
      !off.every((o) => Number.isInteger(o) && o >= 0) ||
      off[0] > off[1]
    ) {
      throw new SafetensorsFormatError(file, `tensor "${name}" has invalid data_offsets ${JSON.stringify(off)}`);
    }
    if (off[1] > dataBytes) {
      throw new SafetensorsFormatError(
        file,
        `tensor "${name}" data_offsets [${off[0]}, ${off[1]}] run past the end of the data (${dataBytes} bytes); the file may be truncated`,
      );
    }
    const count = (v.shape as number[]).reduce((a, b) => a * b, 1);
    if (off[1] - off[0] !== count * BYTES[v.dtype]) {
      throw new SafetensorsFormatError(
        file,
        `tensor "${name}" has ${off[1] - off[0]} bytes but shape ${JSON.stringify(v.shape)} of ${v.dtype} needs ${count * BYTES[v.dtype]}`,
      );
    }
    entries.set(name, { dtype: v.dtype, shape: [...(v.shape as number[])], offsets: [off[0], off[1]] });
    ranges.push([off[0], off[1], name]);
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i][0] < ranges[i - 1][1]) {
      throw new SafetensorsFormatError(file, `tensors "${ranges[i - 1][2]}" and "${ranges[i][2]}" overlap`);
    }
  }
  return { entries, metadata, dataStart };
}

function headerLength(file: string, prefix: Uint8Array, fileSize: number): number {
  if (fileSize < 8)
    throw new SafetensorsFormatError(file, `file is ${fileSize} bytes, too short for the 8-byte header length`);
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER))
    throw new SafetensorsFormatError(file, `header length ${n} exceeds the ${MAX_HEADER}-byte limit`);
  if (n > BigInt(fileSize - 8))
    throw new SafetensorsFormatError(file, `header length ${n} runs past the end of the file (${fileSize} bytes)`);
  return Number(n);
}

function typedFromBytes(dtype: SafetensorsDtype, bytes: Uint8Array): SafetensorsData {
  // `bytes` owns its whole ArrayBuffer (offset 0), so every view is aligned.
  const buf = bytes.buffer;
  const off = bytes.byteOffset;
  const n = bytes.byteLength / BYTES[dtype];
  switch (dtype) {
    case 'F32':
      return new Float32Array(buf, off, n);
    case 'F16':
    case 'BF16':
      return new Uint16Array(buf, off, n);
    case 'I32':
      return new Int32Array(buf, off, n);
    case 'I64':
      return new BigInt64Array(buf, off, n);
    case 'U8':
      return new Uint8Array(buf, off, n);
  }
}

/** Reads only the header of a safetensors file. */
export async function readSafetensorsHeader(file: string): Promise<SafetensorsHeader> {
  const fh = await openForRead(file);
  try {
    return await readHeader(file, fh);
  } finally {
    await fh.close();
  }
}

async function openForRead(file: string): Promise<fs.promises.FileHandle> {
  try {
    return await fs.promises.open(file, 'r');
  } catch (e) {
    throw new SafetensorsFormatError(
      file,
      `cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      { cause: e },
    );
  }
}

async function readHeader(file: string, fh: fs.promises.FileHandle): Promise<SafetensorsHeader> {
  const { size } = await fh.stat();
  const prefix = new Uint8Array(8);
  await fh.read(prefix, 0, Math.min(8, size), 0);
  const n = headerLength(file, prefix, size);
  const json = Buffer.alloc(n);
  await fh.read(json, 0, n, 8);
  return parseHeaderJson(file, json.toString('utf8'), 8 + n, size - 8 - n);
}

/**
 * Reads a safetensors file. With `names`, only those tensors are read (an unknown name is an
 * error); with `prefix`, only tensors whose names start with it.
 */
export async function readSafetensors(
  file: string,
  options: { names?: readonly string[]; prefix?: string } = {},
): Promise<SafetensorsFile> {
  const fh = await openForRead(file);
  try {
    const header = await readHeader(file, fh);
    const wanted = selectNames(file, header, options);
    const tensors = new Map<string, SafeTensor>();
    for (const name of wanted) {
      const e = header.entries.get(name)!;
      const bytes = new Uint8Array(e.offsets[1] - e.offsets[0]);
      const { bytesRead } = await fh.read(bytes, 0, bytes.length, header.dataStart + e.offsets[0]);
      if (bytesRead !== bytes.length) throw new SafetensorsFormatError(file, `tensor "${name}" is truncated`);
      tensors.set(name, { dtype: e.dtype, shape: e.shape, data: typedFromBytes(e.dtype, bytes) });
    }
    return { tensors, metadata: header.metadata };
  } finally {
    await fh.close();
  }
}

function selectNames(
  file: string,
  header: SafetensorsHeader,
  options: { names?: readonly string[]; prefix?: string },
): string[] {
  if (options.names) {
    const missing = options.names.filter((n) => !header.entries.has(n));
    if (missing.length)
      throw new SafetensorsFormatError(file, `no tensor named ${missing.map((m) => `"${m}"`).join(', ')}`);
    return [...options.names];
  }
  const all = [...header.entries.keys()];
  return options.prefix === undefined ? all : all.filter((n) => n.startsWith(options.prefix!));
}

/** Parses a safetensors file held in memory. `name` is used in error messages. */
export function parseSafetensors(bytes: Uint8Array, name = '<buffer>'): SafetensorsFile {
  const n = headerLength(name, bytes.subarray(0, 8), bytes.byteLength);
  const json = Buffer.from(bytes.buffer, bytes.byteOffset + 8, n).toString('utf8');
  const header = parseHeaderJson(name, json, 8 + n, bytes.byteLength - 8 - n);
  const tensors = new Map<string, SafeTensor>();
  for (const [k, e] of header.entries) {
    // Uint8Array.prototype.slice copies (Buffer#slice would return a possibly unaligned view).
    const copy = Uint8Array.prototype.slice.call(
      bytes,
      header.dataStart + e.offsets[0],
      header.dataStart + e.offsets[1],
    );
    tensors.set(k, { dtype: e.dtype, shape: e.shape, data: typedFromBytes(e.dtype, copy) });
  }
  return { tensors, metadata: header.metadata };
}

function dtypeOf(data: SafetensorsData, declared?: SafetensorsDtype): SafetensorsDtype {
  if (declared) return declared;
  if (data instanceof Float32Array) return 'F32';
  if (data instanceof Int32Array) return 'I32';
  if (data instanceof BigInt64Array) return 'I64';
  if (data instanceof Uint8Array) return 'U8';
  throw new TypeError('Uint16Array data needs an explicit dtype (F16 or BF16)');
}

/** A tensor to write: `dtype` may be omitted for Float32Array, Int32Array, BigInt64Array, Uint8Array. */
export interface SafeTensorInput {
  readonly dtype?: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly data: SafetensorsData;
}

/** Serialises tensors into the header JSON plus the ordered list of buffers. */
function layout(
  tensors: ReadonlyMap<string, SafeTensorInput> | Readonly<Record<string, SafeTensorInput>>,
  metadata: Readonly<Record<string, string>> | undefined,
): { header: Buffer; chunks: Uint8Array[] } {
  const items = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const head: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) head.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of items as [string, SafeTensorInput][]) {
    const dtype = dtypeOf(t.data, t.dtype);
    const count = t.shape.reduce((a: number, b: number) => a * b, 1);
    if (t.data.length !== count)
      throw new RangeError(
        `tensor "${name}": shape ${JSON.stringify(t.shape)} needs ${count} elements, data has ${t.data.length}`,
      );
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    head[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes.byteLength] };
    offset += bytes.byteLength;
    chunks.push(bytes);
  }
  let json = JSON.stringify(head);
  // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const jsonBytes = Buffer.from(json, 'utf8');
  const header = Buffer.alloc(8 + jsonBytes.length);
  header.writeBigUInt64LE(BigInt(jsonBytes.length), 0);
  jsonBytes.copy(header, 8);
  return { header, chunks };
}

/** Encodes tensors as a safetensors byte array in memory. */
export function serializeSafetensors(
  tensors: ReadonlyMap<string, SafeTensorInput> | Readonly<Record<string, SafeTensorInput>>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const { header, chunks } = layout(tensors, metadata);
  return Buffer.concat([header, ...chunks]);
}

/**
 * Writes tensors to a safetensors file atomically (temporary file, fsync, rename): a reader never
 * sees a half-written file, and a killed writer leaves the previous file intact.
 */
export async function writeSafetensors(
  file: string,
  tensors: ReadonlyMap<string, SafeTensorInput> | Readonly<Record<string, SafeTensorInput>>,
  metadata?: Readonly<Record<string, string>>,
): Promise<void> {
  const { header, chunks } = layout(tensors, metadata);
  await atomicWrite(file, [header, ...chunks]);
}

/** Converts IEEE half-precision words to float32. */
export function float16ToFloat32(words: Uint16Array): Float32Array {
  const out = new Float32Array(words.length);
  for (let i = 0; i < words.length; i++) {
    const h = words[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    out[i] =
      exp === 0
        ? sign * 2 ** -14 * (frac / 1024)
        : exp === 31
          ? frac
            ? NaN
            : sign * Infinity
          : sign * 2 ** (exp - 15) * (1 + frac / 1024);
  }
  return out;
}

/** Converts float32 values to IEEE half-precision words (round to nearest even). */
export function float32ToFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  for (let i = 0; i < values.length; i++) {
    f[0] = values[i];
    const x = u[0];
    const sign = (x >>> 16) & 0x8000;
    const exp = (x >>> 23) & 0xff;
    let mant = x & 0x7fffff;
    if (exp === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 : 0);
      continue;
    }
    let e = exp - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00;
      continue;
    }
    if (e <= 0) {
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      mant |= 0x800000;
      const shift = 14 - e;
      const half = 1 << (shift - 1);
      let m = mant >>> shift;
      const rest = mant & ((1 << shift) - 1);
      if (rest > half || (rest === half && m & 1)) m++;
      out[i] = sign | m;
      continue;
    }
    let m = mant >>> 13;
    const rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && m & 1)) {
      m++;
      if (m === 0x400) {
        m = 0;
        e++;
        if (e >= 0x1f) {
          out[i] = sign | 0x7c00;
          continue;
        }
      }
    }
    out[i] = sign | (e << 10) | m;
  }
  return out;
}

/** Converts bfloat16 words to float32 (exact). */
export function bfloat16ToFloat32(words: Uint16Array): Float32Array {
  const bits = new Uint32Array(words.length);
  for (let i = 0; i < words.length; i++) bits[i] = words[i] << 16;
  return new Float32Array(bits.buffer);
}

/** Converts float32 to bfloat16 words (round to nearest even; NaN stays NaN). */
export function float32ToBfloat16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = bits[i];
    if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) {
      out[i] = (x >>> 16) | 0x40;
      continue;
    }
    out[i] = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
  }
  return out;
}

/** Any tensor's values as float32 (F16/BF16 decoded, integers converted). */
export function toFloat32(t: SafeTensor): Float32Array {
  switch (t.dtype) {
    case 'F32':
      return t.data as Float32Array;
    case 'F16':
      return float16ToFloat32(t.data as Uint16Array);
    case 'BF16':
      return bfloat16ToFloat32(t.data as Uint16Array);
    case 'I64':
      return Float32Array.from(t.data as BigInt64Array, (v) => Number(v));
    case 'I32':
    case 'U8':
      return Float32Array.from(t.data as Int32Array | Uint8Array);
  }
}
