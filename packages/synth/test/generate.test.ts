import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ConfigError, VideoInputError } from '@ppma/core';
import { decodeFrames, readPpmaCsv } from '@ppma/video-io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BENCHMARK_DATASETS,
  PRESETS,
  generateBenchmark,
  planClip,
  readSynthClean,
  readSynthMasks,
  renderClip,
  synthCompanions,
} from '../src/index.js';
import type { BenchmarkIndex, GenerateOptions } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'ppma-synth-'));
const geometry = { width: 32, height: 24, frames: 6, fps: 8 };
const base = (out: string, seed = 3): GenerateOptions => ({
  preset: 'tiny',
  seed,
  out,
  geometry,
  datasets: ['pretrain-real', 'synth-diving'],
  perClass: { 'pretrain-real': { train: 1, val: 0 }, downstream: { train: 1, val: 1 } },
});

function hashes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

let index: BenchmarkIndex;
beforeAll(async () => {
  const [a] = await Promise.all([
    generateBenchmark(base(join(root, 'a'))),
    generateBenchmark(base(join(root, 'b'))),
    generateBenchmark({ ...base(join(root, 'c'), 4), datasets: ['synth-diving'] }),
  ]);
  index = a.index;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('generateBenchmark', () => {
  it('same seed -> byte-identical files; another seed -> different videos', () => {
    const a = hashes(join(root, 'a'));
    const b = hashes(join(root, 'b'));
    const c = hashes(join(root, 'c'));
    // pretrain-real: 14 x (video, clean plate, mask); diving: 12 videos; a train and a val CSV and labels.txt per set; index.json;
    // the identity privacy task's train and val CSVs
    expect(a.size).toBe(14 * 3 + 12 + 2 * 3 + 1 + 2);
    expect([...a.entries()]).toEqual([...b.entries()]);
    const video = 'synth-diving/train/forward-tuck/forward-tuck_000.mp4';
    expect(a.get(video)).toBeDefined();
    expect(c.get(video)).not.toBe(a.get(video));
  });

  it('writes PPMA CSV manifests and an index.json describing every dataset', async () => {
    expect(index.format).toBe('ppma-synth-benchmark');
    expect(index.datasets.map((d) => d.name)).toEqual(['pretrain-real', 'synth-diving']);
    expect(index.tasks.map((d) => d.name)).toEqual(['synth-diving']);
    const idx = JSON.parse(readFileSync(join(root, 'a', 'index.json'), 'utf8')) as BenchmarkIndex;
    expect(idx).toEqual(index);
    const diving = idx.tasks[0];
    expect(diving).toMatchObject({
      kind: 'downstream',
      sceneObjectBias: 0,
      clips: { train: 6, val: 6 },
      companions: false,
    });
    const train = await readPpmaCsv(join(root, 'a', diving.train));
    expect(train.labels).toEqual(diving.classes);
    expect(train.entries).toHaveLength(6);
    expect(train.entries.map((e) => e.label)).toEqual([0, 1, 2, 3, 4, 5]);
    const real = await readPpmaCsv(join(root, 'a', idx.datasets[0].train));
    expect(real.labels).toHaveLength(14);
    expect(idx.datasets[0]).toMatchObject({ kind: 'pretrain-real', companions: true });
  });

  it('videos decode to the rendered size; masks and clean plates read back exactly', async () => {
    const ds = BENCHMARK_DATASETS.find((d) => d.name === 'pretrain-real');
    if (!ds) throw new Error('no pretrain-real');
    const video = join(root, 'a', 'pretrain-real', 'train', 'kick', 'kick_000.mp4');
    const rendered = renderClip(planClip(ds, { ...PRESETS.tiny, ...geometry }, 3, 'train', 6, 0));
    const dec = await decodeFrames(video);
    expect([dec.frames, dec.width, dec.height]).toEqual([6, 32, 24]);
    // lossy H.264 stays close to the render
    let err = 0;
    for (let i = 0; i < dec.data.length; i++) err += Math.abs(dec.data[i] - rendered.video[i]);
    expect(err / dec.data.length).toBeLessThan(8);
    const comp = synthCompanions(video);
    expect(comp.mask.endsWith('kick_000.mask.png')).toBe(true);
    expect(comp.clean).not.toBeNull();
    const masks = await readSynthMasks(video);
    expect([masks.frames, masks.width, masks.height]).toEqual([6, 32, 24]);
    expect(Buffer.compare(Buffer.from(masks.data), Buffer.from(rendered.mask))).toBe(0);
    const clean = await readSynthClean(video);
    expect(Buffer.compare(Buffer.from(clean.data), Buffer.from(rendered.clean as Uint8Array))).toBe(0);
  });

  it('rejects an unknown preset, dataset or a non-integer seed with a ConfigError', async () => {
    const out = join(root, 'bad');
    await expect(generateBenchmark({ preset: 'huge' as 'tiny', seed: 0, out })).rejects.toBeInstanceOf(ConfigError);
    await expect(generateBenchmark({ preset: 'tiny', seed: 0.5, out })).rejects.toBeInstanceOf(ConfigError);
    await expect(generateBenchmark({ preset: 'tiny', seed: 0, out, datasets: ['kinetics'] })).rejects.toBeInstanceOf(
      ConfigError,
    );
  });

  it('clips without companions say so', async () => {
    const video = join(root, 'a', 'synth-diving', 'train', 'forward-tuck', 'forward-tuck_000.mp4');
    expect(synthCompanions(video).clean).toBeNull();
    await expect(readSynthMasks(video)).rejects.toBeInstanceOf(VideoInputError);
  });
});
