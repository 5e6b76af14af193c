/**
 * The on-disk layer of the shared caches (PPMA_VIEW_CACHE_DIR): what one process decoded another
 * reads back bit for bit without decoding; a damaged, truncated or foreign file is never used; a
 * folder that cannot be written leaves the cache working in memory.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BoundedCache, cachedViewBlock, sharedFeatureMemo, sharedViewCache, viewKey } from '../src/index.js';
import { diskLayer, encodeEntry, parseEntry } from '../src/disk-layer.js';
import { makeColourTask } from './helpers.js';

let dir: string | undefined;
let video: string;
const spec = { frames: 4, height: 16, width: 16, stride: 1, numClips: 2, numCrops: 3 } as const;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bench-disk-layer-'));
  const splits = await makeColourTask(join(dir, 'data'), { perClass: 1, valPerClass: 1, seed: 3 });
  video = splits.val.entries[0].path;
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  delete process.env.PPMA_VIEW_CACHE_DIR;
});

describe('entry format', () => {
  it('round-trips a payload and refuses another key, a truncated file and a flipped byte', () => {
    const payload = Uint8Array.from([1, 2, 3, 250, 0, 7]);
    const e = encodeEntry('key a', payload);
    expect([...(parseEntry(e, 'key a') ?? [])]).toEqual([...payload]);
    expect(parseEntry(e, 'key b')).toBeNull();
    expect(parseEntry(e.subarray(0, e.length - 1), 'key a')).toBeNull();
    const flipped = Buffer.from(e);
    flipped[flipped.length - 2] ^= 1;
    expect(parseEntry(flipped, 'key a')).toBeNull();
    expect(parseEntry(Buffer.alloc(0), 'key a')).toBeNull();
  });

  it('stores float32 values exactly', () => {
    const layer = diskLayer(join(dir ?? '', 'f32'), 'f32');
    const v = Float32Array.from([Math.PI, -0, 1e-38, -3.5e38, Number.NaN]);
    layer.write('features', v);
    const back = layer.read('features');
    expect(back).toBeInstanceOf(Float32Array);
    expect(new Uint8Array((back ?? new Float32Array()).buffer)).toEqual(new Uint8Array(v.buffer));
    expect(layer.read('other')).toBeUndefined();
  });
});

describe('a second process reads what the first decoded', () => {
  it('gives the same bytes from disk without decoding, and decodes again when the file is damaged', async () => {
    const root = join(dir ?? '', 'shared');
    const first = new BoundedCache<Uint8Array | Error>(1e9);
    first.disk = diskLayer(join(root, 'views'), 'u8');
    const decoded = await cachedViewBlock(video, spec, first);
    const files = readdirSync(join(root, 'views'));
    expect(files).toHaveLength(1);

    // A fresh cache on the same folder (as in another process) serves the block from disk.
    const second = new BoundedCache<Uint8Array | Error>(1e9);
    second.disk = diskLayer(join(root, 'views'), 'u8');
    const key = viewKey(video, spec);
    const fromDisk = second.get(key);
    expect(fromDisk).toBeInstanceOf(Uint8Array);
    expect(Buffer.compare(Buffer.from(fromDisk as Uint8Array), Buffer.from(decoded))).toBe(0);

    // Damage the file: the entry is refused, the video decoded again, the file rewritten whole.
    const file = join(root, 'views', files[0]);
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(file, bytes);
    const third = new BoundedCache<Uint8Array | Error>(1e9);
    third.disk = diskLayer(join(root, 'views'), 'u8');
    expect(third.get(key)).toBeUndefined();
    const again = await cachedViewBlock(video, spec, third);
    expect(Buffer.compare(Buffer.from(again), Buffer.from(decoded))).toBe(0);
    expect(parseEntry(readFileSync(file), key)).not.toBeNull();
  });

  it('attaches the layer to the shared caches from PPMA_VIEW_CACHE_DIR, read on every call', () => {
    expect(sharedViewCache()).toBeInstanceOf(BoundedCache);
    expect((sharedViewCache() as BoundedCache<Uint8Array | Error>).disk).toBeUndefined();
    process.env.PPMA_VIEW_CACHE_DIR = join(dir ?? '', 'env');
    expect((sharedViewCache() as BoundedCache<Uint8Array | Error>).disk?.dir).toBe(join(dir ?? '', 'env', 'views'));
    expect((sharedFeatureMemo() as BoundedCache<Float32Array>).disk?.dir).toBe(join(dir ?? '', 'env', 'features'));
    delete process.env.PPMA_VIEW_CACHE_DIR;
    expect((sharedViewCache() as BoundedCache<Uint8Array | Error>).disk).toBeUndefined();
  });

  it('keeps working in memory when the folder cannot be written, with one warning', async () => {
    // A file where the folder should be: mkdir fails (ENOTDIR) even for root.
    const blocker = join(dir ?? '', 'blocker');
    writeFileSync(blocker, 'not a folder');
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const c = new BoundedCache<Uint8Array | Error>(1e9);
      c.disk = diskLayer(join(blocker, 'views'), 'u8');
      const block = await cachedViewBlock(video, spec, c);
      c.set('another', new Uint8Array(3));
      expect(c.get(viewKey(video, spec))).toBe(block);
      expect(c.get('another')).toHaveLength(3);
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.includes('could not write'))).toHaveLength(1);
      expect(warnings[0]).toContain(join(blocker, 'views'));
    } finally {
      process.off('warning', onWarning);
    }
  });
});
