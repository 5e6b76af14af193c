/**
 * Issue 13, question 1a (docs/experiments.md): is the zero-bias signal learnable at the downstream
 * training size? The motion-only ridge probe (pooled frame differences) on synth-diving and
 * synth-uav against the number of training clips per class (the default run trains on 6), on the
 * default run's 150 validation clips per task, 3 seeds (seed 0: clips 0..n-1, the default run's
 * training clips when n = 6; seeds 1, 2: n clips per class drawn from the first 80). Feature ranges:
 * all 16 frames, or one 8-frame window (what one view of the tiny ViT sees).
 *
 * `node --conditions=@ppma/source --import tsx experiments/q1-motion-curve.ts [cacheDir] [out.json]`
 */
import { writeFileSync } from 'node:fs';
import { Rng } from '@ppma/core';
import { clips, taskSpec } from './lib/clips.js';
import { frameDifferences } from './lib/features.js';
import { correctness, fitRidgeCv, rows } from './lib/ridge.js';
import { cellNumbers, cellText, stack } from './lib/summary.js';

const cacheDir = process.argv[2] ?? '/tmp/h5/clips';
const outFile = process.argv[3] ?? 'experiments/results/q1-motion-curve.json';
const TASKS = ['synth-diving', 'synth-uav'];
const SIZES = [6, 8, 16, 40, 80];
const POOL = 80;
const SEEDS = [0, 1, 2];
const RANGES: Record<string, [number, number]> = {
  'frames 0-15': [0, 16],
  'frames 0-7': [0, 8],
  'frames 8-15': [8, 16],
};

/** Training row indices (into the class-major pool of POOL clips per class) of one seed. */
function subset(classes: number, n: number, seed: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < classes; c++) {
    const ks = Array.from({ length: POOL }, (_, k) => k);
    if (seed !== 0) new Rng(`q1-subset-${seed}-${c}`).shuffle(ks);
    for (const k of ks.slice(0, n)) out.push(c * POOL + k);
  }
  return out;
}

const results: unknown[] = [];
console.log('| task | features | train clips/class | val clips | top-1 % [95% CI] (3 seeds) | lambda (CV) |');
console.log('| --- | --- | ---: | ---: | ---: | --- |');
for (const task of TASKS) {
  const k = taskSpec(task).classes.length;
  const t0 = performance.now();
  const train = clips(task, 'train', POOL, cacheDir);
  const val = clips(task, 'val', 25, cacheDir);
  console.error(`${task}: ${train.length + val.length} clips in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  for (const [range, [from, to]] of Object.entries(RANGES)) {
    const tr = rows(
      train.map((c) => frameDifferences(c.video, from, to)),
      train.map((c) => c.label),
    );
    const va = rows(
      val.map((c) => frameDifferences(c.video, from, to)),
      val.map((c) => c.label),
    );
    for (const n of SIZES) {
      const probes = SEEDS.map((s) => fitRidgeCv(tr, subset(k, n, s), k, s));
      const cell = stack(probes.map((p) => correctness(p, va)));
      const lambdas = probes.map((p) => p.lambda).join('/');
      console.log(`| ${task} | ${range} | ${n} | ${va.n} | ${cellText(cell)} | ${lambdas} |`);
      results.push({
        task,
        features: `frame differences, ${range}`,
        trainPerClass: n,
        valClips: va.n,
        seeds: SEEDS,
        lambdas,
        ...cellNumbers(cell),
      });
    }
  }
}
writeFileSync(outFile, JSON.stringify({ experiment: 'q1-motion-curve', chance: 100 / 6, results }, null, 2));
