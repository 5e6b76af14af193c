/**
 * Builds a small removal output folder in the on-disk format of `ppma remove-humans --audit`
 * (report.json, the output videos, audit/audit.json), without running any model: each input is a
 * tiny ffmpeg-encoded clip with a moving "person" square, each output the same clip without it
 * (or, for the flagged video, with the square left in some frames). Masks are written for the
 * first video only (`masks/<video>.mkv`), so both overlay kinds are exercised.
 */
import fs from 'node:fs';
import path from 'node:path';
import { encodeVideo } from '@ppma/video-io';

/** Size and length of the test clips. */
export const CLIP = { width: 64, height: 48, frames: 12, fps: 12 } as const;

function clip(seed: number, person: (t: number) => boolean): { rgb: Uint8Array; mask: Uint8Array } {
  const { width: W, height: H, frames: T } = CLIP;
  const rgb = new Uint8Array(T * H * W * 3);
  const mask = new Uint8Array(T * H * W);
  for (let t = 0; t < T; t++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const i = (t * H + y) * W + x;
        const inBox = x >= 8 + 3 * t && x < 20 + 3 * t && y >= 12 && y < 40;
        const on = inBox && person(t);
        rgb[3 * i] = on ? 230 : 40 + ((x * 3 + seed * 50) % 120);
        rgb[3 * i + 1] = on ? 180 : 90 + ((y * 2) % 80);
        rgb[3 * i + 2] = on ? 150 : 140 - ((seed * 30) % 100);
        mask[i] = inBox ? 255 : 0;
      }
  return { rgb, mask };
}

/** The video ids of {@link makeRemovalOutput}, in report order; `b.mp4` is flagged by the audit. */
export const IDS = ['clips/a.mp4', 'clips/b.mp4', 'clips/c.mp4', 'clips/d.mp4'] as const;

/** Writes the folder `out` (and the inputs in `inputs`); returns the output folder. */
export async function makeRemovalOutput(out: string, inputs: string): Promise<string> {
  const enc = { width: CLIP.width, height: CLIP.height, fps: CLIP.fps, lossless: true };
  const videos = [];
  for (const [k, id] of IDS.entries()) {
    const input = path.join(inputs, path.basename(id));
    const residual = id === 'clips/b.mp4' ? (t: number) => t >= 4 && t < 8 : () => false;
    const a = clip(k, () => true);
    const b = clip(k, residual);
    await encodeVideo(input, a.rgb, enc);
    await encodeVideo(path.join(out, id), b.rgb, enc);
    if (k === 0) await encodeVideo(path.join(out, 'masks', 'clips', 'a.mkv'), a.mask, { ...enc, gray: true });
    const residualFrames = Array.from({ length: CLIP.frames }, (_, t) => t).filter(residual);
    videos.push({
      name: id
        .replace(/\.mp4$/, '')
        .split('/')
        .join('__'),
      input,
      output: path.join(out, id),
      frames: CLIP.frames,
      inputPersonRate: 1,
      residualRate: residualFrames.length / CLIP.frames,
      residualFrames,
      outputPersons: Array.from({ length: CLIP.frames }, (_, t) => (residual(t) ? 1 : 0)),
      hasResidual: residualFrames.length / CLIP.frames > 0.05,
      sheet: path.join(
        out,
        'audit',
        `${id
          .replace(/\.mp4$/, '')
          .split('/')
          .join('__')}.sheet.png`,
      ),
    });
  }
  const summary = { videos: videos.length, frames: videos.length * CLIP.frames };
  fs.mkdirSync(path.join(out, 'audit'), { recursive: true });
  fs.writeFileSync(
    path.join(out, 'audit', 'audit.json'),
    JSON.stringify({
      detector: 'centernet',
      detectorLicence: 'unknown',
      minScore: 0.5,
      videoFrameRate: 0.05,
      videos,
      summary,
    }),
  );
  fs.writeFileSync(
    path.join(out, 'report.json'),
    JSON.stringify({
      segmenter: 'oracle',
      outputs: videos.map((v, k) => ({ input: v.input, output: IDS[k], frames: CLIP.frames, maskedFraction: 0.1 })),
    }),
  );
  return out;
}
