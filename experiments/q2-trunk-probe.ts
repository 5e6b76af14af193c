/**
 * Issue 13, question 2 (docs/experiments.md): do the pre-trained trunks encode motion? A ridge
 * probe (lib/ridge.ts, penalty by 5-fold CV on the training clips) on frozen features of each trunk
 * vs a random trunk vs the frame-difference features, on synth-diving and synth-uav: the default
 * run's 150 validation clips per task (rendered, before mp4 encoding), 6 training clips per class
 * (the default run's LP size) and 40, 3 seeds (training subsets as in q1-motion-curve.ts).
 * Feature kinds: the bench's LP feature (fc_norm of the token mean, averaged over the 2 windows),
 * the same per window concatenated, and tokens averaged over space per time step (no time pooling).
 *
 * `node --conditions=@ppma/source --import tsx experiments/q2-trunk-probe.ts <out.json> [name=checkpoint ...]`
 * (default checkpoints: the default run's stages copied under /tmp/h5).
 */
import { writeFileSync } from 'node:fs';
import { Rng, initBackend } from '@ppma/core';
import { VideoViT, createModel } from '@ppma/vit';
import { clips, taskSpec } from './lib/clips.js';
import type { Clip } from './lib/clips.js';
import { frameDifferences } from './lib/features.js';
import { correctness, fitRidgeCv, rows } from './lib/ridge.js';
import type { Rows } from './lib/ridge.js';
import { cellNumbers, cellText, diffText, stack } from './lib/summary.js';
import { trunkFeatures } from './lib/trunk-features.js';

const H = '/tmp/h5';
const DEFAULT_MODELS: Record<string, string> = {
  'mae-nh': `${H}/mae-nh-9add7da651ab/encoder.safetensors`,
  'mae-real': `${H}/mae-real-69a0697120d9/encoder.safetensors`,
  'mae-synth': `${H}/mae-synth-d9bc944daf6f/encoder.safetensors`,
  'align-ppma (ppma)': `${H}/align-ppma-5b9a59e7fc65/model.safetensors`,
  'align-real (mae-align-real)': `${H}/align-real-48e83fb1e512/model.safetensors`,
  'align-synth (mae-align-synthetic)': `${H}/align-synth-1aced3aa4aa6/model.safetensors`,
  'align-nh': `${H}/align-nh-f566b93e9c61/model.safetensors`,
};
const [outFile = 'experiments/results/q2-trunk-probe.json', ...modelArgs] = process.argv.slice(2);
const models: [string, string | null][] = [
  ['random trunk (vit-nano, seed 0)', null],
  ...(modelArgs.length
    ? modelArgs.map((a): [string, string] => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)])
    : Object.entries(DEFAULT_MODELS)),
];
const TASKS = ['synth-diving', 'synth-uav'];
const SIZES = [6, 40];
const POOL = 80;
const SEEDS = [0, 1, 2];
const cacheDir = `${H}/clips`;

function subset(classes: number, n: number, seed: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < classes; c++) {
    const ks = Array.from({ length: POOL }, (_, k) => k);
    if (seed !== 0) new Rng(`q1-subset-${seed}-${c}`).shuffle(ks);
    for (const k of ks.slice(0, n)) out.push(c * POOL + k);
  }
  return out;
}

/** The per-seed correctness of probes trained on n clips per class. */
function probe(tr: Rows, va: Rows, classes: number, n: number): Uint8Array[] {
  return SEEDS.map((s) => correctness(fitRidgeCv(tr, subset(classes, n, s), classes, s), va));
}

await initBackend();
const data = Object.fromEntries(
  TASKS.map((t) => [t, { train: clips(t, 'train', POOL, cacheDir), val: clips(t, 'val', 25, cacheDir) }]),
) as Record<string, { train: Clip[]; val: Clip[] }>;
type Cells = Record<string, Record<string, ReturnType<typeof stack>>>; // feature -> task@n -> cell
const cells: Record<string, Cells> = {};
const results: unknown[] = [];
const record = (model: string, feature: string, task: string, n: number, perSeed: Uint8Array[]): void => {
  const c = stack(perSeed);
  ((cells[model] ??= {})[feature] ??= {})[`${task}@${n}`] = c;
  results.push({ model, feature, task, trainPerClass: n, valClips: c.clips, seeds: SEEDS, ...cellNumbers(c) });
};
for (const task of TASKS) {
  const { train, val } = data[task];
  const k = taskSpec(task).classes.length;
  const tr = rows(
    train.map((c) => frameDifferences(c.video)),
    train.map((c) => c.label),
  );
  const va = rows(
    val.map((c) => frameDifferences(c.video)),
    val.map((c) => c.label),
  );
  for (const n of SIZES) record('frame differences (no trunk)', 'frames 0-15', task, n, probe(tr, va, k, n));
}
for (const [name, file] of models) {
  const t0 = performance.now();
  const model = file ? await VideoViT.load(file) : createModel('vit-nano', {}, { seed: 0 });
  for (const task of TASKS) {
    const { train, val } = data[task];
    const k = taskSpec(task).classes.length;
    const [ft, fv] = [await trunkFeatures(model, train), await trunkFeatures(model, val)];
    for (const kind of ['pooled', 'pooledWindows', 'perTime'] as const) {
      const tr = rows(
        ft.map((f) => f[kind]),
        train.map((c) => c.label),
      );
      const va = rows(
        fv.map((f) => f[kind]),
        val.map((c) => c.label),
      );
      for (const n of SIZES) record(name, kind, task, n, probe(tr, va, k, n));
    }
  }
  model.dispose();
  console.error(`${name}: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

const FEATURES = {
  pooled: 'LP feature (2-window mean)',
  pooledWindows: 'LP feature per window',
  perTime: 'per time step',
};
console.log(
  `| trunk | features | ${TASKS.flatMap((t) => SIZES.map((n) => `${t} n=${n}`)).join(' | ')} | mean n=6 | mean n=40 |`,
);
console.log(`| --- | --- | ${TASKS.flatMap(() => SIZES.map(() => '---:')).join(' | ')} | ---: | ---: |`);
for (const [model, byFeature] of Object.entries(cells))
  for (const [feature, byCell] of Object.entries(byFeature)) {
    const label = FEATURES[feature as keyof typeof FEATURES] ?? feature;
    const row = TASKS.flatMap((t) => SIZES.map((n) => cellText(byCell[`${t}@${n}`])));
    const means = SIZES.map((n) => cellText(TASKS.map((t) => byCell[`${t}@${n}`])));
    console.log(`| ${model} | ${label} | ${row.join(' | ')} | ${means.join(' | ')} |`);
  }
// Paired: each trunk's per-time-step probe vs its LP feature, and vs the random trunk (same clips).
const random = cells[models[0][0]];
console.log('\nPaired differences over both tasks (points, 95% CI, p), n = 40:');
for (const [model, byFeature] of Object.entries(cells)) {
  if (!byFeature.perTime) continue;
  const pairs = (a: string, b: Cells[string]) => TASKS.map((t) => ({ a: byFeature[a][`${t}@40`], b: b[`${t}@40`] }));
  console.log(
    `- ${model}: per-time-step - LP feature ${diffText(pairs('perTime', byFeature.pooled))}; ` +
      `per-time-step - random trunk per-time-step ${diffText(pairs('perTime', random.perTime))}; ` +
      `LP feature - random trunk LP feature ${diffText(pairs('pooled', random.pooled))}`,
  );
}
writeFileSync(outFile, JSON.stringify({ experiment: 'q2-trunk-probe', chance: 100 / 6, results }, null, 2));
