/** Test helpers: tiny labelled video datasets written with ffmpeg, and a tiny ViT config. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@ppma/core';
import { encodeVideo, writePpmaCsv, type Manifest } from '@ppma/video-io';
import type { VitConfigInput } from '@ppma/vit';
import { TINY_TRUNK_16 } from '../../../tools/test/reference.js';

/** 4 x 32 x 32 clips, tubelet 2x8x8 (32 tokens), 2 blocks of width 32. */
export const TINY_VIT: VitConfigInput = { ...TINY_TRUNK_16, height: 32, width: 32 };

/** Per-class base colours: trivially separable by colour. */
const COLOURS: [number, number, number][] = [
  [220, 40, 40],
  [40, 60, 220],
  [40, 200, 60],
  [230, 220, 40],
];

/**
 * Writes `perClass` videos of each of `classes` classes (class k: noisy frames around colour k,
 * 6 frames of 32x32, lossless) and a PPMA CSV `<dir>/<name>.csv`; returns the CSV path.
 */
export async function makeDataset(
  dir: string,
  name: string,
  classes: number,
  perClass: number,
  seed: number,
): Promise<string> {
  const rng = new Rng(seed);
  const T = 6;
  const H = 32;
  const W = 32;
  const entries: Manifest['entries'] = [];
  for (let k = 0; k < classes; k++)
    for (let i = 0; i < perClass; i++) {
      const data = new Uint8Array(T * H * W * 3);
      for (let p = 0; p < T * H * W; p++)
        for (let c = 0; c < 3; c++)
          data[p * 3 + c] = Math.max(0, Math.min(255, Math.round(COLOURS[k][c] + rng.normal(0, 20))));
      const file = join(dir, name, `c${k}_${i}.mkv`);
      await encodeVideo(file, data, { width: W, height: H, fps: 10, lossless: true });
      entries.push({ path: file, label: k, labelName: `class${k}` });
    }
  const csv = join(dir, name, `${name}.csv`); // its own folder: writePpmaCsv writes labels.txt beside it
  await writePpmaCsv({ entries, labels: Array.from({ length: classes }, (_, k) => `class${k}`) }, csv);
  return csv;
}

/** Adds a file that is not a video to a dataset folder and returns its path. */
export function makeBrokenVideo(dir: string, name: string): string {
  const file = join(dir, name);
  writeFileSync(file, 'this is not a video\n');
  return file;
}

/** A fresh temporary folder and its cleanup. */
export function tempDir(prefix = 'ppma-align-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
