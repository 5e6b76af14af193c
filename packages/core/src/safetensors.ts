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
import { bfloat16ToFloat32, float16ToFloat32 } from './half-float.js';
import { DTYPE_BYTES as BYTES, decodeHeader, headerLength, parseHeaderJson } from './safetensors-header.js';
import type { SafetensorsDtype, SafetensorsHeader } from './safetensors-header.js';
import { checkTensor } from './safetensors-values.js';
import type { TensorChecks } from './safetensors-values.js';

export { SAFETENSORS_DTYPES, FLOAT_DTYPES, MAX_HEADER_BYTES } from './safetensors-header.js';
export type { SafetensorsDtype, SafetensorsHeader, SafetensorsHeaderEntry } from './safetensors-header.js';
export { float16ToFloat32, float32ToFloat16, bfloat16ToFloat32, float32ToBfloat16 } from './half-float.js';
export type { TensorChecks } from './safetensors-values.js';

/** The typed array a dtype is held in. F16 and BF16 keep their raw 16-bit words. */
export type SafetensorsData = Float32Array | Uint16Array | Int32Array | BigInt64Array | Uint8Array;

/** One tensor of a safetensors file. */
export interface SafeTensor {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly data: SafetensorsData;
}

/** A whole (or partially) read safetensors file. */
export interface SafetensorsFile {
  readonly tensors: ReadonlyMap<string, SafeTensor>;
  readonly metadata: Readonly<Record<string, string>>;
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
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(file);
  } catch (e) {
    throw new SafetensorsFormatError(
      file,
      `cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      { cause: e },
    );
  }
  // A folder gives a bare EISDIR; opening a FIFO blocks until a writer appears.
  if (st.isDirectory()) throw new SafetensorsFormatError(file, 'is a folder, not a safetensors file');
  if (!st.isFile())
    throw new SafetensorsFormatError(
      file,
      `is ${st.isFIFO() ? 'a FIFO (named pipe)' : 'not a regular file'}, not a safetensors file`,
    );
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
  const { bytesRead } = await fh.read(json, 0, n, 8);
  if (bytesRead !== n) throw new SafetensorsFormatError(file, `header is truncated (${bytesRead} of ${n} bytes)`);
  return parseHeaderJson(file, decodeHeader(file, json), 8 + n, size - 8 - n);
}

/** Options of {@link readSafetensors} and {@link parseSafetensors}. */
export interface ReadSafetensorsOptions extends TensorChecks {
  /** Read only these tensors (an unknown name is an error). */
  readonly names?: readonly string[];
  /** Read only tensors whose names start with this. */
  readonly prefix?: string;
}

/**
 * Reads a safetensors file, validating the whole header first. With `names`, only those tensors
 * are read (an unknown name is an error); with `prefix`, only tensors whose names start with it.
 * Floating-point tensors with NaN or Inf are an error unless `allowNonFinite` is set; `dtypes`
 * restricts the accepted element types.
 *
 * @throws SafetensorsFormatError naming the file and the problem.
 */
export async function readSafetensors(file: string, options: ReadSafetensorsOptions = {}): Promise<SafetensorsFile> {
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
      const t: SafeTensor = { dtype: e.dtype, shape: e.shape, data: typedFromBytes(e.dtype, bytes) };
      checkTensor(file, name, t, options);
      tensors.set(name, t);
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

/** Parses a safetensors file held in memory (validated like {@link readSafetensors}). `name` is used in error messages. */
export function parseSafetensors(bytes: Uint8Array, name = '<buffer>', options: TensorChecks = {}): SafetensorsFile {
  const n = headerLength(name, bytes.subarray(0, 8), bytes.byteLength);
  const json = decodeHeader(name, bytes.subarray(8, 8 + n));
  const header = parseHeaderJson(name, json, 8 + n, bytes.byteLength - 8 - n);
  const tensors = new Map<string, SafeTensor>();
  for (const [k, e] of header.entries) {
    // Uint8Array.prototype.slice copies (Buffer#slice would return a possibly unaligned view).
    const copy = Uint8Array.prototype.slice.call(
      bytes,
      header.dataStart + e.offsets[0],
      header.dataStart + e.offsets[1],
    );
    const t: SafeTensor = { dtype: e.dtype, shape: e.shape, data: typedFromBytes(e.dtype, copy) };
    checkTensor(name, k, t, options);
    tensors.set(k, t);
  }
  return { tensors, metadata: header.metadata };
}

function dtypeOf(file: string, name: string, data: SafetensorsData, declared?: SafetensorsDtype): SafetensorsDtype {
  if (declared) return declared;
  if (data instanceof Float32Array) return 'F32';
  if (data instanceof Int32Array) return 'I32';
  if (data instanceof BigInt64Array) return 'I64';
  if (data instanceof Uint8Array) return 'U8';
  throw new SafetensorsFormatError(file, `tensor "${name}": Uint16Array data needs an explicit dtype (F16 or BF16)`);
}

/** A tensor to write: `dtype` may be omitted for Float32Array, Int32Array, BigInt64Array, Uint8Array. */
export interface SafeTensorInput {
  readonly dtype?: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly data: SafetensorsData;
}

/** Serialises tensors into the header JSON plus the ordered list of buffers. */
function layout(
  file: string,
  tensors: ReadonlyMap<string, SafeTensorInput> | Readonly<Record<string, SafeTensorInput>>,
  metadata: Readonly<Record<string, string>> | undefined,
): { header: Buffer; chunks: Uint8Array[] } {
  const items = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const head: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) head.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of items as [string, SafeTensorInput][]) {
    const dtype = dtypeOf(file, name, t.data, t.dtype);
    const count = t.shape.reduce((a: number, b: number) => a * b, 1);
    if (t.data.length !== count)
      throw new SafetensorsFormatError(
        file,
        `tensor "${name}": shape ${JSON.stringify(t.shape)} needs ${count} elements, data has ${t.data.length}`,
      );
    if (t.data.byteLength !== count * BYTES[dtype])
      throw new SafetensorsFormatError(
        file,
        `tensor "${name}": ${t.data.byteLength} bytes of data do not hold ${count} ${dtype} values`,
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
  const { header, chunks } = layout('<buffer>', tensors, metadata);
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
  const { header, chunks } = layout(file, tensors, metadata);
  await atomicWrite(file, [header, ...chunks]);
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
