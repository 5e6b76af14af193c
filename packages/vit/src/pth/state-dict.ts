/**
 * Finding the weights in a checkpoint object (docs/ARCHITECTURE.md §4): training scripts save the state
 * dict under `model` (VideoMAE, PPMA/omnivision), `module` (DDP-era VideoMAE), `state_dict`
 * (Lightning, mmengine) or at the top (OmniMAE), next to optimizer state, EMA weights, epochs and
 * arguments. This picks the state dict, flattens nested dicts (`{'trunk': {...}}` becomes `trunk.*`),
 * and reads the values of its tensors; everything else is listed as skipped.
 */
import { CheckpointError, type SafeTensorInput } from '@ppma/core';
import { PyDict, isTensor, type PyValue, type TensorRef } from './pickle-values.js';
import { openPth, type PthFile } from './read-pth.js';
import { tensorFromStorage } from './tensor-data.js';

/** Where a state dict may sit, in the order they are tried. */
export const STATE_DICT_KEYS = ['model', 'module', 'state_dict', 'model_state_dict', 'model_state', 'net'] as const;

/** Options of {@link readPthStateDict}. */
export interface PthStateDictOptions {
  /** Path of the state dict in the saved dict, dotted (e.g. `model_ema`, `state_dict`); default: found. */
  readonly key?: string;
}

/** The state dict of a `.pth` file. */
export interface PthStateDict {
  /** Tensors by flattened name, in file order. */
  readonly tensors: Map<string, SafeTensorInput>;
  /** Where it was found (`model`, `state_dict`, …; `''` for the top level). */
  readonly path: string;
  /** Entries that are not weights: other top-level entries (`optimizer`, `epoch`, `model_ema`, …) and non-tensors. */
  readonly skipped: string[];
  readonly format: 'zip' | 'legacy';
}

function get(d: PyDict, k: string): PyValue | undefined {
  return d.entries.get(k);
}

function holdsTensors(v: PyValue | undefined): v is PyDict {
  if (!(v instanceof PyDict)) return false;
  for (const x of v.entries.values()) if (isTensor(x) || holdsTensors(x)) return true;
  return false;
}

function flatten(d: PyDict, prefix: string, out: Map<string, TensorRef>, skipped: string[]): void {
  for (const [k, v] of d.entries) {
    const name = `${prefix}${String(k)}`;
    if (isTensor(v)) out.set(name, v);
    else if (v instanceof PyDict) flatten(v, `${name}.`, out, skipped);
    else skipped.push(name);
  }
}

/** Locates the state dict in a checkpoint object. */
export function locateStateDict(
  file: string,
  root: PyValue,
  options: PthStateDictOptions = {},
): { refs: Map<string, TensorRef>; path: string; skipped: string[] } {
  if (!(root instanceof PyDict)) throw new CheckpointError(file, 'the saved object is not a dict of tensors');
  let path = '';
  let sd: PyDict = root;
  if (options.key) {
    let cur: PyValue | undefined = root;
    for (const part of options.key.split('.')) cur = cur instanceof PyDict ? get(cur, part) : undefined;
    if (!holdsTensors(cur)) throw new CheckpointError(file, `has no dict of tensors at "${options.key}"`);
    sd = cur;
    path = options.key;
  } else {
    const direct = [...root.entries.values()].some(isTensor);
    const key = direct ? undefined : STATE_DICT_KEYS.find((k) => holdsTensors(get(root, k)));
    if (key) {
      sd = get(root, key) as PyDict;
      path = key;
    } else if (!holdsTensors(root)) throw new CheckpointError(file, 'holds no tensors');
  }
  const skipped: string[] = [];
  if (path) for (const k of root.entries.keys()) if (String(k) !== path.split('.')[0]) skipped.push(String(k));
  const refs = new Map<string, TensorRef>();
  flatten(sd, '', refs, skipped);
  return { refs, path, skipped };
}

async function readTensors(pth: PthFile, refs: Map<string, TensorRef>): Promise<Map<string, SafeTensorInput>> {
  const cache = new Map<string, Uint8Array>();
  const out = new Map<string, SafeTensorInput>();
  for (const [name, ref] of refs) {
    const id = `${ref.storage.key}@${ref.storage.offset}`;
    let bytes = cache.get(id);
    if (!bytes) {
      bytes = await pth.storageBytes(ref.storage);
      cache.set(id, bytes);
    }
    out.set(name, tensorFromStorage(ref, bytes));
  }
  return out;
}

/**
 * Reads the state dict of a `torch.save` file: no pickled code runs (see unpickler.ts).
 * @throws UnsafePickleError naming a refused global; CheckpointError for anything else.
 */
export async function readPthStateDict(file: string, options: PthStateDictOptions = {}): Promise<PthStateDict> {
  const pth = await openPth(file);
  try {
    const { refs, path, skipped } = locateStateDict(file, pth.root, options);
    return { tensors: await readTensors(pth, refs), path, skipped, format: pth.format };
  } finally {
    await pth.close();
  }
}
