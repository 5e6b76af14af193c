import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildClipCache,
  createDataLoader,
  cropClip,
  decodeClip,
  encodeVideo,
  evalWindows,
  liveProcessCount,
  openClipCache,
  centerCrop,
  threeCropBoxes,
} from '../src/index.js';
import type { Batch, Manifest } from '../src/index.js';
import { makeFrames, tempDir } from './helpers.js';

const tmp = tempDir();
let manifest: Manifest;

beforeAll(async () => {
  const entries = [];
  for (let i = 0; i < 5; i++) {
    const p = join(tmp.dir, `v${i}.mkv`);
    const frames = makeFrames(24 + 4 * i, 24, 32);
    for (let k = 0; k < frames.length; k += 3) frames[k + 1] = (frames[k + 1] + 40 * i) & 255; // videos differ
    await encodeVideo(p, frames, { width: 32, height: 24, fps: 12, lossless: true });
    entries.push({ path: p, label: i % 3, labelName: String(i % 3) });
  }
  entries.push({ path: join(tmp.dir, 'missing.mp4'), label: 0, labelName: '0' });
  manifest = { labels: ['0', '1', '2'], entries };
});
afterAll(() => tmp.cleanup());

async function collect(it: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

describe('clip cache', () => {
  it('stores exactly the decoded clips, reads them by offset, skips bad videos, and resumes', async () => {
    const dir = join(tmp.dir, 'cache');
    const opts = { dir, frames: 4, size: 16, clipsPerVideo: 2, stride: 2, videosPerShard: 2 };
    const index = await buildClipCache(manifest, opts);
    expect(index.shards).toHaveLength(3);
    expect(index.videos).toHaveLength(5);
    expect(index.skipped.map((s) => s.problem)).toEqual(['missing']);
    const cache = await openClipCache(dir);
    try {
      for (const v of [0, 3]) {
        for (let k = 0; k < 2; k++) {
          const idx = evalWindows(24 + 4 * v, { frames: 4, stride: 2, numClips: 2 })[k];
          const ref = centerCrop(await decodeClip(manifest.entries[v].path, idx, { shortSide: 16 }), 16);
          const got = await cache.readClip(v, k);
          expect(got.indices).toEqual(idx);
          expect(Buffer.compare(got.data, ref.data)).toBe(0);
        }
      }
      expect(cache.video(5)).toBeUndefined();
    } finally {
      await cache.close();
    }
    // Resume: drop one shard; the rebuild redoes only that shard and gives the same index.
    const before = statSync(join(dir, 'shard-00000.bin')).mtimeMs;
    rmSync(join(dir, 'shard-00001.json'));
    const again = await buildClipCache(manifest, opts);
    expect(again).toEqual(index);
    expect(statSync(join(dir, 'shard-00000.bin')).mtimeMs).toBe(before);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('data loader', () => {
  const base = { batchSize: 2, frames: 4, stride: 2, size: 16, mode: 'train' as const, seed: 7, concurrency: 2 };

  it('is deterministic for (seed, epoch), whatever the concurrency, and differs across epochs', async () => {
    const a = await collect(createDataLoader({ ...base, manifest, epoch: 0 }));
    const b = await collect(createDataLoader({ ...base, manifest, epoch: 0, concurrency: 1, prefetch: 1 }));
    const c = await collect(createDataLoader({ ...base, manifest, epoch: 1 }));
    expect(a.map((x) => x.indices)).toEqual(b.map((x) => x.indices));
    a.forEach((x, i) => expect(Buffer.compare(x.clips, b[i].clips)).toBe(0));
    expect(a.map((x) => x.indices)).not.toEqual(c.map((x) => x.indices));
    expect(a).toHaveLength(2); // 5 good videos, batch 2, last partial batch dropped in training
    for (const x of a) {
      expect(x.labels).toEqual(Int32Array.from(x.indices.map((i) => manifest.entries[i].label)));
      expect(x.timing.waitMs).toBeGreaterThanOrEqual(0);
      expect(x.timing.loadMs).toBeGreaterThan(0);
    }
  });

  it('reads from the clip cache when given one (no ffmpeg), in eval giving each cached view', async () => {
    const cache = await openClipCache(join(tmp.dir, 'cache'));
    try {
      const loader = createDataLoader({ ...base, manifest, mode: 'eval', numClips: 2, epoch: 0, cache });
      const fromCache = await collect(loader);
      expect(loader.stats()).toEqual({ decoded: 0, fromCache: 10 });
      expect(loader.skipped().counts).toEqual({ missing: 2 });
      const decoded = await collect(createDataLoader({ ...base, manifest, mode: 'eval', numClips: 2, epoch: 0 }));
      expect(fromCache.map((x) => x.indices)).toEqual(decoded.map((x) => x.indices));
      fromCache.forEach((x, i) => expect(Buffer.compare(x.clips, decoded[i].clips)).toBe(0));
    } finally {
      await cache.close();
    }
  });

  it('eval with three crops gives 3 views per window from one decode', async () => {
    const one = [{ ...manifest.entries[1] }];
    const loader = createDataLoader({
      ...base,
      manifest: { labels: manifest.labels, entries: one },
      mode: 'eval',
      numClips: 2,
      threeCrop: true,
      batchSize: 6,
      epoch: 0,
    });
    const [batch] = await collect(loader);
    expect(batch.views).toEqual([0, 1, 2, 3, 4, 5]);
    expect(loader.stats().decoded).toBe(2);
    const idx = evalWindows(28, { frames: 4, stride: 2, numClips: 2 })[1];
    const full = await decodeClip(one[0].path, idx, { shortSide: 16 });
    const per = 4 * 16 * 16 * 3;
    threeCropBoxes(full, 16).forEach((box, k) =>
      expect(Buffer.compare(batch.clips.subarray((3 + k) * per, (4 + k) * per), cropClip(full, box).data)).toBe(0),
    );
  });

  it('reaps every ffmpeg process and closes every pipe over many decodes', async () => {
    const fds = (): number => readdirSync('/proc/self/fd').length;
    await collect(createDataLoader({ ...base, manifest, epoch: 0 }));
    const before = fds();
    for (let e = 0; e < 4; e++) {
      // Early exit from the loop must not leave processes behind either.
      for await (const b of createDataLoader({ ...base, manifest, epoch: e, prefetch: 3 })) {
        expect(b.batchSize).toBe(2);
        if (e % 2 === 1) break;
      }
    }
    expect(liveProcessCount()).toBe(0);
    expect(fds()).toBeLessThanOrEqual(before + 2);
  });
});
