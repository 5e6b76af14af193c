/**
 * `.pth` to safetensors (the `ppma convert` command): the state dict of a `torch.save` file, read by
 * the restricted unpickler, written with its names and dtypes (float64 narrowed to float32) and the
 * provenance in the metadata. The result loads with `VideoViT.load`, `VideoMAE.load` and any
 * safetensors reader.
 */
import path from 'node:path';
import { writeSafetensors } from '@ppma/core';
import { readPthStateDict, type PthStateDictOptions } from './state-dict.js';

/** What {@link convertPth} did. */
export interface ConvertReport {
  readonly tensors: number;
  readonly bytes: number;
  /** Where the state dict was in the file (`model`, `state_dict`, … or `''`). */
  readonly path: string;
  /** Entries left out (optimizer state, epochs, EMA copies, non-tensors). */
  readonly skipped: readonly string[];
}

/** Converts `input` (`.pth`/`.pt`) to the safetensors file `output` (written atomically). */
export async function convertPth(
  input: string,
  output: string,
  options: PthStateDictOptions = {},
): Promise<ConvertReport> {
  const sd = await readPthStateDict(input, options);
  let bytes = 0;
  for (const t of sd.tensors.values()) bytes += t.data.byteLength;
  await writeSafetensors(output, sd.tensors, {
    format: 'pth-import/1',
    source: path.basename(input),
    state_dict: sd.path,
  });
  return { tensors: sd.tensors.size, bytes, path: sd.path, skipped: sd.skipped };
}
