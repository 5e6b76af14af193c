/**
 * The pipeline's privacy audit of a removal run (`auditOutputs`, here through `importRemoval`):
 * in the tiny preset's embedded world the detector re-detection is skipped (one line says why)
 * while PSNR/SSIM against the clean plates are kept; items are named by their relative path, so two
 * videos with the same file name in different folders keep apart; and the removal's models reach
 * the audit report.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@ppma/core';
import { encodeVideo } from '@ppma/video-io';
import { writeSynthClean, writeSynthMasks } from '@ppma/synth';
import { auditItemName, importRemoval } from '../src/pipeline/stage-runs.js';
import { parsePipelineConfig } from '../src/pipeline/config.js';
import { resolvePipelineSettings } from '../src/pipeline/presets.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-audit-outputs-'));
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const T = 8;
const S = 32;

/** A clip of a gray background with a bright square (the "person"), its clean plate and its mask. */
async function syntheticPair(sub: string): Promise<{ input: string; output: string }> {
  const bg = new Uint8Array(T * S * S * 3);
  for (let i = 0; i < bg.length; i++) bg[i] = 60 + ((i * 7) % 50);
  const withPerson = bg.slice();
  const masks = new Uint8Array(T * S * S);
  for (let t = 0; t < T; t++)
    for (let y = 10; y < 20; y++)
      for (let x = 8 + t; x < 16 + t; x++) {
        masks[(t * S + y) * S + x] = 255;
        withPerson.fill(230, ((t * S + y) * S + x) * 3, ((t * S + y) * S + x) * 3 + 3);
      }
  const input = path.join(tmp, 'in', sub, 'clip.mkv');
  const output = path.join(tmp, 'nh', sub, 'clip.mkv');
  await encodeVideo(input, withPerson, { width: S, height: S, fps: 8, lossless: true });
  await writeSynthMasks(input, masks, T, S, S);
  await writeSynthClean(input, bg, T, S, S);
  // A near-perfect removal: the clean plate, off by a little inside the mask.
  const removed = bg.slice();
  for (let i = 0; i < masks.length; i++) if (masks[i]) removed[3 * i] = Math.min(255, removed[3 * i] + 6);
  await encodeVideo(output, removed, { width: S, height: S, fps: 8, lossless: true });
  return { input, output };
}

describe('auditOutputs', () => {
  it('names items by relative path', () => {
    expect(auditItemName('a/clip.mkv')).toBe('a__clip');
    expect(auditItemName('b/sub/clip.mp4')).toBe('b__sub__clip');
    expect(auditItemName('clip.mp4')).toBe('clip');
  });

  it('is off for the detectors only in the tiny embedded world, and audit.detectors forces it', () => {
    expect(resolvePipelineSettings(parsePipelineConfig({})).auditDetectors).toBe(false);
    expect(resolvePipelineSettings(parsePipelineConfig({ audit: { detectors: true } })).auditDetectors).toBe(true);
    expect(resolvePipelineSettings(parsePipelineConfig({ preset: 'small' })).auditDetectors).toBe(true);
  });

  it('skips re-detection, keeps PSNR/SSIM, keeps same-named videos apart and passes the removal models', async () => {
    const pairs = [await syntheticPair('a'), await syntheticPair('b')];
    const nh = path.join(tmp, 'nh');
    const summary = {
      segmenter: 'oracle',
      licence: 'n/a',
      shard: '0/1',
      videos: 2,
      processed: 2,
      skipped: 0,
      failed: [],
      frames: 2 * T,
      seconds: 1,
      fps: 2 * T,
      outputs: pairs.map((p) => ({
        input: p.input,
        output: path.relative(nh, p.output),
        frames: T,
        framesWritten: T,
        writtenFrames: Array.from({ length: T }, (_, t) => t),
        maskedFraction: 0.1,
        cuts: 0,
        unrecoverable: 0,
      })),
      cuts: 0,
      unrecoverable: { policy: 'drop', frames: 0, fraction: 0 },
      removalModels: ['oracle'],
    };
    fs.writeFileSync(path.join(nh, 'report.json'), JSON.stringify(summary));
    const dir = path.join(tmp, 'stage');
    const r = await importRemoval(
      { segmenter: 'oracle', auditVideos: 2, auditDetectors: false, folder: nh },
      path.join(nh, 'train.csv'),
      { dir, resume: false, progress: false },
    );
    expect(r.audit.detectorsSkipped).toBe(
      "detector audit skipped: clips of 32 px are below the detectors' input scale; `audit.detectors: true` forces it",
    );
    expect(r.audit.videos).toBe(2);
    expect(r.audit.meanPsnr).toBeGreaterThan(25);
    expect(r.audit.meanPsnr).toBeLessThan(80);
    expect(r.audit.meanSsim).toBeGreaterThan(0.5);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'audit', 'audit.json'), 'utf8')) as {
      videos: { name: string; sheet: string }[];
      models: { removal: string[]; audit: string[] };
    };
    expect(report.videos.map((v) => v.name)).toEqual(['a__clip', 'b__clip']);
    for (const v of report.videos) expect(fs.existsSync(v.sheet)).toBe(true);
    expect(report.models).toEqual({ removal: ['oracle'], audit: [] });
  }, 120_000);
});
