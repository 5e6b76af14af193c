/**
 * The segmenter and the catch detector in worker threads (docs/ARCHITECTURE.md §7 "Throughput"):
 * the same removal as with the models in the main thread (identical masks, cuts and written
 * frames) on real footage with shot cuts, so the recurrent state's resets keep their order while
 * the models run a chunk ahead; a worker's model error reaches the caller with its code and file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@ppma/core';
import {
  createDetector,
  createSegmenter,
  createWorkerDetector,
  createWorkerSegmenter,
  removeHumansFromVideo,
  type PersonDetector,
  type RemoveVideoResult,
  type Segmenter,
} from '../src/index.js';
import { cutsClip } from './helpers/footage.js';

let dir: string;
let clip: string;
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hr-workers-'));
  clip = cutsClip(path.join(dir, 'cuts.mp4'), 160, 120, 8); // cuts at 8 and 16
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function run(seg: Segmenter, det: PersonDetector, name: string, chunk: number): Promise<RemoveVideoResult> {
  let ticks = 0;
  try {
    const res = await removeHumansFromVideo(clip, path.join(dir, `${name}.mp4`), {
      segmenter: seg,
      catchDetector: det,
      segmentStride: 3,
      chunk, // several chunks, so the models run ahead of the loop
      keepMasks: true,
      unrecoverable: 'keep',
      onFrame: () => ticks++,
    });
    expect(ticks).toBe(res.frames);
    return res;
  } finally {
    seg.dispose();
    det.dispose();
  }
}

describe('models in worker threads', () => {
  // chunk 6: cuts inside chunks, chunk tails completed by the next chunk; chunk 8: cuts at chunk
  // starts, where the previous chunk's last frame is segmented before the reset
  it.each([6, 8])('give the same masks as in the main thread (chunks of %i)', { timeout: 600_000 }, async (chunk) => {
    const cfg = { warmupFrames: 2 };
    const inMain = await run(
      await createSegmenter('rvm', cfg),
      await createDetector('centernet', { minScore: 0.15 }),
      `main-${chunk}`,
      chunk,
    );
    const inWorkers = await run(
      await createWorkerSegmenter('rvm', cfg),
      await createWorkerDetector('centernet', { minScore: 0.15 }),
      `workers-${chunk}`,
      chunk,
    );
    expect(inMain.cuts).toEqual([8, 16]);
    expect(inWorkers.cuts).toEqual(inMain.cuts);
    expect(inWorkers.writtenFrames).toEqual(inMain.writtenFrames);
    const a = inMain.masks!.data;
    const b = inWorkers.masks!.data;
    expect(a.some((v) => v === 255)).toBe(true); // people were found, so the comparison means something
    let diff = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++;
    expect(diff).toBe(0);
    expect(inWorkers.seconds.segment).toBeGreaterThan(0);
    expect(inWorkers.seconds.warmup).toBeGreaterThan(0); // reported back from the worker
  });

  it('reports a model error from the worker with its code and the file', async () => {
    const bad = path.join(dir, 'no-rvm.json');
    await expect(createWorkerSegmenter('rvm', { modelPath: bad })).rejects.toMatchObject({
      code: 'PPMA_MODEL',
      message: expect.stringContaining('no-rvm.json'),
    });
  });
});
