/**
 * The one clip store: a training run loads its videos once (decoded whole into memory when the set
 * fits), every epoch's loader cuts windows from it with exactly the pixels, order and
 * augmentation of a loader that decodes each window with ffmpeg, and skipped videos have one shape.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchFeeder, ClipStore, createDataLoader, encodeVideo } from '../src/index.js';
import type { Batch, Manifest } from '../src/index.js';
import { makeFrames, tempDir } from './helpers.js';

const tmp = tempDir();
let manifest: Manifest;

beforeAll(async () => {
  const entries = [];
  for (let i = 0; i < 4; i++) {
    const p = join(tmp.dir, `v${i}.mkv`);
    const frames = makeFrames(20 + 3 * i, 24, 32);
    for (let k = 0; k < frames.length; k += 3) frames[k + 1] = (frames[k + 1] + 50 * i) & 255;
    await encodeVideo(p, frames, { width: 32, height: 24, fps: 12, lossless: true });
    entries.push({ path: p, label: i % 2, labelName: String(i % 2) });
  }
  entries.push({ path: join(tmp.dir, 'missing.mp4'), label: 0, labelName: '0' });
  manifest = { labels: ['0', '1'], entries };
});
afterAll(() => tmp.cleanup());

async function collect(it: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

describe('clip store', () => {
  const base = { manifest: undefined as unknown as Manifest, batchSize: 2, frames: 4, stride: 2, size: 16, seed: 7 };

  it('gives the same batches as decoding each window, with no decode after loading', async () => {
    const o = { ...base, manifest, mode: 'train' as const };
    const store = await ClipStore.load(manifest, { frames: 4, stride: 2, shortSide: 18 }, { cache: 'memory' });
    expect(store.inMemory).toBe(true);
    expect(store.size).toBe(4);
    expect(store.skipped).toHaveLength(1);
    expect(store.skipped[0]).toMatchObject({ path: manifest.entries[4].path, reason: expect.stringMatching(/^PPMA_/) });
    for (const epoch of [0, 1]) {
      const direct = createDataLoader({ ...o, epoch });
      const fromStore = createDataLoader({ ...o, epoch, store });
      const a = await collect(direct);
      const b = await collect(fromStore);
      expect(b.map((x) => x.indices)).toEqual(a.map((x) => x.indices));
      b.forEach((x, k) => expect(Buffer.compare(x.clips, a[k].clips)).toBe(0));
      expect(direct.stats().decoded).toBeGreaterThan(0);
      expect(fromStore.stats().decoded).toBe(0);
      expect(fromStore.skipped().problems.map((p) => p.path)).toEqual([manifest.entries[4].path]);
    }
  });

  it('feeds a run from one store: the auto policy keeps a small set in memory, and resumes replay the batches', async () => {
    const o = { ...base, manifest, mode: 'train' as const, progress: false };
    const feeder = await BatchFeeder.open(o);
    expect(feeder.store?.inMemory).toBe(true);
    const run = [await feeder.get(0, 0), await feeder.get(0, 1), await feeder.get(1, 0)];
    const resumed = await BatchFeeder.open(o);
    const again = await resumed.get(0, 1);
    expect(Buffer.compare(again!.clips, run[1]!.clips)).toBe(0);
    expect(feeder.store?.skipped[0]).toEqual({ path: manifest.entries[4].path, reason: expect.any(String) });
    await feeder.close();
    await resumed.close();
    const lazy = await BatchFeeder.open({ ...o, memoryBudget: 10 });
    expect(lazy.store?.inMemory).toBe(false);
    const b = await lazy.get(0, 0);
    expect(Buffer.compare(b!.clips, run[0]!.clips)).toBe(0);
    await lazy.close();
  });

  it('refuses a store decoded at another short side than the loader needs', async () => {
    const store = await ClipStore.load(manifest, { frames: 4, shortSide: 30 }, { cache: 'memory' });
    expect(() => createDataLoader({ ...base, manifest, mode: 'train', epoch: 0, store })).toThrow(/short side 30/);
  });
});
