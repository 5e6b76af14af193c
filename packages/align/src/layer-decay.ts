/**
 * Layer-wise learning-rate decay (BEiT; VideoMAE fine-tuning, docs/ARCHITECTURE.md §5: 0.75): parameter
 * group `i` of `L + 1` (patch embedding = 0, block `k` = k + 1, `fc_norm` and heads = L + 1)
 * trains at `decay^(L + 1 - i)` times the base learning rate.
 */

/** The layer id of a parameter in a ViT of `depth` blocks. */
export function layerId(name: string, depth: number): number {
  if (name.startsWith('patch_embed.')) return 0;
  const m = /^blocks\.(\d+)\./.exec(name);
  if (m) return Number(m[1]) + 1;
  return depth + 1;
}

/** A per-parameter learning-rate multiplier for `AdamW({ lrScale })`. */
export function layerDecayScale(depth: number, decay: number): (name: string) => number {
  return (name) => decay ** (depth + 1 - layerId(name, depth));
}
