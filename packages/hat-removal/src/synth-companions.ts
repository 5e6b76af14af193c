/**
 * Ground truth that `@ppma/synth` writes beside its "real"-style videos: the person masks (for the
 * `oracle` segmenter) and the clean background (for the audit's PSNR/SSIM).
 */
import { ConfigError } from '@ppma/core';
import { readSynthClean, readSynthMasks, synthCompanions } from '@ppma/synth';
import type { FrameBatch, MaskBatch } from './frames.js';

/** The ground-truth person masks of a synthetic video (255 = person); throws when it has none. */
export async function loadOracleMasks(videoPath: string): Promise<MaskBatch> {
  try {
    return await readSynthMasks(videoPath);
  } catch (e) {
    throw new ConfigError(
      'segmenter',
      `the oracle segmenter needs ground-truth masks (synthetic videos only): ${(e as Error).message}`,
      { cause: e },
    );
  }
}

/** The clean background frames of a synthetic video, or null when it has none. */
export async function loadSynthClean(videoPath: string): Promise<FrameBatch | null> {
  if (synthCompanions(videoPath).clean === null) return null;
  return readSynthClean(videoPath);
}
