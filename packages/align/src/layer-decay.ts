/**
 * Layer-wise learning-rate decay (BEiT; VideoMAE fine-tuning, docs/ARCHITECTURE.md §5: 0.75): parameter
 * group `i` of `L + 1` (patch embedding = 0, block `k` = k + 1, `fc_norm` and heads = L + 1, as
 * `@ppma/vit`'s `layerId` groups them) trains at `decay^(L + 1 - i)` times the base learning rate.
 */
import { layerId } from '@ppma/vit';

/** A per-parameter learning-rate multiplier for `AdamW({ lrScale })`. */
export function layerDecayScale(depth: number, decay: number): (name: string) => number {
  return (name) => decay ** (depth + 1 - layerId(name, depth));
}
