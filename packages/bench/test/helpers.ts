/** Test data: tiny colour-coded videos (a trivially separable task) and a tiny random ViT checkpoint. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Rng } from '@ppma/core';
import { encodeVideo, type Manifest } from '@ppma/video-io';
import { VideoViT, type VitConfigInput } from '@ppma/vit';
import { TINY_TRUNK_16 } from '../../../tools/test/reference.js';

/** A ViT small enough for tests: 4x16x16 clips, 8 tokens (the repository's shared tiny trunk). */
export const TINY_VIT: VitConfigInput = { ...TINY_TRUNK_16 };

/** Class colours (RGB). */
const COLOURS: [number, number, number][] = [
  [220, 40, 40],
  [40, 200, 60],
  [50, 70, 230],
  [230, 210, 40],
];

/**
 * Writes `perClass` train and `valPerClass` val videos per class (`classes` <= 4): 6 frames of
 * 20x20, the class colour with per-video brightness jitter and pixel noise. Returns the manifests.
 */
export async function makeColourTask(
  dir: string,
  o: { classes?: number; perClass?: number; valPerClass?: number; seed?: number } = {},
): Promise<{ train: Manifest; val: Manifest; labels: string[] }> {
  const classes = o.classes ?? 3;
  const labels = ['red', 'green', 'blue', 'yellow'].slice(0, classes);
  const rng = new Rng(o.seed ?? 1);
  const T = 6;
  const S = 20;
  const make = async (split: 'train' | 'val', n: number): Promise<Manifest> => {
    const entries = [];
    for (let c = 0; c < classes; c++) {
      for (let i = 0; i < n; i++) {
        const data = new Uint8Array(T * S * S * 3);
        const gain = rng.uniform(0.7, 1.1);
        for (let p = 0; p < T * S * S; p++)
          for (let ch = 0; ch < 3; ch++)
            data[p * 3 + ch] = Math.max(0, Math.min(255, Math.round(COLOURS[c][ch] * gain + rng.normal(0, 12))));
        const path = join(dir, split, `${labels[c]}_${i}.mp4`);
        await encodeVideo(path, data, { width: S, height: S, fps: 10 });
        entries.push({ path, label: c, labelName: labels[c] });
      }
    }
    return { entries, labels };
  };
  await mkdir(dir, { recursive: true });
  const train = await make('train', o.perClass ?? 6);
  const val = await make('val', o.valPerClass ?? 3);
  return { train, val, labels };
}

/** Saves a randomly initialised tiny ViT (no head) as a checkpoint. */
export async function saveTinyCheckpoint(file: string, seed = 3): Promise<void> {
  const vit = VideoViT.create({ ...TINY_VIT, classes: 0 }, { seed });
  await vit.save(file, { stage: 'test' });
  vit.dispose();
}

/** Writes an ES module plugin file exporting `source` as its default. */
export async function writePlugin(file: string, source: string): Promise<string> {
  await writeFile(file, source);
  return file;
}
