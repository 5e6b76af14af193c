/**
 * Ground truth that `@ppma/synth` writes beside its "real"-style videos: the person masks (for the
 * `oracle` segmenter) and the clean background (for the audit's PSNR/SSIM). Loaded through the
 * synth package's public API when it provides it.
 */
import { ConfigError } from '@ppma/core';
import type { MaskBatch } from './frames.js';

interface SynthApi {
  readSynthMasks?: (videoPath: string) => Promise<MaskBatch>;
  synthCompanions?: (videoPath: string) => { mask?: string | null; clean?: string | null } | Promise<{ mask?: string | null; clean?: string | null } | null> | null;
}

async function synthApi(): Promise<SynthApi> {
  return (await import('@ppma/synth')) as SynthApi;
}

/** The ground-truth person masks of a synthetic video (255 = person); throws when it has none. */
export async function loadOracleMasks(videoPath: string): Promise<MaskBatch> {
  const api = await synthApi();
  if (typeof api.readSynthMasks !== 'function') {
    throw new ConfigError('segmenter', `the oracle segmenter needs ground-truth masks, and @ppma/synth provides no readSynthMasks() to load them for ${videoPath}`);
  }
  try {
    return await api.readSynthMasks(videoPath);
  } catch (e) {
    throw new ConfigError('segmenter', `no ground-truth masks for ${videoPath} (the oracle segmenter works on synthetic videos only): ${(e as Error).message}`, { cause: e });
  }
}

/** Path of the clean background video of a synthetic video, or null when it has none. */
export async function synthCleanPlate(videoPath: string): Promise<string | null> {
  const api = await synthApi();
  if (typeof api.synthCompanions !== 'function') return null;
  try {
    const c = await api.synthCompanions(videoPath);
    return c?.clean ?? null;
  } catch {
    return null;
  }
}

