/**
 * Key mappings for checkpoints from other codebases (docs/ARCHITECTURE.md §4), onto our PyTorch names:
 * - `mae`: our/VideoMAE pre-training checkpoints: `encoder.*` becomes the classifier trunk; the
 *   decoder, `encoder_to_decoder`, `mask_token` and `encoder.norm` are dropped, as the paper's
 *   fine-tuning does (mean pooling uses a fresh `fc_norm`);
 * - `videomae`: `attn.q_bias` / `attn.v_bias` become `attn.qkv.bias` with a zero k bias;
 * - `trunk`: OmniMAE / PPMA `trunk.*` names: `patch_embed.proj.1` (the Conv3d after PadIm2Video)
 *   becomes `patch_embed.proj`, `trunk.norm` (applied after mean pooling) becomes `fc_norm`, PPMA's
 *   `heads.<i>.0` (a Linear in a Sequential) becomes `heads.<i>`; the pre-training decoder, its
 *   pixel `head` and `mask_token` are dropped.
 * Before mapping, {@link unwrapKeys} strips the wrappers a training script adds to every key
 * (`module.` of DataParallel/DDP, `model.` of Lightning, `_orig_mod.` of torch.compile), and fixed
 * sinusoid `pos_embed` buffers are dropped once checked against our table.
 */
import { match } from 'ts-pattern';
import { CheckpointError } from '@ppma/core';
import type { TorchTensor } from './param-store.js';
import { sinusoidTable } from './layers/sinusoid-table.js';

/** Where a checkpoint comes from. */
export type CheckpointSource = 'vit' | 'mae' | 'videomae' | 'trunk';

/** Prefixes that wrappers add to every key of a state dict, stripped by {@link unwrapKeys}. */
export const WRAPPER_PREFIXES = ['module.', 'model.', '_orig_mod.'] as const;

/** Guesses the source from the key names. */
export function detectSource(keys: Iterable<string>): CheckpointSource {
  const all = [...unwrapKeys(new Map([...keys].map((k) => [k, k]))).keys()];
  if (all.some((k) => k.startsWith('trunk.'))) return 'trunk';
  if (all.some((k) => k.startsWith('encoder.blocks.') || k.startsWith('encoder.patch_embed.'))) return 'mae';
  if (all.some((k) => k.endsWith('.q_bias'))) return 'videomae';
  return 'vit';
}

/** Strips a wrapper prefix ({@link WRAPPER_PREFIXES}) shared by every key, repeatedly (`module.model.`). */
export function unwrapKeys<T>(src: ReadonlyMap<string, T>): Map<string, T> {
  let map = new Map(src);
  for (;;) {
    const keys = [...map.keys()];
    const p = WRAPPER_PREFIXES.find((w) => keys.length > 0 && keys.every((k) => k.startsWith(w)));
    if (!p) return map;
    map = new Map([...map].map(([k, v]) => [k.slice(p.length), v]));
  }
}

/** Merges `q_bias` / `v_bias` pairs into `qkv.bias` with a zero k bias. */
function mergeQvBias(map: Map<string, TorchTensor>): void {
  for (const k of [...map.keys()]) {
    if (!k.endsWith('.q_bias')) continue;
    const base = k.slice(0, -'q_bias'.length);
    const q = map.get(k)!;
    const v = map.get(`${base}v_bias`);
    if (!v) continue;
    const d = q.shape[0];
    const data = new Float32Array(q.data.length === 0 ? 0 : 3 * d);
    if (data.length) {
      data.set(q.data, 0);
      data.set(v.data, 2 * d);
    }
    map.set(`${base}qkv.bias`, { shape: [3 * d], data });
    map.delete(k);
    map.delete(`${base}v_bias`);
  }
}

/**
 * Checks that a `pos_embed` buffer (`[1, N, D]` or `[N, D]`) is the fixed sinusoid table our model
 * computes; learned position embeddings have no place in this architecture.
 */
function checkSinusoid(name: string, t: TorchTensor): void {
  if (t.data.length === 0) return; // header-only maps carry no data
  const d = t.shape[t.shape.length - 1];
  const n = t.data.length / d;
  const ref = sinusoidTable(n, d);
  for (let i = 0; i < ref.length; i++)
    if (Math.abs(ref[i] - t.data[i]) > 1e-5)
      throw new CheckpointError(
        name,
        `"${name}" is not the fixed sinusoid table (learned position embeddings are not supported)`,
      );
}

const POS_KEYS = new Set(['pos_embed', 'trunk.pos_embed', 'encoder.pos_embed']);

function renameTrunk(keys: readonly string[]): (k: string) => string | null {
  const pretraining = keys.some((k) => k.startsWith('trunk.decoder.'));
  return (k) => {
    if (k.startsWith('trunk.')) {
      const r = k.slice('trunk.'.length);
      if (r.startsWith('decoder.') || r === 'mask_token' || r === 'cls_token') return null;
      if (r.startsWith('norm.')) return `fc_norm.${r.slice('norm.'.length)}`;
      return r.replace(/^patch_embed\.proj\.1\./, 'patch_embed.proj.');
    }
    if (k.startsWith('head.')) return pretraining ? null : k; // a pre-training `head` predicts pixels
    const m = /^heads\.([^.]+)\.(?:\d+\.)?(weight|bias)$/.exec(k);
    return m ? `heads.${m[1]}.${m[2]}` : null;
  };
}

/**
 * Renames the keys of a checkpoint (already stripped of any outer prefix) to our classifier
 * names. Keys that have no counterpart are dropped.
 * @throws CheckpointError when a `pos_embed` is not the fixed sinusoid table.
 */
export function toClassifierKeys(
  src: ReadonlyMap<string, TorchTensor>,
  from: CheckpointSource,
): Map<string, TorchTensor> {
  src = unwrapKeys(src);
  const out = new Map<string, TorchTensor>();
  const rename = match(from)
    .with(
      'vit',
      'videomae',
      () =>
        (k: string): string | null =>
          k,
    )
    .with('mae', () => (k: string): string | null => {
      if (!k.startsWith('encoder.') || k.startsWith('encoder.norm.')) return null;
      return k.slice('encoder.'.length);
    })
    .with('trunk', () => renameTrunk([...src.keys()]))
    .exhaustive();
  for (const [k, v] of src) {
    if (POS_KEYS.has(k)) {
      checkSinusoid(k, v);
      continue;
    }
    const r = rename(k);
    if (r !== null) out.set(r, v);
  }
  mergeQvBias(out);
  return out;
}

/**
 * The keys of a VideoMAE-style pre-training checkpoint in our MAE's names: wrappers stripped and
 * `q_bias`/`v_bias` merged in encoder and decoder blocks. Our MAE and VideoMAE's share every other
 * name (`encoder.*`, `encoder_to_decoder.weight`, `mask_token`, `decoder.*`).
 * @throws CheckpointError for OmniMAE/PPMA `trunk.*` files, whose decoder is built differently.
 */
export function toMaeKeys(src: ReadonlyMap<string, TorchTensor>): Map<string, TorchTensor> {
  const map = unwrapKeys(src);
  if ([...map.keys()].some((k) => k.startsWith('trunk.')))
    throw new CheckpointError(
      'state dict',
      'an OmniMAE/PPMA trunk.* checkpoint: its decoder (mask tokens at the encoder width, decoder_embed with ' +
        'a bias) differs from this MAE; import its trunk as a classifier instead',
    );
  for (const k of POS_KEYS) {
    const t = map.get(k);
    if (t) checkSinusoid(k, t);
    map.delete(k);
  }
  mergeQvBias(map);
  return map;
}
