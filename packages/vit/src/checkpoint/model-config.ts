/**
 * The model config a checkpoint carries in its safetensors metadata (docs/ARCHITECTURE.md §4): the JSON
 * `config` entry (`model_config` in some exports), the keys that describe the architecture, and
 * the limits a config must respect before any model is built from it.
 */
import { CheckpointError, ModelError } from '@ppma/core';
import type { VitConfigInput } from '../config.js';

/** Architecture fields that must agree between checkpoints mixed or compared (the soup's ingredients). */
export const ARCHITECTURE_KEYS = [
  'dim',
  'depth',
  'heads',
  'tubelet',
  'patch',
  'frames',
  'height',
  'width',
  'mlpRatio',
  'normEps',
] as const;

/** Every config field a trunk is rebuilt from: the architecture plus the pixel normalisation. */
export const TRUNK_CONFIG_KEYS = [...ARCHITECTURE_KEYS, 'mean', 'std'] as const;

/** The config fields without a default: a checkpoint without them needs a config from the caller. */
export const REQUIRED_CONFIG_KEYS = ['dim', 'depth', 'heads', 'tubelet', 'patch', 'frames', 'height', 'width'] as const;

/**
 * Upper bounds on the config of a checkpoint we are willing to build. They are far above the paper's
 * ViT-B/L at 16x224, and stop a hostile or corrupt header from allocating gigabytes.
 */
export const CONFIG_LIMITS: Readonly<Record<(typeof REQUIRED_CONFIG_KEYS)[number], number>> = {
  dim: 4096,
  depth: 128,
  heads: 128,
  tubelet: 16,
  patch: 64,
  frames: 512,
  height: 2048,
  width: 2048,
};

/**
 * The parsed JSON `config` of a checkpoint's metadata (or `model_config`); `undefined` when there is
 * none. A value that is not a JSON object is a {@link ModelError} naming the file.
 */
export function metadataConfig(
  file: string,
  metadata: Readonly<Record<string, string>>,
): Record<string, unknown> | undefined {
  const raw = metadata.config ?? metadata.model_config;
  if (raw === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    throw new ModelError(`${file}: metadata "config" is not JSON`, { file, cause: e });
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new ModelError(`${file}: metadata "config" is not a JSON object`, { file });
  return v as Record<string, unknown>;
}

/** The trunk fields ({@link TRUNK_CONFIG_KEYS}) of a metadata config. */
export function trunkConfigOf(raw: Readonly<Record<string, unknown>>): Partial<VitConfigInput> {
  const out: Record<string, unknown> = {};
  for (const k of TRUNK_CONFIG_KEYS) if (raw[k] !== undefined) out[k] = raw[k];
  return out as Partial<VitConfigInput>;
}

/**
 * Checks the size fields of a config against {@link CONFIG_LIMITS}, before anything is allocated.
 * @throws CheckpointError naming the file and the key.
 */
export function checkConfigLimits(file: string, config: Readonly<Record<string, unknown>>): void {
  for (const k of REQUIRED_CONFIG_KEYS) {
    const given = config[k];
    if (given === undefined) continue;
    // The ONNX exporter also accepts the whole tubelet `[t, p, p]`.
    for (const v of k === 'tubelet' && Array.isArray(given) ? (given as unknown[]) : [given]) checkLimit(file, k, v);
  }
  const ratio = config.mlpRatio;
  if (ratio !== undefined && !(typeof ratio === 'number' && ratio > 0 && ratio <= 16))
    throw new CheckpointError(file, `config "mlpRatio" must be a number in (0, 16], got ${JSON.stringify(ratio)}`);
}

function checkLimit(file: string, k: (typeof REQUIRED_CONFIG_KEYS)[number], v: unknown): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
    throw new CheckpointError(file, `config "${k}" must be a positive integer, got ${JSON.stringify(v)}`);
  if (v > CONFIG_LIMITS[k])
    throw new CheckpointError(file, `config "${k}" is ${v}, above the limit of ${CONFIG_LIMITS[k]}`);
}

/**
 * The model config to build from a checkpoint's metadata `config`, merged with `overrides`: an MAE
 * checkpoint's encoder has no heads and no drop path. Every field without a default must be there.
 * @throws ModelError naming the file and the first missing field.
 */
export function configFromMetadata(
  file: string,
  stored: Readonly<Record<string, unknown>> | undefined,
  format: string,
  overrides: Partial<VitConfigInput> = {},
): VitConfigInput {
  const fromMae = format.startsWith('ppma-mae');
  const cfg = { ...stored, ...(fromMae ? { classes: 0, dropPath: 0 } : {}), ...overrides } as VitConfigInput;
  for (const k of REQUIRED_CONFIG_KEYS)
    if (cfg[k] === undefined)
      throw new ModelError(`${file}: no model config in the metadata; pass options.config with ${k}`, { file });
  return cfg;
}
