/**
 * The process-wide caches of decoded views and frozen-trunk features (issue 13) change nothing but
 * time: a benchmark decoded afresh, one whose views all come from the cache, the leakage probes
 * with and without remembered features, and FT with fewer resumable-state saves give the same
 * predictions; the caches stay within their budgets and notice a rewritten video.
 */
import { mkdtemp, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, readSafetensors } from '@ppma/core';
import { alignModel } from '@ppma/align';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BoundedCache,
  alignFinetuner,
  defineTask,
  definePrivacyTask,
  resolveModels,
  runBenchmark,
  runPrivacyProbes,
  sharedFeatureMemo,
  sharedViewCache,
  viewKey,
  type PrivacyManifest,
  type RunBenchmarkOptions,
} from '../src/index.js';
import { makeColourTask, saveTinyCheckpoint } from './helpers.js';

let dir: string;
let ckpt: string;
let splits: Awaited<ReturnType<typeof makeColourTask>>;

beforeAll(async () => {
  await initBackend();
  dir = await mkdtemp(join(tmpdir(), 'bench-caches-'));
  splits = await makeColourTask(join(dir, 'data'), { perClass: 4, valPerClass: 4, seed: 5 });
  ckpt = join(dir, 'pretrained.safetensors');
  await saveTinyCheckpoint(ckpt);
});

describe('BoundedCache', () => {
  it('drops the oldest entries beyond its byte budget, keeps the newest, counts replaced values once', () => {
    const c = new BoundedCache<Uint8Array | Error>(10);
    c.set('a', new Uint8Array(4));
    c.set('b', new Uint8Array(4));
    c.set('a', new Uint8Array(4)); // replaced: still 8 bytes, and now the newest
    expect(c.heldBytes).toBe(8);
    c.set('c', new Uint8Array(4)); // 12 > 10: the oldest (b) leaves
    expect([...c.keys()]).toEqual(['a', 'c']);
    expect(c.heldBytes).toBe(8);
    c.set('big', new Uint8Array(64)); // larger than the budget: kept alone
    expect([...c.keys()]).toEqual(['big']);
    c.set('err', new Error('x')); // big is no longer the newest: it leaves
    expect([...c.keys()]).toEqual(['err']);
    expect(c.heldBytes).toBe(0);
    c.clear();
    expect(c.heldBytes).toBe(0);
  });

  it('keys a video by path, size, modification time and views: a touched file is decoded again', async () => {
    const file = splits.val.entries[0].path;
    const spec = { frames: 4, height: 16, width: 16, stride: 1, numClips: 2, numCrops: 3 } as const;
    const k1 = viewKey(file, spec);
    expect(viewKey(file, { ...spec, numCrops: 1 })).not.toBe(k1);
    const { numClips, numCrops, stride, ...geometry } = spec;
    expect(viewKey(file, { numClips, numCrops, stride, ...geometry })).toBe(k1); // key order does not matter
    const st = await stat(file);
    await utimes(file, st.atime, new Date(st.mtimeMs + 5000));
    expect(viewKey(file, spec)).not.toBe(k1);
  });
});

