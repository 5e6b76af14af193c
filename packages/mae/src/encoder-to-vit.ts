/**
 * Stage 1 -> stage 2 hand-over (docs/ARCHITECTURE.md §5): the MAE encoder becomes the classifier trunk
 * (`encoder.*` -> classifier names), the decoder is dropped, and `fc_norm` and the heads start
 * fresh, as the paper's fine-tuning does.
 */
import { ModelError } from '@ppma/core';
import { VideoViT, toClassifierKeys, type VitConfigInput } from '@ppma/vit';
import { encoderConfig } from './mae-config.js';
import type { VideoMAE } from './video-mae.js';

/**
 * A classifier initialised from an MAE: a live {@link VideoMAE}, or the path of an MAE checkpoint.
 * `config` overrides the classifier config (e.g. `classes`, `dropPath`).
 */
export async function encoderToVit(source: VideoMAE | string, config: Partial<VitConfigInput> = {}): Promise<VideoViT> {
  if (typeof source === 'string') return VideoViT.load(source, { from: 'mae', config });
  const vit = VideoViT.create({ ...encoderConfig(source.config), ...config });
  const missing = vit.loadStateDict(toClassifierKeys(source.stateDict(), 'mae'), { strict: false });
  const trunk = missing.filter((k) => !k.startsWith('head') && !k.startsWith('fc_norm.'));
  if (trunk.length) throw new ModelError(`MAE encoder lacks ${trunk.join(', ')}`);
  return vit;
}
