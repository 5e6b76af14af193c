/**
 * One reconstruction preview during pre-training: run the MAE (no gradient) on a few fixed clips
 * with a fixed mask stream and write the PNG.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@ppma/core';
import { toTensor, type ClipLike } from '@ppma/video-io';
import { drawMaskBatch, type MaskingSpec } from './masking/masking.js';
import { tokenGrid } from './masking/mask-geometry.js';
import { maskIndices } from './mask-indices.js';
import { writePreviewPng, type PreviewClip } from './reconstruction-preview.js';
import type { VideoMAE } from './video-mae.js';

/** Writes a preview of `clips` to `file`; returns the reconstruction loss on them. */
export function writeMaePreview(
  mae: VideoMAE,
  clips: readonly ClipLike[],
  masking: MaskingSpec,
  rng: Rng,
  file: string,
): number {
  const c = mae.config;
  const grid = tokenGrid(c);
  const masks = drawMaskBatch(masking, { kind: 'none' }, grid, clips.length, rng);
  const x = toTensor(clips); // [B, T, H, W, 3]
  const out = mae.forward(x, masks.hidden);
  const n = grid.t * grid.h * grid.w;
  const ix = maskIndices(masks.hidden, undefined, clips.length, n);
  const pixels = x.dataSync() as Float32Array;
  const pred = out.pred.dataSync() as Float32Array;
  const loss = out.loss.dataSync()[0];
  const per = c.frames * c.height * c.width * 3;
  const pv = pred.length / (clips.length * ix.nr);
  const items: PreviewClip[] = clips.map((_, b) => ({
    pixels: pixels.slice(b * per, (b + 1) * per),
    hidden: masks.hidden.slice(b * n, (b + 1) * n),
    pred: pred.slice(b * ix.nr * pv, (b + 1) * ix.nr * pv),
    reconTokens: ix.reconTok.slice(b * ix.nr, (b + 1) * ix.nr),
    normalised: c.normPixLoss,
  }));
  writePreviewPng(file, c, items);
  tf.dispose([x, out.pred, out.target, out.loss]);
  return loss;
}
