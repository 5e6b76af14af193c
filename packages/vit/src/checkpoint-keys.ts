/**
 * Key mappings for checkpoints from other codebases (docs/ARCHITECTURE.md §4), onto our PyTorch names:
 * - `mae`: our/VideoMAE pre-training checkpoints: `encoder.*` becomes the classifier trunk; the
 *   decoder, `encoder_to_decoder`, `mask_token` and `encoder.norm` are dropped, as the paper's
 *   fine-tuning does (mean pooling uses a fresh `fc_norm`);
 * - `videomae`: `attn.q_bias` / `attn.v_bias` become `attn.qkv.bias` with a zero k bias;
 * - `trunk`: OmniMAE / PPMA `trunk.*` names (and their `patch_embed.proj.1` Conv3d).
 */
import { match } from 'ts-pattern';
import type { TorchTensor } from './param-store.js';

/** Where a checkpoint comes from. */
export type CheckpointSource = 'vit' | 'mae' | 'videomae' | 'trunk';

/** Guesses the source from the key names. */
export function detectSource(keys: Iterable<string>): CheckpointSource {
  const all = [...keys];
  if (all.some((k) => k.startsWith('trunk.'))) return 'trunk';
  if (all.some((k) => k.startsWith('encoder.blocks.') || k.startsWith('encoder.patch_embed.'))) return 'mae';
  if (all.some((k) => k.endsWith('.q_bias'))) return 'videomae';
  return 'vit';
}

/** Merges `q_bias` / `v_bias` pairs into `qkv.bias` with a zero k bias. */
function mergeQvBias(map: Map<string, TorchTensor>): void {
  for (const k of [...map.keys()]) {
    if (!k.endsWith('.q_bias')) continue;
    const base = k.slice(0, -'q_bias'.length);
    const q = map.get(k)!;
    const v = map.get(`${base}v_bias`);
    if (!v) continue;
    const d = q.data.length;
    const data = new Float32Array(3 * d);
    data.set(q.data, 0);
    data.set(v.data, 2 * d);
    map.set(`${base}qkv.bias`, { shape: [3 * d], data });
    map.delete(k);
    map.delete(`${base}v_bias`);
  }
}

/**
 * Renames the keys of a checkpoint (already stripped of any outer prefix) to our classifier
 * names. Keys that have no counterpart are dropped.
 */
export function toClassifierKeys(
  src: ReadonlyMap<string, TorchTensor>,
  from: CheckpointSource,
): Map<string, TorchTensor> {
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
    .with('trunk', () => (k: string): string | null => {
      if (!k.startsWith('trunk.')) return k.startsWith('head') ? k : null;
      return k.slice('trunk.'.length).replace('patch_embed.proj.1.', 'patch_embed.proj.');
    })
    .exhaustive();
  for (const [k, v] of src) {
    const r = rename(k);
    if (r !== null) out.set(r, v);
  }
  mergeQvBias(out);
  return out;
}
