/**
 * The `oracle` segmenter: ground-truth person masks supplied with the data (the synthetic sets of
 * `@ppma/synth` have them). It returns the masks of the frames it is asked for, in order.
 */
import { ConfigError } from '@ppma/core';
import type { FrameBatch, MaskBatch } from './frames.js';
import type { Segmenter } from './segmenter.js';

/** Options of the `oracle` segmenter: the masks of the whole video, `[T, H, W]`, 255 = person. */
export interface OracleConfig {
  readonly masks: MaskBatch;
}

/** Builds the `oracle` segmenter over known masks. */
export function createOracleSegmenter(cfg: OracleConfig): Segmenter {
  const { masks } = cfg;
  if (!masks || !(masks.data instanceof Uint8Array))
    throw new ConfigError('oracle.masks', 'the oracle segmenter needs the ground-truth masks');
  const n = masks.width * masks.height;
  let cursor = 0;
  return {
    info: { name: 'oracle', licence: 'n/a (ground truth)', models: [] },
    async segment(frames: FrameBatch, onFrame?: () => void): Promise<MaskBatch> {
      if (frames.width !== masks.width || frames.height !== masks.height) {
        throw new ConfigError(
          'oracle.masks',
          `masks are ${masks.width}x${masks.height} but frames are ${frames.width}x${frames.height}`,
        );
      }
      if (cursor + frames.frames > masks.frames) {
        throw new ConfigError(
          'oracle.masks',
          `asked for frames ${cursor}..${cursor + frames.frames - 1} but only ${masks.frames} masks exist`,
        );
      }
      const data = masks.data.slice(cursor * n, (cursor + frames.frames) * n);
      cursor += frames.frames;
      for (let t = 0; t < frames.frames; t++) onFrame?.(); // the progress bar moves per frame here too
      return { data, frames: frames.frames, width: frames.width, height: frames.height };
    },
    reset(): void {
      cursor = 0;
    },
    dispose(): void {},
  };
}