describe('same results with the shared caches', () => {
  const task = defineTask({ name: 'colours', classes: 3, load: () => ({ train: splits.train, val: splits.val }) });
  const options = (out: string): RunBenchmarkOptions => ({
    models: [ckpt],
    tasks: [task],
    modes: 'both',
    out: join(dir, out),
    engine: 'onnx',
    preset: 'tiny',
    settings: { lp: { epochs: 10, batchSize: 16, warmupEpochs: 1, evalEvery: 5 }, ft: { epochs: 2, batchSize: 6 } },
    seeds: 2,
    replicates: 100,
    resume: false,
    progress: false,
  });

  it('a benchmark decoded afresh and one served entirely from the process-wide views give identical predictions', async () => {
    sharedViewCache().clear();
    sharedFeatureMemo().clear();
    const fresh = await runBenchmark({ ...options('fresh'), views: new Map() });
    expect(sharedViewCache().size).toBe(0); // its own cache: nothing shared yet
    expect(sharedFeatureMemo().size).toBe(splits.train.entries.length + splits.val.entries.length); // the LP's
    sharedFeatureMemo().clear();
    const first = await runBenchmark(options('shared-1'));
    const held = sharedViewCache().size;
    expect(held).toBe(splits.train.entries.length + splits.val.entries.length);
    const second = await runBenchmark(options('shared-2'));
    expect(sharedViewCache().size).toBe(held); // every view was a hit
    const key = (r: (typeof fresh.runs)[number]) => `${r.mode}/${r.seed}`;
    expect(first.runs.map(key)).toEqual(fresh.runs.map(key));
    for (const runs of [first.runs, second.runs])
      runs.forEach((r, i) => {
        expect(r.predictions).toEqual(fresh.runs[i].predictions);
        expect(r.top1).toBe(fresh.runs[i].top1);
      });
  });

  it('leakage probes give identical runs whether the frozen features come from the LP runs before them or are extracted', async () => {
    const toPrivacy = (m: typeof splits.train): PrivacyManifest => ({
      attributes: [{ name: 'colour', classes: ['red', 'green', 'blue'] }],
      entries: m.entries.map((e) => ({ path: e.path, labels: [e.label] })),
    });
    const ptask = definePrivacyTask({
      name: 'colours-identity',
      attributes: [{ name: 'colour', classes: ['red', 'green', 'blue'] }],
      load: () => ({ train: toPrivacy(splits.train), val: toPrivacy(splits.val) }),
    });
    const probe = (out: string) =>
      runPrivacyProbes({
        models: [ckpt],
        tasks: [ptask],
        out: join(dir, out),
        engine: 'onnx',
        settings: { lp: { epochs: 10, batchSize: 16, warmupEpochs: 1, evalEvery: 5 } },
        seeds: 2,
        replicates: 100,
        progress: false,
      });
    // The benchmark's LP above left this trunk's features of these clips in the memo.
    const remembered = sharedFeatureMemo().size;
    expect(remembered).toBeGreaterThan(0);
    const reused = await probe('privacy-memo');
    expect(sharedFeatureMemo().size).toBe(remembered); // nothing extracted again
    sharedViewCache().clear();
    sharedFeatureMemo().clear();
    const extracted = await probe('privacy-fresh');
    expect(reused.runs.map((r) => r.predictions)).toEqual(extracted.runs.map((r) => r.predictions));
  });

  it('FT saves its resumable state ~4 times instead of every epoch and trains the same weights as alignModel with the default', async () => {
    const [m] = resolveModels([ckpt]);
    const settings = {
      epochs: 5,
      warmupEpochs: 1,
      batchSize: 6,
      lr: 1e-3,
      weightDecay: 0.05,
      layerDecay: 0.75,
      dropPath: 0,
      augment: 'plain' as const,
      hflip: true,
    };
    const fr = await alignFinetuner({
      model: m,
      task: 'colours',
      train: splits.train,
      val: splits.val,
      classes: 3,
      settings,
      eval: { numClips: 1, numCrops: 1, stride: 1 },
      runDir: join(dir, 'ft-new'),
      seed: 3,
      resume: false,
      progress: false,
    });
    fr.model.dispose();
    await alignModel({
      init: { kind: 'checkpoint', file: ckpt },
      datasets: [{ name: 'colours', manifest: splits.train }],
      out: join(dir, 'ft-old'),
      preset: 'plain',
      recipe: {
        epochs: settings.epochs,
        warmupEpochs: settings.warmupEpochs,
        batchSize: settings.batchSize,
        lr: settings.lr,
        weightDecay: settings.weightDecay,
        layerDecay: settings.layerDecay,
        dropPath: settings.dropPath,
        augment: { hflip: 0.5 },
      },
      stride: 1,
      seed: 3,
      resume: false,
      progress: false,
      stage: 'finetune',
    });
    const a = (await readSafetensors(join(dir, 'ft-new', 'model.safetensors'))).tensors;
    const b = (await readSafetensors(join(dir, 'ft-old', 'model.safetensors'))).tensors;
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    const bytes = (t: { data: ArrayBufferView } | undefined) =>
      t ? Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength) : Buffer.alloc(0);
    for (const [k, t] of a) expect(bytes(t).equals(bytes(b.get(k))), k).toBe(true);
  });
});
