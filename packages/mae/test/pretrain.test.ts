/**
 * pretrainMae end to end: in-memory clips (exact resume after a stop, outputs VideoViT.load reads,
 * previews) and a PPMA CSV of real video files decoded with ffmpeg.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, initBackend, readSafetensors } from '@ppma/core';
import { VideoViT } from '@ppma/vit';
import type { ClipLike } from '@ppma/video-io';
import { pretrainMae, type PretrainMaeOptions } from '../src/index.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-mae-pretrain-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  await initBackend();
});

const model = { dim: 32, depth: 2, heads: 2, decoderDim: 32, decoderDepth: 1, decoderHeads: 2 };

function memoryClips(n: number): ClipLike[] {
  const rng = new Rng('clips');
  return Array.from({ length: n }, () => {
    const data = new Uint8Array(8 * 32 * 32 * 3);
    const base = [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)];
    for (let i = 0; i < data.length; i++) data[i] = (base[i % 3] + ((i / 3) % 32) * 4 + rng.int(0, 20)) & 255;
    return { data, frames: 8, height: 32, width: 32 };
  });
}

describe('pretrainMae', () => {
  it('resumes after a stop to the same weights as an uninterrupted run, and writes loadable outputs', async () => {
    const data = { kind: 'clips', clips: memoryClips(8) } as const;
    const common: Omit<PretrainMaeOptions, 'outDir'> = {
      data,
      preset: 'tiny',
      model,
      epochs: 3,
      warmupEpochs: 1,
      videosPerBatch: 2,
      repeats: 2,
      seed: 7,
      progress: false,
      previewClips: 2,
    };
    const full = await pretrainMae({ ...common, outDir: path.join(tmp, 'full') });
    expect(full.steps).toBe(12);
    expect(full.mae).not.toBeNull();

    const dir = path.join(tmp, 'resumed');
    const part = await pretrainMae({ ...common, outDir: dir, stopAfter: 5 });
    expect(part.steps).toBe(5);
    expect(part.mae).toBeNull();
    const rest = await pretrainMae({ ...common, outDir: dir, resume: true });
    expect(rest.resumedFrom).toBe(5);
    expect(rest.steps).toBe(12);

    const a = await readSafetensors(full.mae!);
    const b = await readSafetensors(rest.mae!);
    for (const [k, t] of a.tensors)
      expect(Array.from(b.tensors.get(k)!.data as Float32Array), k).toEqual(Array.from(t.data as Float32Array));

    const enc = await readSafetensors(rest.encoder!);
    expect(
      [...enc.tensors.keys()].some((k) => k.startsWith('decoder') || k.startsWith('encoder') || k === 'mask_token'),
    ).toBe(false);
    const vit = await VideoViT.load(rest.encoder!, { config: { classes: 5 } });
    expect(vit.config).toMatchObject({ dim: 32, depth: 2, frames: 8, height: 32, classes: 5 });
    const fromMae = await VideoViT.load(rest.mae!, { from: 'mae' });
    expect(Array.from(fromMae.stateDict().get('blocks.1.attn.qkv.weight')!.data)).toEqual(
      Array.from(vit.stateDict().get('blocks.1.attn.qkv.weight')!.data),
    );
    vit.dispose();
    fromMae.dispose();

    expect(rest.previews.length).toBeGreaterThan(0);
    const png = PNG.sync.read(fs.readFileSync(rest.previews.at(-1)!));
    expect([png.width, png.height]).toEqual([8 * 34 + 2, 2 * 3 * 34 + 2]);
    const lines = fs
      .readFileSync(rest.metricsFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; step: number });
    expect(lines.filter((l) => l.kind === 'step').map((l) => l.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('trains from a PPMA CSV of video files decoded with ffmpeg', async () => {
    const dir = path.join(tmp, 'videos');
    const lines = writeVideos(dir, 4).map((name, i) => `${name};${i % 2}`);
    fs.writeFileSync(path.join(dir, 'train.csv'), lines.join('\n') + '\n');
    const r = await oneEpoch({ kind: 'manifest', manifest: path.join(dir, 'train.csv') }, path.join(tmp, 'from-csv'));
    expect(r.steps).toBe(2);
    expect(r.skipped).toEqual([]);
    expect(Number.isFinite(r.lastLoss)).toBe(true);
    expect(fs.existsSync(r.encoder!)).toBe(true);
  });

  it('refuses CSV paths outside the CSV folder unless allowOutsideRoot, which it forwards to the reader', async () => {
    const dir = path.join(tmp, 'outside');
    const names = writeVideos(path.join(dir, 'videos'), 2);
    fs.mkdirSync(path.join(dir, 'lists'));
    const csv = path.join(dir, 'lists', 'train.csv');
    fs.writeFileSync(csv, names.map((n, i) => `../videos/${n};${i}`).join('\n') + '\n');
    const run = (allowOutsideRoot: boolean | undefined, out: string) =>
      oneEpoch({ kind: 'manifest', manifest: csv, allowOutsideRoot }, path.join(dir, out));
    await expect(run(undefined, 'refused')).rejects.toMatchObject({
      code: 'PPMA_MANIFEST',
      message: expect.stringMatching(/train\.csv: line 1: path "\.\.\/videos\/v0\.mp4" lies outside the dataset root/),
    });
    const r = await run(true, 'allowed');
    expect(r.steps).toBe(1);
    expect(r.skipped).toEqual([]);
  });
});

/** One epoch of the tiny MAE on `data`, two videos a batch, each once. */
function oneEpoch(data: PretrainMaeOptions['data'], outDir: string): ReturnType<typeof pretrainMae> {
  return pretrainMae({
    data,
    outDir,
    preset: 'tiny',
    model,
    epochs: 1,
    warmupEpochs: 0,
    videosPerBatch: 2,
    repeats: 1,
    progress: false,
  });
}

/** Writes `n` short test-pattern videos `v<i>.mp4` into `dir` (created); returns their names. */
function writeVideos(dir: string, n: number): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return Array.from({ length: n }, (_, i) => {
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `testsrc=size=48x40:rate=10:duration=1.5,hue=h=${i * 60}`,
      '-pix_fmt',
      'yuv420p',
      '-y',
      path.join(dir, `v${i}.mp4`),
    ]);
    return `v${i}.mp4`;
  });
}
