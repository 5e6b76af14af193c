/**
 * Which frames the segmenter sees (docs/ARCHITECTURE.md §7): every `segmentStride`-th frame of the
 * video and the first and last frame of each shot piece, across chunk boundaries (a chunk's last
 * frame is not segmented unless it ends a shot piece or the video), with resets at the cuts only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeHumansFromVideo, type FrameBatch, type Segmenter } from '../src/index.js';
import { cutsClip, streetClip } from './helpers/footage.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hr-schedule-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A segmenter that finds no one and records how many frames each call got, and the resets. */
function counting(): Segmenter & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    info: { name: 'counting', licence: 'n/a', models: [] },
    async segment(f: FrameBatch, onFrame?: () => void) {
      log.push(String(f.frames));
      for (let t = 0; t < f.frames; t++) onFrame?.();
      return {
        data: new Uint8Array(f.frames * f.width * f.height),
        frames: f.frames,
        width: f.width,
        height: f.height,
      };
    },
    reset: () => log.push('reset'),
    dispose: () => undefined,
  };
}

const total = (log: string[]): number => log.filter((l) => l !== 'reset').reduce((s, l) => s + Number(l), 0);

describe('segmentation schedule', () => {
  it('every 3rd frame of one shot across chunks of 18, and the video’s last: 17 of 48', async () => {
    const seg = counting();
    const res = await removeHumansFromVideo(streetClip(path.join(dir, 's.mp4'), 96, 72, 48), path.join(dir, 'o.mp4'), {
      segmenter: seg,
      segmentStride: 3,
      motion: 'static',
    });
    // chunks [0,18) [18,36) [36,48): frames 0, 3, ..., 45 and 47 (was 19 when every chunk's last frame was segmented)
    expect(seg.log).toEqual(['reset', '6', '6', '5']);
    expect(total(seg.log)).toBe(17);
    expect(res.framesWritten).toBe(48);
  });

  it('a cut at a chunk start closes the previous piece with its last frame before the reset', async () => {
    const seg = counting();
    const clip = cutsClip(path.join(dir, 'c.mp4'), 96, 72, 8); // cuts at 8 and 16
    const res = await removeHumansFromVideo(clip, path.join(dir, 'oc.mp4'), {
      segmenter: seg,
      segmentStride: 3,
      chunk: 8,
      motion: 'static',
    });
    expect(res.cuts).toEqual([8, 16]);
    // [0,8): 0 3 6 (7 waits); the cut at 8: frame 7 alone, reset, 8 9 12 15; the cut at 16: reset, 16 18 21 23
    expect(seg.log).toEqual(['reset', '3', '1', 'reset', '4', 'reset', '4']);
  });
});
