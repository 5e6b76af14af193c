/**
 * End to end on a trivially separable task (clips coloured by class) defined by a plugin file the
 * test writes: LP keeps the trunk bit-identical and reaches ~100%; FT runs through alignModel;
 * results.json, results.md and the charts match the runs; a rerun skips finished runs.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, readSafetensors } from '@ppma/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelForTask, runBenchmark, type BenchmarkResults, type RunRecord } from '../src/index.js';
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
    expect(run).toMatchObject({ model: 'pretrained', task: 'colours', mode: 'lp', evaluated: 6, engine: 'tfjs' });
    expect(run.videos).toEqual({ train: 12, val: 7 });
    expect(run.skipped.map((x) => x.path)).toEqual([join(dir, 'broken.mp4')]);
    expect(run.skipped[0].reason).toMatch(/^PPMA_VIDEO/);
    expect(run.top1).toBeGreaterThanOrEqual(0.99);
    expect(run.curve.length).toBe(25);
    expect(run.curve[24].loss).toBeLessThan(run.curve[0].loss);

    // Frozen trunk: every non-head tensor of the saved LP model equals the input checkpoint bit for bit.
    const a = (await readSafetensors(ckpt)).tensors;
    const b = (await readSafetensors(join(out, 'pretrained', 'colours', 'lp.safetensors'))).tensors;
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
    expect(lines.join('\n')).toMatch(/pretrained\/colours lp: top-1 1\d\d?\.\d%|pretrained\/colours lp: top-1 100\.0%/);

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
    const w1 = (await readSafetensors(join(dir, 'out', 'pretrained', 'colours', 'lp.safetensors'))).tensors.get(
      'head.weight',
    )?.data as Float32Array;
    expect(w1.length).toBe(w0.length);
    expect(Math.max(...w1.map((v, i) => Math.abs(v - w0[i])))).toBeGreaterThan(1e-3);
  });

  it('FT (through alignModel) and LP for two models: results.json, results.md and charts match the runs', async () => {
    const out = join(dir, 'out'); // the LP run of the first test is reused (resume)
    const r = await runBenchmark({
      models: [
        ckpt,
        {
          name: 'scratch',
          scratch: { dim: 32, depth: 2, heads: 2, tubelet: 2, patch: 8, frames: 4, height: 16, width: 16 },
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
      progress: false,
    });
    // scratch has no LP run (nothing to probe): 3 runs.
    expect(r.runs.map((x) => `${x.model}/${x.mode}`).sort()).toEqual(['pretrained/ft', 'pretrained/lp', 'scratch/ft']);
    for (const x of r.runs) {
      expect(existsSync(join(out, x.weights)), x.weights).toBe(true);
      expect(x.engine).toBe(x.mode === 'ft' ? 'onnx' : 'tfjs');
      expect(x.top1).toBeGreaterThanOrEqual(0);
    }
    const lp = r.runs.find((x) => x.mode === 'lp') as RunRecord;
    expect(lp.top1).toBeGreaterThanOrEqual(0.99);
    // FT changed the trunk (it trains the whole model).
    const a = (await readSafetensors(ckpt)).tensors;
    const ft = (await readSafetensors(join(out, 'pretrained', 'colours', 'ft.safetensors'))).tensors;
    const w = 'blocks.0.attn.qkv.weight';
    expect(
      Buffer.from((ft.get(w)?.data as Float32Array).buffer).equals(
        Buffer.from((a.get(w)?.data as Float32Array).buffer),
      ),
    ).toBe(false);

    const json = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as BenchmarkResults;
    expect(json.runs.length).toBe(3);
    for (const x of r.runs) {
      const stored = JSON.parse(await readFile(join(out, x.model, x.task, `${x.mode}.json`), 'utf8')) as RunRecord;
      expect(json.runs.find((y) => y.model === x.model && y.mode === x.mode)?.top1).toBe(stored.top1);
    }
    expect(json.averages.pretrained.lp?.mean).toBe(lp.top1);
    expect(json.averages.scratch.lp).toBeUndefined();
    const md = await readFile(join(out, 'results.md'), 'utf8');
    const row = md.split('\n').find((l) => l.startsWith('| pretrained |')) as string;
    const ftRun = r.runs.find((x) => x.model === 'pretrained' && x.mode === 'ft') as RunRecord;
    expect(row).toBe(
      `| pretrained | ${(100 * ftRun.top1).toFixed(1)} | ${(100 * lp.top1).toFixed(1)} | ${(100 * ftRun.top1).toFixed(1)} | ${(100 * lp.top1).toFixed(1)} |`,
    );
    expect(md).toMatch(/\| model \| colours FT \| colours LP \| avg FT \| avg LP \|/);
    for (const f of ['accuracy-ft.svg', 'accuracy-lp.svg', 'curves-ft.svg', 'curves-lp.svg']) {
      const svg = await readFile(join(out, f), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.trim().endsWith('</svg>')).toBe(true);
    }
    const acc = await readFile(join(out, 'accuracy-lp.svg'), 'utf8');
    expect(acc).toContain(`pretrained / colours: ${(100 * lp.top1).toFixed(1)}%`);
  });
});
