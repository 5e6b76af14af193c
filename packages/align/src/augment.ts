/**
 * Training and evaluation views of clips (docs/ARCHITECTURE.md §5 "Stage 2" augmentation, VideoMAE's
 * fine-tuning transforms): random resized crop, optional flip, RandAugment and random erasing per
 * clip; Mixup/CutMix with label smoothing per batch. Evaluation views are centre (or three) crops.
 * Every operation comes from `@ppma/video-io`; this file only composes them.
 */
import type { Rng } from '@ppma/core';
import {
  centerBox,
  cropClip,
  mixupCutmix,
  randAugment,
  randomErasing,
  randomHflip,
  randomResizedCropBox,
  resizeClip,
  smoothOneHot,
  threeCropBoxes,
  type ClipLike,
} from '@ppma/video-io';
import type { AugmentOptions } from './align-options.js';

/** Output size of the model input. */
export interface FrameSize {
  readonly height: number;
  readonly width: number;
}

function centre(clip: ClipLike, size: FrameSize): ClipLike {
  const w = Math.min(clip.width, size.width);
  const h = Math.min(clip.height, size.height);
  return resizeClip(cropClip(clip, centerBox(clip, w, h)), size.width, size.height);
}

/** One augmented training view of a clip, `size.height x size.width`. */
export function trainView(clip: ClipLike, size: FrameSize, aug: AugmentOptions, rng: Rng): ClipLike {
  let c = aug.scale
    ? resizeClip(
        cropClip(
          clip,
          randomResizedCropBox(clip.width, clip.height, rng.split('crop'), { scale: [aug.scale[0], aug.scale[1]] }),
        ),
        size.width,
        size.height,
      )
    : centre(clip, size);
  if (aug.hflip > 0) c = randomHflip(c, rng.split('flip'), aug.hflip).clip;
  if (aug.randAugment) c = randAugment(c, rng.split('randaug'), aug.randAugment).clip;
  if (aug.randomErasing > 0) c = randomErasing(c, rng.split('erase'), { p: aug.randomErasing }).clip;
  return c;
}

/** Evaluation views of a clip: a centre crop (`crops` 1) or three crops along the long side (`crops` 3). */
export function evalViews(clip: ClipLike, size: FrameSize, crops: 1 | 3): ClipLike[] {
  if (crops === 1) return [centre(clip, size)];
  const side = Math.min(clip.width, clip.height, Math.max(size.width, size.height));
  return threeCropBoxes(clip, side).map((b) => resizeClip(cropClip(clip, b), size.width, size.height));
}

/** A training batch as uint8 clips `[B, T, H, W, 3]` and soft targets `[B, K]`. */
export interface TrainBatch {
  readonly clips: Uint8Array;
  readonly targets: Float32Array;
  readonly labels: Int32Array;
  readonly size: number;
  readonly mix: 'none' | 'mixup' | 'cutmix';
}

/** Stacks training views and applies Mixup/CutMix (or plain smoothed one-hot targets). */
export function mixBatch(
  views: readonly ClipLike[],
  labels: Int32Array,
  numClasses: number,
  aug: AugmentOptions,
  rng: Rng,
): TrainBatch {
  const { frames, height, width } = views[0];
  const per = frames * height * width * 3;
  const clips = new Uint8Array(views.length * per);
  views.forEach((v, b) => clips.set(v.data, b * per));
  const mixing = (aug.mixup > 0 || aug.cutmix > 0) && aug.mixProb > 0 && views.length > 1;
  if (!mixing)
    return {
      clips,
      targets: smoothOneHot(labels, numClasses, aug.labelSmoothing),
      labels,
      size: views.length,
      mix: 'none',
    };
  const m = mixupCutmix(clips, labels, { frames, height, width }, rng, {
    numClasses,
    mixupAlpha: aug.mixup,
    cutmixAlpha: aug.cutmix,
    prob: aug.mixProb,
    labelSmoothing: aug.labelSmoothing,
  });
  return { clips: m.clips, targets: m.targets, labels, size: views.length, mix: m.kind };
}
