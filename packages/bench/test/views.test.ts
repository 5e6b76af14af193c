/** Multi-view testing: which frames and crops each view holds, and the softmax averaging, checked by hand. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeVideo, evalWindows } from '@ppma/video-io';
import { describe, expect, it } from 'vitest';
import { averageSoftmax, loadViews, top1, topK, viewsPerVideo } from '@ppma/video-io';

describe('loadViews', () => {
  it('gives numClips uniform windows x three crops along the longer side, in (clip, crop) order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-views-'));
    const file = join(dir, 'ramp.mkv');
    const T = 12;
    const H = 16;
    const W = 24;
    const data = new Uint8Array(T * H * W * 3);
    for (let t = 0; t < T; t++)
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) data.set([t * 20, x * 10, y * 10], ((t * H + y) * W + x) * 3);
    await encodeVideo(file, data, { width: W, height: H, fps: 10, lossless: true });
    const spec = { frames: 4, height: 16, width: 16, stride: 2, numClips: 2, numCrops: 3 } as const;
    const views = await loadViews(file, spec);
    expect(views.length).toBe(viewsPerVideo(spec));
    expect(views.length).toBe(6);
    const windows = evalWindows(T, { frames: 4, stride: 2, numClips: 2 });
    // video-io centres each window in one of numClips equal segments of the free range (12 - 7 = 5 frames).
    expect(windows).toEqual([
      [1, 3, 5, 7],
      [3, 5, 7, 9],
    ]);
    views.forEach((v, k) => {
      const clip = Math.floor(k / 3);
      const x0 = [0, 4, 8][k % 3];
      expect([v.frames, v.height, v.width]).toEqual([4, 16, 16]);
      for (let f = 0; f < 4; f++) {
        const px = (f * 16 * 16 + 3 * 16 + 5) * 3; // frame f, y=3, x=5
        expect(v.data[px]).toBe(windows[clip][f] * 20);
        expect(v.data[px + 1]).toBe((x0 + 5) * 10);
        expect(v.data[px + 2]).toBe(30);
      }
    });
    const center = await loadViews(file, { ...spec, numCrops: 1 });
    expect(center.length).toBe(2);
    expect(center[1].data[1]).toBe(4 * 10);
  });
});

describe('softmax averaging', () => {
  it('averages the per-view softmax (not the logits) and takes the arg max', () => {
    // One video, two views: view 1 is confident in class 0, view 2 mildly prefers class 1.
    const logits = Float32Array.from([10, 0, 0, 0, 1, 0]);
    const p = averageSoftmax(logits, 1, 2, 3);
    const sm = (a: number[]) => a.map((x) => Math.exp(x) / a.reduce((s, y) => s + Math.exp(y), 0));
    const want = sm([10, 0, 0]).map((v, i) => (v + sm([0, 1, 0])[i]) / 2);
    want.forEach((w, i) => expect(p[i]).toBeCloseTo(w, 6));
    // Averaging logits would also pick 0 here; this case separates the two: a confident wrong view vs two mild right ones.
    const l2 = Float32Array.from([10, 0, 0, 1, 0, 1, 0, 1]); // mean logits [2.5, 0.75] -> 0; mean softmax [0.45, 0.55] -> 1
    const p2 = averageSoftmax(l2, 1, 4, 2);
    expect(top1(p2, [0], 2).predictions).toEqual([1]);
    expect(top1(averageSoftmax(Float32Array.from([2, 0, 0, 2, 5, 1]), 3, 1, 2), [0, 1, 0], 2)).toEqual({
      top1: 1,
      predictions: [0, 1, 0],
    });
  });
});

describe('topK', () => {
  it('lists the k most probable classes best first, ties to the lower index, first entry = the argmax top1 counts', () => {
    const probs = Float32Array.from([0.1, 0.4, 0.4, 0.1, 0.7, 0.2, 0.05, 0.05]);
    const t = topK(probs, 2, 4, 3);
    expect(t[0].map(([c]) => c)).toEqual([1, 2, 0]);
    expect(t[1].map(([c]) => c)).toEqual([0, 1, 2]);
    expect(t[1][0][1]).toBeCloseTo(0.7, 6);
    expect(top1(probs, [1, 0], 4).predictions).toEqual(t.map((r) => r[0][0]));
    expect(topK(probs, 2, 4, 10)[0]).toHaveLength(4);
  });
});
