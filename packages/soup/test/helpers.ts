/** Test helpers for soups: tiny ViT checkpoints and in-memory labelled clips. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@ppma/core';
import { VideoViT, type VitConfigInput } from '@ppma/vit';
import { TINY_TRUNK_16 } from '../../../tools/test/reference.js';

/** 4 x 32 x 32 clips, tubelet 2x8x8 (32 tokens), 2 blocks of width 32: the shared tiny trunk at 32 x 32. */
export const TINY_VIT: VitConfigInput = { ...TINY_TRUNK_16, height: 32, width: 32 };

/** Writes a fresh tiny VideoViT (seeded) with the given heads; returns its path. */
export async function makeCheckpoint(
  dir: string,
  name: string,
  seed: number,
  classes: VitConfigInput['classes'] = 3,
  config: Partial<VitConfigInput> = {},
): Promise<string> {
  const vit = VideoViT.create({ ...TINY_VIT, ...config, classes }, { seed });
  const file = join(dir, `${name}.safetensors`);
  await vit.save(file, { stage: 'test', data: { name } });
  vit.dispose();
  return file;
}

const COLOURS: [number, number, number][] = [
  [220, 40, 40],
  [40, 60, 220],
  [40, 200, 60],
];

/** `perClass` noisy clips of each colour class, `[N, 4, 32, 32, 3]` RGB24. */
export function colourClips(
  perClass: number,
  classes: number,
  seed: number,
): { clips: Uint8Array; labels: Int32Array } {
  const rng = new Rng(seed);
  const per = 4 * 32 * 32 * 3;
  const n = perClass * classes;
  const clips = new Uint8Array(n * per);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % classes;
    labels[i] = k;
    for (let p = 0; p < per; p++)
      clips[i * per + p] = Math.max(0, Math.min(255, Math.round(COLOURS[k][p % 3] + rng.normal(0, 25))));
  }
  return { clips, labels };
}

/** A fresh temporary folder and its cleanup. */
export function tempDir(prefix = 'ppma-soup-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
