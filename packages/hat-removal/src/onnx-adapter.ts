/**
 * The JSON adapter that describes any ONNX person-segmentation model to the `onnx` segmenter
 * (docs/ARCHITECTURE.md §7): input size, layout, colour order, normalisation; output layout, activation and
 * the person channel. One schema with a description and a default per field.
 */
import fs from 'node:fs';
import { ConfigError } from '@ppma/core';

/** Describes an ONNX segmentation model's input and output. */
export interface OnnxAdapter {
  readonly input: {
    /** Input name; default: the model's only input. */
    readonly name?: string;
    /** Width and height the model takes; frames are resized to them. */
    readonly width: number;
    readonly height: number;
    /** Tensor layout (default `nchw`). */
    readonly layout?: 'nchw' | 'nhwc';
    /** Channel order (default `rgb`). */
    readonly colour?: 'rgb' | 'bgr';
    /** Pixels are divided by this first (default 255: [0, 1]). */
    readonly scale?: number;
    /** Then `(x - mean) / std` per channel (defaults 0 and 1). */
    readonly mean?: readonly [number, number, number];
    readonly std?: readonly [number, number, number];
  };
  readonly output: {
    /** Output name; default: the model's first output. */
    readonly name?: string;
    /** Tensor layout (default `nchw`). */
    readonly layout?: 'nchw' | 'nhwc';
    /** What turns the output into a probability (default `none`: already one). */
    readonly activation?: 'none' | 'sigmoid' | 'softmax';
    /** Channel holding the person class (default 0). */
    readonly personChannel?: number;
  };
}

function num(v: unknown, key: string, file: string | undefined, check: (x: number) => boolean, want: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v))
    throw new ConfigError(key, `must be ${want}, got ${JSON.stringify(v)}`, file ? { file } : {});
  return v;
}

function oneOf<T extends string>(v: unknown, key: string, file: string | undefined, values: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
    throw new ConfigError(key, `must be one of ${values.join(', ')}, got ${JSON.stringify(v)}`, file ? { file } : {});
  }
  return v as T;
}

function triple(v: unknown, key: string, file: string | undefined, dflt: number): [number, number, number] {
  if (v === undefined) return [dflt, dflt, dflt];
  if (!Array.isArray(v) || v.length !== 3)
    throw new ConfigError(key, `must be an array of 3 numbers, got ${JSON.stringify(v)}`, file ? { file } : {});
  return v.map((x, i) =>
    num(
      x,
      `${key}[${i}]`,
      file,
      (y) => (key.endsWith('std') ? y > 0 : true),
      key.endsWith('std') ? 'a positive number' : 'a number',
    ),
  ) as [number, number, number];
}

/** Checks an adapter object and fills in the defaults; throws {@link ConfigError} naming the key. */
export function parseOnnxAdapter(
  value: unknown,
  file?: string,
): Required<{ input: Required<OnnxAdapter['input']>; output: Required<OnnxAdapter['output']> }> {
  const o = value as { input?: Record<string, unknown>; output?: Record<string, unknown> } | null;
  if (!o || typeof o !== 'object' || !o.input || !o.output)
    throw new ConfigError('adapter', 'needs "input" and "output" objects', file ? { file } : {});
  const i = o.input;
  const out = o.output;
  const str = (v: unknown, key: string): string => {
    if (v === undefined) return '';
    if (typeof v !== 'string' || !v)
      throw new ConfigError(key, `must be a non-empty string, got ${JSON.stringify(v)}`, file ? { file } : {});
    return v;
  };
  return {
    input: {
      name: str(i.name, 'adapter.input.name'),
      width: num(i.width, 'adapter.input.width', file, (x) => Number.isInteger(x) && x > 0, 'a positive integer'),
      height: num(i.height, 'adapter.input.height', file, (x) => Number.isInteger(x) && x > 0, 'a positive integer'),
      layout: oneOf(i.layout, 'adapter.input.layout', file, ['nchw', 'nhwc'] as const, 'nchw'),
      colour: oneOf(i.colour, 'adapter.input.colour', file, ['rgb', 'bgr'] as const, 'rgb'),
      scale: i.scale === undefined ? 255 : num(i.scale, 'adapter.input.scale', file, (x) => x > 0, 'a positive number'),
      mean: triple(i.mean, 'adapter.input.mean', file, 0),
      std: triple(i.std, 'adapter.input.std', file, 1),
    },
    output: {
      name: str(out.name, 'adapter.output.name'),
      layout: oneOf(out.layout, 'adapter.output.layout', file, ['nchw', 'nhwc'] as const, 'nchw'),
      activation: oneOf(
        out.activation,
        'adapter.output.activation',
        file,
        ['none', 'sigmoid', 'softmax'] as const,
        'none',
      ),
      personChannel:
        out.personChannel === undefined
          ? 0
          : num(
              out.personChannel,
              'adapter.output.personChannel',
              file,
              (x) => Number.isInteger(x) && x >= 0,
              'a non-negative integer',
            ),
    },
  };
}

/** Reads and checks an adapter JSON file. */
export function readOnnxAdapter(file: string): ReturnType<typeof parseOnnxAdapter> {
  if (!fs.existsSync(file)) throw new ConfigError('adapter', 'file does not exist', { file });
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError('adapter', `not valid JSON: ${(e as Error).message}`, { file, cause: e });
  }
  return parseOnnxAdapter(json, file);
}
