/**
 * Builds a removal output laid out exactly as the `ppma pipeline` stage `remove-humans-<key>/` lays
 * it out (checked against a real stage folder): the run folder mark `.ppma-run`, the stage marker
 * `.done.json`, per-video markers under `.done/`, `report.json` (outputs relative to the folder,
 * inputs absolute in the data stage's folder), the output manifest `train.csv` + `labels.txt`, the
 * videos under `train/<class>/`, the removal masks under `masks/train/<class>/<video>.mkv`, and the
 * audit of a sample of the videos in `audit/audit.json`, written by `auditRemoval`: absolute paths,
 * each video named by its file name (not its relative path), contact sheets beside it.
 * The inputs live in a separate data stage folder (`<data>/pretrain-real/train/<class>/`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { encodeVideo } from '@ppma/video-io';

/** Size and length of the clips. */
export const STAGE_CLIP = { width: 32, height: 32, frames: 8, fps: 8 } as const;

/** The classes and videos of the stage, in report order; `run_001` is audited and flagged. */
export const STAGE_IDS = [
  'train/walk/walk_000.mp4',
  'train/walk/walk_001.mp4',
  'train/run/run_000.mp4',
  'train/run/run_001.mp4',
] as const;

/** The audited sample (as the stage audits a spread of the outputs). */
export const STAGE_AUDITED = ['train/walk/walk_001.mp4', 'train/run/run_001.mp4'] as const;

function frames(seed: number, person: boolean): { rgb: Uint8Array; mask: Uint8Array } {
  const { width: W, height: H, frames: T } = STAGE_CLIP;
  const rgb = new Uint8Array(T * H * W * 3);
  const mask = new Uint8Array(T * H * W);
  for (let t = 0; t < T; t++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const i = (t * H + y) * W + x;
        const inBox = x >= 4 + 2 * t && x < 12 + 2 * t && y >= 8 && y < 28;
        rgb[3 * i] = inBox && person ? 220 : 30 + ((x * 5 + seed * 40) % 100);
        rgb[3 * i + 1] = inBox && person ? 170 : 80 + ((y * 3) % 70);
        rgb[3 * i + 2] = inBox && person ? 140 : 120;
        mask[i] = inBox ? 255 : 0;
      }
  return { rgb, mask };
}

/** Writes the data stage under `data` and the removal stage `stage`; returns the stage folder. */
export async function makePipelineStage(stage: string, data: string): Promise<string> {
  const enc = { width: STAGE_CLIP.width, height: STAGE_CLIP.height, fps: STAGE_CLIP.fps, lossless: true };
  const outputs = [];
  const audited = [];
  for (const [k, id] of STAGE_IDS.entries()) {
    const rel = id.split('/');
    const input = path.join(data, 'pretrain-real', ...rel);
    const withPerson = frames(k, true);
    const removed = frames(k, id === 'train/run/run_001.mp4'); // run_001 keeps its person: the audit flags it
    await encodeVideo(input, withPerson.rgb, enc);
    fs.writeFileSync(input.replace(/\.mp4$/, '.clean.png'), '');
    fs.writeFileSync(input.replace(/\.mp4$/, '.mask.png'), '');
    await encodeVideo(path.join(stage, ...rel), removed.rgb, enc);
    await encodeVideo(path.join(stage, 'masks', ...rel).replace(/\.mp4$/, '.mkv'), withPerson.mask, {
      ...enc,
      gray: true,
    });
    const marker = path.join(stage, '.done', `${path.join(...rel)}.json`);
    fs.mkdirSync(path.dirname(marker), { recursive: true });
    fs.writeFileSync(
      marker,
      JSON.stringify({
        input,
        output: id,
        frames: STAGE_CLIP.frames,
        maskVideo: `masks/${id.replace(/\.mp4$/, '.mkv')}`,
      }),
    );
    outputs.push({
      input,
      output: id,
      frames: STAGE_CLIP.frames,
      framesWritten: STAGE_CLIP.frames,
      maskedFraction: 0.2,
      cuts: 0,
      unrecoverable: 0,
    });
    if ((STAGE_AUDITED as readonly string[]).includes(id)) {
      const name = path.basename(id, '.mp4');
      const flagged = id === 'train/run/run_001.mp4';
      const sheet = path.join(stage, 'audit', `${name}.sheet.png`);
      fs.mkdirSync(path.dirname(sheet), { recursive: true });
      fs.writeFileSync(sheet, '');
      audited.push({
        name,
        input,
        output: path.join(stage, ...rel),
        frames: STAGE_CLIP.frames,
        inputPersonRate: 1,
        residualRate: flagged ? 1 : 0,
        residualFrames: flagged ? [0, 1, 2, 3, 4, 5, 6, 7] : [],
        outputPersons: Array.from({ length: STAGE_CLIP.frames }, () => (flagged ? 1 : 0)),
        hasResidual: flagged,
        psnr: 22,
        ssim: 0.6,
        sheet,
      });
    }
  }
  const summary = {
    segmenter: 'oracle',
    licence: 'n/a (ground truth)',
    shard: '0/1',
    removalModels: ['oracle'],
    videos: outputs.length,
    processed: outputs.length,
    skipped: 0,
    failed: [],
    frames: outputs.length * STAGE_CLIP.frames,
    outputs,
  };
  fs.writeFileSync(
    path.join(stage, '.ppma-run'),
    JSON.stringify({ createdBy: 'ppma', command: 'remove-humans', createdAt: new Date().toISOString() }),
  );
  fs.writeFileSync(path.join(stage, 'report.json'), JSON.stringify(summary, null, 2));
  fs.writeFileSync(path.join(stage, 'labels.txt'), 'walk\nrun\n');
  fs.writeFileSync(
    path.join(stage, 'train.csv'),
    STAGE_IDS.map((id) => `${id};${id.includes('/walk/') ? 0 : 1}`).join('\n') + '\n',
  );
  fs.writeFileSync(
    path.join(stage, 'audit', 'audit.json'),
    JSON.stringify({
      detector: 'nanodet+movenet-multipose',
      detectorLicence: 'Apache-2.0+Apache-2.0',
      models: { removal: [], audit: ['nanodet', 'movenet-multipose'] },
      minScore: 0.5,
      videoFrameRate: 0.05,
      videos: audited,
      summary: { videos: audited.length, frames: audited.length * STAGE_CLIP.frames },
    }),
  );
  fs.writeFileSync(
    path.join(stage, '.done.json'),
    JSON.stringify({
      stage: 'remove-humans',
      key: 'c05a291d94e7',
      result: { manifest: path.join(stage, 'train.csv'), summary },
    }),
  );
  return stage;
}
