/**
 * The "done when" experiment on the embedded mini-benchmark: generate the tiny synthetic
 * benchmark, pre-train a vit-nano by supervised alignment on its "real" + "synthetic" pre-training
 * sets (Align only, no MAE: a quick stand-in for a pre-trained model), then run FT and LP on every
 * downstream task for that model and for the same architecture from scratch.
 *
 *   node --conditions=@ppma/source --import tsx packages/bench/bench/synthetic.ts [outDir] [alignEpochs] [seeds]
 *
 * Short option for a quick check: `... synthetic.ts /tmp/x 2 1` (2 alignment epochs, 1 seed).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { initBackend, formatBackend } from '@ppma/core';
import { alignModel } from '@ppma/align';
import { generateBenchmark, type BenchmarkIndex } from '@ppma/synth';
import { variantConfig } from '@ppma/vit';
import { runBenchmark } from '../src/index.js';

const out = resolve(process.argv[2] ?? '/tmp/ppma-bench-synthetic');
const alignEpochs = Number(process.argv[3] ?? 10);
const seeds = Number(process.argv[4] ?? 3);
const t0 = performance.now();
const info = await initBackend();
console.log(`backend ${formatBackend(info)}`);
const data = join(out, 'data');
if (!existsSync(join(data, 'index.json'))) {
  const g = await generateBenchmark({ preset: 'tiny', seed: 0, out: data });
  console.log(`generated ${g.clips} clips in ${g.seconds.toFixed(1)} s`);
}
const index = JSON.parse(await readFile(join(data, 'index.json'), 'utf8')) as BenchmarkIndex;
const pre = index.datasets.filter((d) => d.kind !== 'downstream');
const nano = variantConfig('vit-nano');
const ta = performance.now();
const aligned = await alignModel({
  init: { kind: 'scratch', config: nano, seed: 1 },
  datasets: pre.map((d) => ({ name: d.name.replace(/[^A-Za-z0-9_-]/g, '_'), manifest: join(data, d.train) })),
  out: join(out, 'align'),
  preset: 'cpu',
  recipe: { epochs: alignEpochs },
  stride: 2,
  seed: 1,
  resume: true,
});
console.log(
  `aligned ${aligned.steps} steps in ${((performance.now() - ta) / 1000).toFixed(0)} s -> ${aligned.checkpoint}`,
);
const r = await runBenchmark({
  models: [
    { name: 'align-synth', checkpoint: aligned.checkpoint },
    { name: 'scratch', scratch: nano },
  ],
  tasks: ['all'],
  synthIndex: data,
  modes: 'both',
  out: join(out, 'bench'),
  preset: 'tiny',
  seeds,
  log: (l) => console.log(l),
});
console.log(await readFile(join(out, 'bench', r.files.table), 'utf8'));
console.log(`total ${((performance.now() - t0) / 1000).toFixed(0)} s`);
