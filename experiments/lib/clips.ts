/**
 * Rendered clips of the embedded world for the issue-13 experiments (docs/ARCHITECTURE.md §9): the
 * same generator, seed and (dataset, split, class, index) stream as the default run's data stage,
 * rendered in memory at the tiny geometry and cached on disk so that every probe sees the same
 * clips. Validation clips `val/<class>/<k>` for k < 25 are the default run's validation videos
 * (before mp4 encoding); training clips k < 6 are its training videos, k >= 6 are more clips of the
 * same distribution (a larger training set for the learning curves; the validation set is unchanged).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOWNSTREAM_TASKS, planClip, renderClip } from '@ppma/synth';
import type { DatasetSpec } from '@ppma/synth';

/** The tiny preset's clip geometry (the default run's data stage). */
export const GEOM = { width: 32, height: 32, frames: 16, fps: 8 } as const;

/** One rendered clip: `[T, H, W, 3]` uint8 and its class. */
export interface Clip {
  readonly video: Uint8Array;
  readonly label: number;
  readonly id: string;
}

/** The downstream task named `name`, or a RangeError naming the known ones. */
export function taskSpec(name: string): DatasetSpec {
  const ds = DOWNSTREAM_TASKS.find((d) => d.name === name);
  if (!ds) throw new RangeError(`unknown task '${name}' (known: ${DOWNSTREAM_TASKS.map((d) => d.name).join(', ')})`);
  return ds;
}

/**
 * Clips `0 .. perClass - 1` of every class of a split, class-major, rendered with seed 0 (the
 * default run's seed) and cached under `cacheDir/<task>/<split>-<class>-<k>.u8`.
 */
export function clips(task: string, split: 'train' | 'val', perClass: number, cacheDir: string): Clip[] {
  const ds = taskSpec(task);
  const dir = join(cacheDir, task);
  mkdirSync(dir, { recursive: true });
  const out: Clip[] = [];
  for (let c = 0; c < ds.classes.length; c++)
    for (let k = 0; k < perClass; k++) {
      const file = join(dir, `${split}-${c}-${k}.u8`);
      let video: Uint8Array;
      if (existsSync(file)) video = new Uint8Array(readFileSync(file));
      else {
        video = renderClip(planClip(ds, GEOM, 0, split, c, k)).video;
        writeFileSync(file, video);
      }
      out.push({ video, label: c, id: `${task}/${split}/${c}/${k}` });
    }
  return out;
}
