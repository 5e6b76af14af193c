/**
 * Validation of a safetensors header (format spec: https://github.com/huggingface/safetensors).
 * A file from an untrusted source is checked completely before any tensor is allocated:
 *
 * - the 8-byte length is within {@link MAX_HEADER_BYTES} and the file;
 * - the header is UTF-8 JSON, an object, with no duplicated key (`JSON.parse` would keep the last);
 * - every tensor has a known dtype, a shape of at most {@link MAX_RANK} safe non-negative integers,
 *   and `data_offsets` whose length is exactly `dtype size x product(shape)`;
 * - the offsets tile the data section: contiguous from 0, no overlap, no hole, and no trailing bytes.
 */
import { SafetensorsFormatError } from './errors.js';
import { duplicateJsonKeys, formatJsonKey } from './json-strict.js';

/** Element types we read and write. */
export const SAFETENSORS_DTYPES = ['F32', 'F16', 'BF16', 'I32', 'I64', 'U8'] as const;
/** A safetensors element type. */
export type SafetensorsDtype = (typeof SAFETENSORS_DTYPES)[number];
/** The floating-point dtypes (what model weights may be stored as). */
export const FLOAT_DTYPES: readonly SafetensorsDtype[] = ['F32', 'F16', 'BF16'];

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Readonly<Record<SafetensorsDtype, number>> = {
  F32: 4,
  F16: 2,
  BF16: 2,
  I32: 4,
  I64: 8,
  U8: 1,
};

/** Largest header accepted (the reference implementation's limit). */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;
/** Largest tensor rank accepted. */
export const MAX_RANK = 16;

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

function isDtype(d: unknown): d is SafetensorsDtype {
  return typeof d === 'string' && (SAFETENSORS_DTYPES as readonly string[]).includes(d);
}

/** Reads and checks the 8-byte header length against the limits and the file size. */
export function headerLength(file: string, prefix: Uint8Array, fileSize: number): number {
  if (fileSize < 8)
    throw new SafetensorsFormatError(file, `file is ${fileSize} bytes, too short for the 8-byte header length`);
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES))
    throw new SafetensorsFormatError(file, `header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (n > BigInt(fileSize - 8))
    throw new SafetensorsFormatError(file, `header length ${n} runs past the end of the file (${fileSize} bytes)`);
  if (n < 2n) throw new SafetensorsFormatError(file, `header length ${n} is too short for a JSON object`);
  return Number(n);
}

/** Decodes the header bytes as strict UTF-8. */
export function decodeHeader(file: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new SafetensorsFormatError(file, 'header is not valid UTF-8', { cause: e });
  }
}

function parseObject(file: string, json: string): Record<string, unknown> {
  if (!json.startsWith('{')) throw new SafetensorsFormatError(file, 'header does not start with "{"');
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new SafetensorsFormatError(file, `header is not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SafetensorsFormatError(file, 'header is not a JSON object');
  }
  const dup = duplicateJsonKeys(json);
  if (dup.length)
    throw new SafetensorsFormatError(file, `header has the key "${formatJsonKey(dup[0])}" more than once`);
  return raw as Record<string, unknown>;
}

function parseMetadata(file: string, value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SafetensorsFormatError(file, '__metadata__ must be an object of strings');
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new SafetensorsFormatError(file, `__metadata__.${k} is not a string`);
  }
  return { ...(value as Record<string, string>) };
}

function parseEntry(file: string, name: string, value: unknown, dataBytes: number): SafetensorsHeaderEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SafetensorsFormatError(file, `tensor "${name}" is not an object`);
  const v = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (!isDtype(v.dtype)) {
    throw new SafetensorsFormatError(
      file,
      `tensor "${name}" has unknown dtype ${JSON.stringify(v.dtype)}; supported: ${SAFETENSORS_DTYPES.join(', ')}`,
    );
  }
  const shape = v.shape;
  if (
    !Array.isArray(shape) ||
    shape.length > MAX_RANK ||
    !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)
  ) {
    throw new SafetensorsFormatError(
      file,
      `tensor "${name}" has an invalid shape ${JSON.stringify(shape)} (at most ${MAX_RANK} non-negative integers)`,
    );
  }
  const off = v.data_offsets;
  if (
    !Array.isArray(off) ||
    off.length !== 2 ||
    !off.every((o) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0) ||
    off[0] > off[1]
  ) {
    throw new SafetensorsFormatError(file, `tensor "${name}" has invalid data_offsets ${JSON.stringify(off)}`);
  }
  const [begin, end] = off as [number, number];
  if (end > dataBytes) {
    throw new SafetensorsFormatError(
      file,
      `tensor "${name}" data_offsets [${begin}, ${end}] run past the end of the data (${dataBytes} bytes); the file may be truncated`,
    );
  }
  const count = (shape as number[]).reduce((a, b) => a * b, 1);
  const need = count * DTYPE_BYTES[v.dtype];
  if (end - begin !== need) {
    throw new SafetensorsFormatError(
      file,
      `tensor "${name}" has ${end - begin} bytes but shape ${JSON.stringify(shape)} of ${v.dtype} needs ${need}`,
    );
  }
  // `-0` is a valid JSON number: store it as 0 so that sizes compare as numbers do.
  return { dtype: v.dtype, shape: (shape as number[]).map((d) => d || 0), offsets: [begin || 0, end || 0] };
}

/** Validates the JSON header; `dataBytes` is the size of the data section (everything after the header). */
export function parseHeaderJson(file: string, json: string, dataStart: number, dataBytes: number): SafetensorsHeader {
  const raw = parseObject(file, json);
  const entries = new Map<string, SafetensorsHeaderEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (name === '__metadata__') metadata = parseMetadata(file, value);
    else entries.set(name, parseEntry(file, name, value, dataBytes));
  }
  const ranges = [...entries].map(([name, e]) => [e.offsets[0], e.offsets[1], name] as const);
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let at = 0;
  let prev = '';
  for (const [begin, end, name] of ranges) {
    if (begin < at) throw new SafetensorsFormatError(file, `tensors "${prev}" and "${name}" overlap`);
    if (begin > at)
      throw new SafetensorsFormatError(
        file,
        `the data has a hole: bytes [${at}, ${begin}) before tensor "${name}" belong to no tensor`,
      );
    at = end;
    prev = name;
  }
  if (at !== dataBytes) {
    throw new SafetensorsFormatError(
      file,
      `${dataBytes - at} trailing bytes after the last tensor (the data section is ${dataBytes} bytes, the tensors cover ${at})`,
    );
  }
  return { entries, metadata, dataStart };
}
