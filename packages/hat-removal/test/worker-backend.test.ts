/**
 * Which backend a model worker asks for (docs/ARCHITECTURE.md §7 "Throughput"): rvm and CenterNet
 * prefer `native` in a run, with the main thread's backend as the fall-back; `PPMA_BACKEND` and the
 * `main` choice keep the main thread's backend, so worker-vs-main comparisons compare like with like.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@ppma/core';
import { decodeFrames } from '@ppma/video-io';
import {
  createDetector,
  createSegmenter,
  createWorkerDetector,
  createWorkerSegmenter,
  removeHumansFromVideo,
  type Segmenter,
} from '../src/index.js';
import { workerBackendRequest } from '../src/model-proxy.js';
import type { WorkerModel } from '../src/model-protocol.js';
import { cutsClip, streetClip } from './helpers/footage.js';

const rvm: WorkerModel = { kind: 'segmenter', name: 'rvm', config: {} };
const centernet: WorkerModel = { kind: 'detector', name: 'centernet', config: {} };
const selfie: WorkerModel = { kind: 'segmenter', name: 'selfie-crops', config: {} };
const saved = process.env.PPMA_BACKEND;

let dir = '';
beforeAll(async () => {
  delete process.env.PPMA_BACKEND;
  await initBackend({ backend: 'wasm', threads: 1 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hr-worker-backend-'));
});
// Only the folder mkdtemp made above, and only when beforeAll got that far.
afterAll(() => {
  if (dir.startsWith(path.join(os.tmpdir(), 'hr-worker-backend-'))) fs.rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  if (saved === undefined) delete process.env.PPMA_BACKEND;
  else process.env.PPMA_BACKEND = saved;
});

describe('workerBackendRequest', () => {
  it('asks for native for rvm and CenterNet, falling back to the main thread backend', () => {
    delete process.env.PPMA_BACKEND;
    for (const m of [rvm, centernet]) {
      const r = workerBackendRequest(m, 'preferred');
      expect(r.backend?.backend).toBe('native');
      expect(r.fallback).toEqual({ backend: 'wasm', threads: 1 });
    }
  });
  it('keeps the main thread backend for selfie, for the main choice and when PPMA_BACKEND is set', () => {
    delete process.env.PPMA_BACKEND;
    expect(workerBackendRequest(selfie, 'preferred')).toEqual({ backend: { backend: 'wasm', threads: 1 } });
    expect(workerBackendRequest(rvm, 'main')).toEqual({ backend: { backend: 'wasm', threads: 1 } });
    process.env.PPMA_BACKEND = 'wasm';
    expect(workerBackendRequest(rvm, 'preferred')).toEqual({ backend: { backend: 'wasm', threads: 1 } });
  });
});

describe('rvm on its preferred backend in a worker', () => {
  it('gives masks equivalent to wasm in the main thread', { timeout: 600_000 }, async () => {
    const clip = cutsClip(path.join(dir, 'cuts.mp4'), 160, 120, 8);
    const masks = async (seg: Segmenter, name: string): Promise<Uint8Array> => {
      try {
        const r = await removeHumansFromVideo(clip, path.join(dir, `${name}.mp4`), {
          segmenter: seg,
          segmentStride: 3,
          keepMasks: true,
          unrecoverable: 'keep',
        });
        expect(r.cuts).toEqual([8, 16]);
        return r.masks!.data;
      } finally {
        seg.dispose();
      }
    };
    const cfg = { warmupFrames: 2 };
    const wasm = await masks(await createSegmenter('rvm', cfg), 'wasm');
    const worker = await createWorkerSegmenter('rvm', cfg, { backend: 'preferred' });
    expect(worker.backend).toMatch(/^native/); // the addon is built on this machine
    const native = await masks(worker, 'native');
    let inA = 0;
    let both = 0;
    let either = 0;
    for (let i = 0; i < wasm.length; i++) {
      const a = wasm[i] === 255;
      const b = native[i] === 255;
      if (a) inA++;
      if (a && b) both++;
      if (a || b) either++;
    }
    expect(inA).toBeGreaterThan(0); // people were found, so the comparison means something
    // float32 on both, summed in another order: the thresholded masks agree up to boundary pixels
    // (identical here: IoU 1.0, 11,891 mask pixels, on 2026-12-02)
    expect(both / either).toBeGreaterThan(0.98);
  });
});

describe('CenterNet on its preferred backend in a worker', () => {
  // native runs CenterNet's int32 Cast / FloorDiv on the cpu kernels: the boxes must still match
  it('finds the same people with the same boxes as wasm in the main thread', { timeout: 600_000 }, async () => {
    const clip = streetClip(path.join(dir, 'street.mp4'), 384, 288, 4);
    const frames = await decodeFrames(clip);
    const onWasm = await createDetector('centernet', { minScore: 0.3 });
    const onNative = await createWorkerDetector('centernet', { minScore: 0.3 }, { backend: 'preferred' });
    try {
      expect(onNative.backend).toMatch(/^native/);
      const a = await onWasm.detect(frames);
      const b = await onNative.detect(frames);
      expect(a.flat().length).toBeGreaterThan(0); // people were found, so the comparison means something
      expect(b.map((f) => f.length)).toEqual(a.map((f) => f.length));
      a.forEach((boxes, f) =>
        boxes.forEach((box, i) => {
          const o = b[f][i];
          for (const k of ['x1', 'y1', 'x2', 'y2'] as const) expect(Math.abs(o[k] - box[k])).toBeLessThan(1);
          expect(Math.abs(o.score - box.score)).toBeLessThan(1e-3);
        }),
      );
    } finally {
      onWasm.dispose();
      onNative.dispose();
    }
  });
});
