/**
 * Checks that the benchmark and the learned-beta soup give the same per-clip predictions as a
 * finished pipeline run (issue 13: faster, same results): reruns one model's FT and LP on one task
 * for the first seeds, twice in one process (the second time every view comes from the process-wide
 * cache), and the beta soup's LP and FT with the cached views, then compares every prediction
 * (class and probability) with the stored run. Writes only under `<out>`.
 *
 *   node --conditions=@ppma/source --import tsx packages/bench/scripts/same-results.ts <run dir> <out> [task] [model] [seeds]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatBackend, initBackend } from '@ppma/core';
import { decodeTaskViews, learnBetaOnTask } from '@ppma/soup';
import {
  cachedViewBlock,
  resolveTasks,
  runBenchmark,
  type BenchmarkResults,
  type ClipPrediction,
} from '../src/index.js';

const [runDir, out, taskName = 'synth-ucf', modelName = 'ppma', seedArg = '2'] = process.argv.slice(2);
if (!runDir || !out) throw new Error('usage: same-results.ts <pipeline run dir> <out> [task] [model] [seeds]');
const stages = join(runDir, 'stages');
const stage = (prefix: string): string => {
  const d = readdirSync(stages).find((n) => n.startsWith(`${prefix}-`) && /-[0-9a-f]{12}$/.test(n));
  if (!d) throw new Error(`${stages}: no ${prefix} stage`);
  return join(stages, d);
};
console.log(`backend ${formatBackend(await initBackend())}`);
const data = stage('data');
const synthIndex = join(data, 'index.json');
const stored = JSON.parse(readFileSync(join(stage('bench'), 'results.json'), 'utf8')) as BenchmarkResults;
const pipeline = JSON.parse(readFileSync(join(runDir, 'pipeline-results.json'), 'utf8')) as {
  settings: { bench: { ftEpochs: number; lpEpochs: number }; betaEpochs: number };
};
const same = (a: readonly ClipPrediction[], b: readonly ClipPrediction[] | undefined): boolean =>
  b !== undefined && JSON.stringify(a) === JSON.stringify(b);
let failures = 0;
const report = (what: string, ok: boolean): void => {
  if (!ok) failures++;
  console.log(`${ok ? 'same     ' : 'DIFFERENT'} ${what}`);
};

const seeds = Number(seedArg);
for (const pass of ['decoded', 'cached views']) {
  const t0 = performance.now();
  const res = await runBenchmark({
    models: [{ name: modelName, checkpoint: join(stage(`align-${modelName}`), 'model.safetensors') }],
    tasks: [taskName],
    synthIndex,
    out: join(out, pass.replace(' ', '-')),
    preset: 'tiny',
    settings: { ft: { epochs: pipeline.settings.bench.ftEpochs }, lp: { epochs: pipeline.settings.bench.lpEpochs } },
    seeds,
    resume: false,
    progress: false,
  });
  console.log(`${pass}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  for (const r of res.runs) {
    const s = stored.runs.find(
      (x) => x.model === r.model && x.task === r.task && x.mode === r.mode && x.seed === r.seed,
    );
    report(
      `${pass}: ${r.model}/${r.task} ${r.mode} seed ${r.seed} (top-1 ${r.top1.toFixed(2)} vs ${s?.top1.toFixed(2)})`,
      same(r.predictions, s?.predictions),
    );
  }
}

// Learned beta, seed 0, with the benchmark's cached views.
const ingredients = ['nh', 'nh-synth'].map((n) => join(stage(`align-${n}`), 'model.safetensors'));
const [task] = await resolveTasks([taskName], { synthIndex });
const splits = await task.load(data);
const decoded = await decodeTaskViews({
  models: ingredients,
  train: splits.train,
  val: splits.val,
  loadBlock: cachedViewBlock,
});
const beta = await learnBetaOnTask({
  models: ingredients,
  train: splits.train,
  val: splits.val,
  out: join(out, 'beta'),
  epochs: pipeline.settings.betaEpochs,
  seed: 0,
  resume: false,
  decoded,
});
const storedBeta = JSON.parse(readFileSync(join(stage('soup-beta'), taskName, 'seed-0', 'beta-run.json'), 'utf8')) as {
  lpPredictions: ClipPrediction[];
  ftPredictions?: ClipPrediction[];
};
report(`beta soup LP seed 0`, same(beta.predictions, storedBeta.lpPredictions));
const ft = await runBenchmark({
  models: [{ name: 'beta-soup', checkpoint: beta.checkpoint }],
  tasks: [task],
  modes: ['ft'],
  out: join(out, 'beta-ft'),
  preset: 'tiny',
  settings: { ft: { epochs: pipeline.settings.bench.ftEpochs } },
  seed: 0,
  resume: false,
  progress: false,
});
report(`beta soup FT seed 0`, same(ft.runs[0].predictions, storedBeta.ftPredictions));
console.log(failures === 0 ? 'every prediction is the same' : `${failures} differ`);
process.exitCode = failures === 0 ? 0 : 1;
