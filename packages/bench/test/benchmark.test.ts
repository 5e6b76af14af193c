/**
 * End to end on a trivially separable task (clips coloured by class) defined by a plugin file the
 * test writes: LP keeps the trunk bit-identical and reaches ~100%; FT runs through alignModel;
 * results.json, results.md and the charts match the runs; a rerun skips finished runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, readSafetensors } from '@ppma/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  computeEvidence,
  modelForTask,
  predictionsTop1,
  runBenchmark,
  type BenchmarkResults,
  type RunRecord,
} from '../src/index.js';
import { TINY_TRUNK_16 } from '../../../tools/test/reference.js';
import { makeColourTask, saveTinyCheckpoint } from './helpers.js';

let dir: string;
let ckpt: string;
let pluginFile: string;

beforeAll(async () => {
  await initBackend();
  dir = await mkdtemp(join(tmpdir(), 'bench-e2e-'));
  const { train, val } = await makeColourTask(join(dir, 'data', 'colours'), { perClass: 4, valPerClass: 2 });
  // One unreadable validation video: it must be skipped and reported, never replaced by a dummy clip.
  await writeFile(join(dir, 'broken.mp4'), 'not a video');
  val.entries.push({ path: join(dir, 'broken.mp4'), label: 0, labelName: 'red' });
  await writeFile(join(dir, 'data', 'colours', 'splits.json'), JSON.stringify({ train, val }));
  ckpt = join(dir, 'pretrained.safetensors');
  await saveTinyCheckpoint(ckpt);
  // A plugin as a user would write it: plain ESM, reading its own annotation file from the root.
  pluginFile = join(dir, 'colours-plugin.mjs');
  await writeFile(
    pluginFile,
    `import { readFileSync } from 'node:fs';
import { join } from 'node:path';
export default {
  name: 'colours',
  classes: ['red', 'green', 'blue'],
  sceneObjectBias: 1,
  defaults: { numClips: 2, numCrops: 3 },
  load: (root) => JSON.parse(readFileSync(join(root, 'splits.json'), 'utf8')),
};
`,
  );
});

const lpSettings = { lp: { epochs: 25, batchSize: 24, warmupEpochs: 2, evalEvery: 5 } };

describe('runBenchmark', () => {
  it('LP: a plugin task is discovered and run, the trunk stays bit-identical, accuracy ~100%', async () => {
    const out = join(dir, 'out');
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const r = await runBenchmark({
      models: [ckpt],
      tasks: ['colours'],
      modes: 'lp',
      out,
      plugins: [pluginFile],
      dataRoot: join(dir, 'data'),
      engine: 'tfjs',
      preset: 'tiny',
      settings: lpSettings,
      progress: false,
      log: (l) => lines.push(l),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.runs).toHaveLength(1);
    const run = r.runs[0];
    expect(run).toMatchObject({
      model: 'pretrained',
      task: 'colours',
      mode: 'lp',
      seed: 0,
      evaluated: 6,
      engine: 'tfjs',
    });
    expect(run.videos).toEqual({ train: 12, val: 7 });
    expect(run.skipped.map((x) => x.path)).toEqual([join(dir, 'broken.mp4')]);
    expect(run.skipped[0].reason).toMatch(/^PPMA_VIDEO/);
    expect(run.top1).toBeGreaterThanOrEqual(99); // percent
    expect(run.predictions.map((p) => p.clip)).toEqual(
      JSON.parse(readFileSync(join(dir, 'data', 'colours', 'splits.json'), 'utf8'))
        .val.entries.slice(0, 6)
        .map((e: { path: string }) => e.path),
    );
    expect(run.predictions[0].top5).toHaveLength(3); // 3 classes: top-5 holds all of them
    expect(run.curve.length).toBe(25);
    expect(run.curve[24].loss).toBeLessThan(run.curve[0].loss);

    // Frozen trunk: every non-head tensor of the saved LP model equals the input checkpoint bit for bit.
    const a = (await readSafetensors(ckpt)).tensors;
    const b = (await readSafetensors(join(out, 'pretrained', 'colours', 'seed-0', 'lp.safetensors'))).tensors;
    const trunk = [...a.keys()];
    expect(trunk.length).toBeGreaterThan(10);
    for (const k of trunk) {
      expect(b.has(k), k).toBe(true);
      expect(
        Buffer.from((b.get(k)?.data as Float32Array).buffer).equals(
          Buffer.from((a.get(k)?.data as Float32Array).buffer),
        ),
        k,
      ).toBe(true);
    }
    // ...and the head did train: it has 3 outputs and is not the seeded initial head any more.
    expect(b.get('head.weight')?.shape).toEqual([3, 32]);
    expect(lines.join('\n')).toMatch(/pretrained\/colours lp seed 0: top-1 (99\.\d|100\.0)%/);

    // Resume: the finished run is skipped and its stored result reused.
    const again: string[] = [];
    const r2 = await runBenchmark({
      models: [ckpt],
      tasks: ['colours'],
      modes: 'lp',
      out,
      plugins: [pluginFile],
      dataRoot: join(dir, 'data'),
      engine: 'tfjs',
      preset: 'tiny',
      settings: lpSettings,
      progress: false,
      log: (l) => again.push(l),
    });
    expect(again.join('\n')).toMatch(/done earlier/);
    expect(r2.runs[0].top1).toBe(run.top1);
  });

  it('LP trained the head: it differs from the seeded initial head the run started from', async () => {
    const init = await modelForTask({ name: 'pretrained', checkpoint: ckpt }, 3, '0:colours:lp');
    const w0 = init.stateDict().get('head.weight')?.data as Float32Array;
    init.dispose();
    const w1 = (
      await readSafetensors(join(dir, 'out', 'pretrained', 'colours', 'seed-0', 'lp.safetensors'))
    ).tensors.get('head.weight')?.data as Float32Array;
    expect(w1.length).toBe(w0.length);
    expect(Math.max(...w1.map((v, i) => Math.abs(v - w0[i])))).toBeGreaterThan(1e-3);
  });

  it('FT (through alignModel) and LP for two models over 2 seeds: results.json, results.md and charts match the runs, and every number recomputes from the predictions', async () => {
    const out = join(dir, 'out'); // the LP run of the first test is reused (resume)
    const r = await runBenchmark({
      models: [
        ckpt,
        {
          name: 'scratch',
          scratch: { ...TINY_TRUNK_16 },
        },
      ],
      tasks: ['colours'],
      modes: 'both',
      out,
      plugins: [pluginFile],
      roots: { colours: join(dir, 'data', 'colours') },
      engine: 'onnx',
      preset: 'tiny',
      settings: { ...lpSettings, ft: { epochs: 1, batchSize: 6, warmupEpochs: 0 } },
      seeds: 2,
      replicates: 300,
      progress: false,
    });
    // scratch has no LP run (nothing to probe): 3 cells x 2 seeds.
    expect(r.seeds).toEqual([0, 1]);
    expect(r.runs.map((x) => `${x.model}/${x.mode}/${x.seed}`).sort()).toEqual([
      'pretrained/ft/0',
      'pretrained/ft/1',
      'pretrained/lp/0',
      'pretrained/lp/1',
      'scratch/ft/0',
      'scratch/ft/1',
    ]);
    for (const x of r.runs) {
      expect(existsSync(join(out, x.weights)), x.weights).toBe(true);
      // The seed-0 LP run is the first test's (tfjs), reused; every new run here uses onnx.
      expect(x.engine).toBe(x.mode === 'lp' && x.seed === 0 ? 'tfjs' : 'onnx');
      expect(x.top1).toBeGreaterThanOrEqual(0);
      expect(x.predictions).toHaveLength(6);
    }
    const lp = r.runs.filter((x) => x.mode === 'lp');
    for (const x of lp) expect(x.top1).toBeGreaterThanOrEqual(99);
    // The seed changed the run: the two scratch FT models start from different initialisations.
    const s0 = (await readSafetensors(join(out, 'scratch', 'colours', 'seed-0', 'ft.safetensors'))).tensors;
    const s1 = (await readSafetensors(join(out, 'scratch', 'colours', 'seed-1', 'ft.safetensors'))).tensors;
    const w = 'blocks.0.attn.qkv.weight';
    expect(
      Buffer.from((s0.get(w)?.data as Float32Array).buffer).equals(
        Buffer.from((s1.get(w)?.data as Float32Array).buffer),
      ),
    ).toBe(false);
    // FT changed the trunk (it trains the whole model).
    const a = (await readSafetensors(ckpt)).tensors;
    const ft = (await readSafetensors(join(out, 'pretrained', 'colours', 'seed-0', 'ft.safetensors'))).tensors;
    expect(
      Buffer.from((ft.get(w)?.data as Float32Array).buffer).equals(
        Buffer.from((a.get(w)?.data as Float32Array).buffer),
      ),
    ).toBe(false);

    // results.json: every number recomputes exactly from the stored predictions.
    const json = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as BenchmarkResults;
    expect(json.format).toBe('ppma-bench/2');
    expect(json.runs.length).toBe(6);
    for (const x of json.runs) {
      expect(predictionsTop1(x.predictions)).toBe(x.top1);
      const stored = JSON.parse(
        await readFile(join(out, x.model, x.task, `seed-${x.seed}`, `${x.mode}.json`), 'utf8'),
      ) as RunRecord;
      expect(stored.top1).toBe(x.top1);
      expect(stored.predictions).toEqual(x.predictions);
    }
    const again = computeEvidence(json, [{ a: 'pretrained', b: 'scratch' }], json.statistics);
    expect(again.cells).toEqual(json.cells);
    expect(again.averages).toEqual(json.averages);
    expect(again.comparisons).toEqual(json.comparisons);
    const lpMean = (lp[0].top1 + lp[1].top1) / 2;
    expect(json.averages.pretrained.lp?.mean).toBeCloseTo(lpMean, 12);
    expect(json.averages.scratch.lp).toBeUndefined();
    expect(json.comparisons.map((c) => `${c.a}-${c.b}-${c.mode}`)).toEqual(['pretrained-scratch-ft']);

    const md = await readFile(join(out, 'results.md'), 'utf8');
    const row = md.split('\n').find((l) => l.startsWith('| pretrained |')) as string;
    const cell = (mode: 'ft' | 'lp') => json.cells.find((c) => c.model === 'pretrained' && c.mode === mode);
    const iv = (c: { mean: number; lo: number; hi: number } | undefined) =>
      `${c?.mean.toFixed(1)} [${c?.lo.toFixed(1)}, ${c?.hi.toFixed(1)}]`;
    expect(row).toBe(
      `| pretrained | ${iv(cell('ft'))} | ${iv(cell('lp'))} | ${iv(json.averages.pretrained.ft)} | ${iv(json.averages.pretrained.lp)} |`,
    );
    expect(md).toMatch(/\| model \| colours FT \| colours LP \| avg FT \| avg LP \|/);
    expect(md).toMatch(/- pretrained [<>≈] scratch on avg FT: /);
    for (const f of [
      'accuracy-ft.svg',
      'accuracy-lp.svg',
      'curves-ft.svg',
      'curves-lp.svg',
      'confusion/pretrained/colours-ft.svg',
      'confusion/pretrained/colours-lp.svg',
      'confusion/scratch/colours-ft.svg',
    ]) {
      const svg = await readFile(join(out, f), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.trim().endsWith('</svg>')).toBe(true);
    }
    const acc = await readFile(join(out, 'accuracy-lp.svg'), 'utf8');
    expect(acc).toContain(`pretrained / colours: ${lpMean.toFixed(1)}%`);
  });
});
