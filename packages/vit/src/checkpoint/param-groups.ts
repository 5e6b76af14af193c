/**
 * Parameter groups of the video ViT by layer (docs/ARCHITECTURE.md §4, §5), in the shape of timm's
 * `group_matcher`: the patch embedding is layer 0, block `k` is layer `k + 1`, and everything after
 * the blocks (`fc_norm`, the heads) is layer `depth + 1`. Layer-wise learning-rate decay and the
 * per-block learned soup both group parameters this way. Heads are what a new task replaces; the
 * trunk is everything else.
 */

/** True for head parameters (`head.*` or `heads.<name>.*`), which soups never average and fresh-head loads drop. */
export function isHeadKey(name: string): boolean {
  return name.startsWith('head.') || name.startsWith('heads.');
}

/** True for parameters a checkpoint must hold for its trunk to be used (not heads, not `fc_norm`). */
export function isRequiredTrunkKey(name: string): boolean {
  return !name.startsWith('head') && !name.startsWith('fc_norm.');
}

/** The layer id of a parameter (classifier names) in a ViT of `depth` blocks: 0 … depth + 1. */
export function layerId(name: string, depth: number): number {
  if (name.startsWith('patch_embed.')) return 0;
  const m = /^blocks\.(\d+)\./.exec(name);
  if (m) return Number(m[1]) + 1;
  return depth + 1;
}

/** The names of the `depth + 2` layer groups, in layer-id order: `patch_embed`, `blocks.0` … `blocks.{depth-1}`, `fc_norm`. */
export function layerGroupNames(depth: number): string[] {
  return ['patch_embed', ...Array.from({ length: depth }, (_, i) => `blocks.${i}`), 'fc_norm'];
}
