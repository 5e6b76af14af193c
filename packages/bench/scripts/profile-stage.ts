/**
 * Profile of the bench, learned-beta and privacy stages of a pipeline run (issue 13): runs one
 * model's FT and LP on one task, one learned-beta seed and one privacy probe on the run's data and
 * checkpoints (read only; everything is written under `<out>`), and splits the wall time into
 * decoding, training steps, evaluation, feature extraction, probes and report.
 *
 *   node --conditions=@ppma/source --import tsx packages/bench/scripts/profile-stage.ts <run dir> <out> [task] [model]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatBackend, initBackend, MetricsLog } from '@ppma/core';
import { decodeTaskViews, learnBetaOnTask } from '@ppma/soup';
import { loadViewBlock, viewsPerVideo, type ViewSpec } from '@ppma/video-io';
import {
  alignFinetuner,
  createFeatureExtractor,
  evaluateFeatures,
  extractSplitFeatures,
  linearProbe,
  modelForTask,
  resolveModels,
  resolveSettings,
  resolveTasks,
  syntheticPrivacyTasks,
  writeReport,
  type BenchmarkResults,
  type ViewCache,
} from '../src/index.js';

const [runDir, out, taskName = 'synth-ucf', modelName = 'ppma'] = process.argv.slice(2);
if (!runDir || !out) throw new Error('usage: profile-stage.ts <pipeline run dir> <out> [task] [model]');
const stages = join(runDir, 'stages');
const stage = (prefix: string): string => {
  const d = readdirSync(stages).find((n) => n.startsWith(`${prefix}-`) && /-[0-9a-f]{12}$/.test(n));
  if (!d) throw new Error(`${stages}: no ${prefix} stage`);
  return join(stages, d);
};
const times: [string, number][] = [];
const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  const r = await f();
  times.push([name, (performance.now() - t0) / 1000]);
  return r;
};
const stepSeconds = (file: string): number =>
  new MetricsLog(file)
    .read()
    .filter((r) => r.kind === 'step')
    .reduce((s, r) => s + Number(r.computeSec ?? 0) + Number(r.dataSec ?? 0), 0);

console.log(`backend ${formatBackend(await initBackend())}`);
const data = stage('data');
const synthIndex = join(data, 'index.json');
const checkpoint = join(stage(`align-${modelName}`), 'model.safetensors');
const [task] = await resolveTasks([taskName], { synthIndex });
const splits = await task.load(data);
const s = resolveSettings('tiny', { ft: { epochs: 15 } }, task.defaults);
const [m] = resolveModels([{ name: modelName, checkpoint }]);
const classes = splits.train.labels.length;
const model0 = await modelForTask(m, classes, 'probe');
const { frames, height, width } = model0.config;
model0.dispose();
const spec: ViewSpec = { frames, height, width, ...s.eval };
const views: ViewCache = new Map();

// Decoding: every validation and training clip, 2 clips x 3 crops.
await timed('decode val views (once)', async () => {
  for (const e of splits.val.entries)
    views.set(`${e.path}\u0000${JSON.stringify(spec)}`, await loadViewBlock(e.path, spec));
});
await timed('decode train views (once)', async () => {
  for (const e of splits.train.entries)
    views.set(`${e.path}\u0000${JSON.stringify(spec)}`, await loadViewBlock(e.path, spec));
});

// FT: alignModel (its logged steps are forward/backward + batch assembly), then evaluation.
const ftDir = join(out, 'ft');
const fr = await timed('ft: alignModel total', () =>
  alignFinetuner({
    model: m,
    task: task.name,
    train: splits.train,
    val: splits.val,
    classes,
    settings: s.ft,
    eval: s.eval,
    runDir: ftDir,
    seed: 0,
    resume: false,
    progress: false,
  }),
);
times.push(['ft: of which logged steps (fwd/bwd + batches)', stepSeconds(join(ftDir, 'metrics.jsonl'))]);
const ex = await timed('ft eval: onnx export + session', () => createFeatureExtractor(fr.model, { workDir: ftDir }));
const val = await timed(
  `ft eval: ${splits.val.entries.length * viewsPerVideo(spec)} view forwards (${ex.engine})`,
  () => extractSplitFeatures(splits.val, ex, spec, { views }),
);
await ex.dispose();
await timed('ft eval: head + softmax average', () => evaluateFeatures(fr.model, val, classes, fr.head));
await timed('ft: save weights', () => fr.model.save(join(out, 'ft.safetensors'), { stage: 'finetune' }));
fr.model.dispose();

// LP: features of the frozen trunk once, then the probe.
const lpModel = await modelForTask(m, classes, '0:lp');
const lx = await timed('lp: onnx export + session', () =>
  createFeatureExtractor(lpModel, { workDir: join(out, 'lp') }),
);
const lpTrain = await timed('lp: train features', () => extractSplitFeatures(splits.train, lx, spec, { views }));
const lpVal = await timed('lp: val features', () => extractSplitFeatures(splits.val, lx, spec, { views }));
await lx.dispose();
await timed('lp: probe training + evaluation', () =>
  linearProbe({
    model: lpModel,
    train: lpTrain,
    val: lpVal,
    classes,
    settings: s.lp,
    runDir: join(out, 'lp'),
    seed: '0:lp',
    resume: false,
  }),
);
lpModel.dispose();

// Statistics and report of the quiet run's bench results (every run, 2000 replicates).
const bench = JSON.parse(readFileSync(join(stage('bench'), 'results.json'), 'utf8')) as BenchmarkResults;
await timed(`report: bootstrap + tables + SVG (${bench.runs.length} runs)`, () =>
  writeReport(join(out, 'report'), { ...bench, comparisons: bench.comparisons.map((c) => ({ a: c.a, b: c.b })) }),
);

// Learned beta: decode, then one seed (its logged steps are the mixed-trunk forward/backward).
const ingredients = ['nh', 'nh-synth'].map((n) => join(stage(`align-${n}`), 'model.safetensors'));
const decoded = await timed('beta: decodeTaskViews', () =>
  decodeTaskViews({ models: ingredients, train: splits.train, val: splits.val }),
);
const betaDir = join(out, 'beta');
await timed('beta: learnBetaOnTask (1 seed, 30 epochs)', () =>
  learnBetaOnTask({
    models: ingredients,
    train: splits.train,
    val: splits.val,
    out: betaDir,
    epochs: 30,
    seed: 0,
    resume: false,
    decoded,
  }),
);
times.push(['beta: of which logged steps', stepSeconds(join(betaDir, 'metrics.jsonl'))]);

// Privacy: one model's features of the identity clips and one probe.
const labels = join(stage('privacy'), 'labels', 'index.json');
const [ptask] = await syntheticPrivacyTasks(existsSync(labels) ? labels : synthIndex);
const psplits = await ptask.load(data);
const asManifest = (e: readonly { path: string }[]) => ({
  labels: ['clip'],
  entries: e.map((x) => ({ path: x.path, label: 0, labelName: 'clip' })),
});
const pm = await modelForTask(m, 2, 'privacy');
const px = await createFeatureExtractor(pm, { workDir: join(out, 'privacy') });
const shared = psplits.val.entries.filter((e) => views.has(`${e.path}\u0000${JSON.stringify(spec)}`)).length;
console.log(`privacy: ${shared} of ${psplits.val.entries.length} val clips are the bench task's clips`);
const pViews: ViewCache = new Map();
await timed(
  `privacy: decode + features of ${psplits.train.entries.length + psplits.val.entries.length} clips`,
  async () => {
    await extractSplitFeatures(asManifest(psplits.train.entries), px, spec, { views: pViews });
    await extractSplitFeatures(asManifest(psplits.val.entries), px, spec, { views: pViews });
  },
);
await timed('privacy: features again (decoded)', async () => {
  await extractSplitFeatures(asManifest(psplits.train.entries), px, spec, { views: pViews });
  await extractSplitFeatures(asManifest(psplits.val.entries), px, spec, { views: pViews });
});
await px.dispose();
pm.dispose();

for (const [k, v] of times) console.log(`${v.toFixed(2).padStart(8)} s  ${k}`);
