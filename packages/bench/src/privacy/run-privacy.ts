/**
 * `runPrivacyProbes` (issue 17 §3, docs/ARCHITECTURE.md §5 "Downstream", §12): for every model and
 * privacy task, the frozen trunk's multi-view features of every clip are extracted once (the same
 * feature path and views as the benchmark's LP), then a linear probe per private attribute and seed
 * is trained on the train clips and scored on the validation clips. Leakage is its accuracy, with
 * bootstrap intervals, against chance, beside each model's action accuracy when given. Writes
 * `privacy.json`, `privacy.md` and the privacy/utility chart `privacy-utility.svg`.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { atomicWrite, ConfigError } from '@ppma/core';
import { topK, type Manifest, type ViewSpec } from '@ppma/video-io';
import type { VideoViT } from '@ppma/vit';
import { createFeatureExtractor, extractSplitFeatures, type FeatureEngine, type SplitFeatures } from '../features.js';
import { sharedFeatureMemo, sharedViewCache, type ViewCache } from '../view-cache.js';
import { modelForTask, resolveModels, type BenchModel, type ModelInput } from '../models.js';
import { linearProbe } from '../protocols/linear-probe.js';
import { DEFAULT_STATISTICS, type StatisticsInfo } from '../report/results.js';
import { predictionsTop1 } from '../stats/evidence.js';
import type { Interval } from '../stats/bootstrap.js';
import { prepareRunDir, runSignature } from '../run-one.js';
import { resolveSettings, type BenchPreset, type BenchSettings, type SettingsOverrides } from '../settings.js';
import { seedList } from '../run-benchmark.js';
import { computeLeakage, type LeakageEvidence, type PrivacyRun } from './leakage.js';
import type { PrivacyManifest, PrivacyTaskPlugin } from './privacy-task.js';
import { privacyUtilityChart } from './privacy-chart.js';
import { privacySection } from './privacy-section.js';

/** Options of {@link runPrivacyProbes}. */
export interface RunPrivacyOptions {
  /** Checkpoints or `scratch:<variant>` (a random trunk: the leakage of an untrained representation). */
  readonly models: readonly ModelInput[];
  readonly tasks: readonly PrivacyTaskPlugin[];
  /** Data root per task name (default: the current folder). */
  readonly roots?: Readonly<Record<string, string>>;
  readonly out: string;
  /** Protocol preset of the probe and views (default `tiny`): the benchmark's LP recipe. */
  readonly preset?: BenchPreset;
  readonly settings?: SettingsOverrides;
  /** First seed and number of seeds per probe (default 0 and 2). */
  readonly seed?: number;
  readonly seeds?: number;
  readonly engine?: FeatureEngine;
  /** Action accuracy per model name (e.g. the benchmark's average FT top-1): the chart's y axis. */
  readonly utility?: Readonly<Record<string, Interval>>;
  /** What `utility` is, for the table and chart (default "action top-1 (%)"). */
  readonly utilityLabel?: string;
  /** Model pairs whose mean leakage is compared (default: every model against the first). */
  readonly comparisons?: readonly { a: string; b: string }[];
  readonly replicates?: number;
  readonly resume?: boolean;
  readonly progress?: boolean;
  readonly log?: (line: string) => void;
}

/** `privacy.json` (format `ppma-privacy/1`). */
export interface PrivacyResults extends LeakageEvidence {
  readonly format: 'ppma-privacy/1';
  readonly models: readonly { name: string; checkpoint: string | null }[];
  readonly tasks: readonly { name: string; attributes: { name: string; classes: string[] }[] }[];
  readonly seeds: readonly number[];
  readonly runs: readonly PrivacyRun[];
  readonly utility?: Readonly<Record<string, Interval>>;
  readonly utilityLabel: string;
  readonly statistics: StatisticsInfo;
  readonly settings: { lp: BenchSettings['lp']; eval: BenchSettings['eval'] };
  readonly files: { json: string; table: string; chart: string };
}

const asManifest = (m: PrivacyManifest): Manifest => ({
  labels: ['clip'],
  entries: m.entries.map((e) => ({ path: e.path, label: 0, labelName: 'clip' })),
});

/** The rows of `f` whose clip has a label for attribute `k`, labelled with it. */
function attributeSplit(f: SplitFeatures, m: PrivacyManifest, k: number): SplitFeatures {
  const label = new Map(m.entries.map((e) => [e.path, e.labels[k]]));
  const keep = f.paths.map((p, i) => [p, i] as const).filter(([p]) => (label.get(p) ?? -1) >= 0);
  const rowLen = f.views * f.dim;
  const features = new Float32Array(keep.length * rowLen);
  keep.forEach(([, i], j) => features.set(f.features.subarray(i * rowLen, (i + 1) * rowLen), j * rowLen));
  return {
    features,
    labels: Int32Array.from(keep.map(([p]) => label.get(p) ?? -1)),
    paths: keep.map(([p]) => p),
    views: f.views,
    dim: f.dim,
    skipped: f.skipped,
  };
}

function majority(labels: Int32Array, classes: number): number {
  const n = new Array<number>(classes).fill(0);
  for (const l of labels) n[l]++;
  return n.indexOf(Math.max(...n));
}

interface ModelFeatures {
  train: SplitFeatures;
  val: SplitFeatures;
}

async function taskFeatures(
  m: BenchModel,
  task: PrivacyTaskPlugin,
  splits: { train: PrivacyManifest; val: PrivacyManifest },
  s: BenchSettings,
  o: RunPrivacyOptions,
  views: ViewCache,
): Promise<ModelFeatures> {
  const model: VideoViT = await modelForTask(m, 2, 'privacy');
  const dir = join(resolve(o.out), m.name, task.name, 'features');
  try {
    await mkdir(dir, { recursive: true });
    const ex = await createFeatureExtractor(model, { engine: o.engine, workDir: dir });
    try {
      const { frames, height, width } = model.config;
      const spec: ViewSpec = { frames, height, width, ...s.eval };
      // The bench stage's LP extracted the same trunks on the same clips: reuse them (identical features).
      const common = { progress: o.progress, views, memo: sharedFeatureMemo() };
      const get = (k: 'train' | 'val'): Promise<SplitFeatures> =>
        extractSplitFeatures(asManifest(splits[k]), ex, spec, {
          ...common,
          cacheFile: join(dir, `features-${k}.safetensors`),
          label: `${m.name}/${task.name} ${k} features`,
        });
      return { train: await get('train'), val: await get('val') };
    } finally {
      await ex.dispose();
    }
  } finally {
    model.dispose();
  }
}

/** One probe: attribute `k` of `task` on a model's features, one seed (resumable in its run folder). */
async function probeOnce(
  m: BenchModel,
  task: PrivacyTaskPlugin,
  k: number,
  seed: number,
  f: ModelFeatures,
  splits: { train: PrivacyManifest; val: PrivacyManifest },
  s: BenchSettings,
  o: RunPrivacyOptions,
): Promise<PrivacyRun> {
  const attr = task.attributes[k];
  const classes = attr.classes.length;
  const train = attributeSplit(f.train, splits.train, k);
  const val = attributeSplit(f.val, splits.val, k);
  if (train.labels.length === 0) throw new ConfigError(`${task.name}.${attr.name}`, 'no annotated training clip');
  const runDir = join(resolve(o.out), m.name, task.name, attr.name, `seed-${seed}`);
  const tag = `${seed}:${task.name}:${attr.name}:privacy`;
  await prepareRunDir(runDir, runSignature(m, 'lp', s, seed) + attr.name, o.resume ?? true);
  const model = await modelForTask(m, classes, tag);
  try {
    const pr = await linearProbe({
      model,
      train,
      val,
      classes,
      settings: s.lp,
      runDir,
      seed: tag,
      resume: o.resume ?? true,
      progress: o.progress,
      label: `${m.name}/${task.name}/${attr.name} seed ${seed}`,
    });
    const top = topK(pr.probs, val.labels.length, classes, 5);
    const predictions = top.map((t, i) => ({ clip: val.paths[i], label: val.labels[i], top5: t }));
    const top1 = predictionsTop1(predictions);
    return {
      model: m.name,
      task: task.name,
      attribute: attr.name,
      seed,
      top1,
      predictions,
      majority: majority(train.labels, classes),
    };
  } finally {
    model.dispose();
  }
}

/**
 * Probes every model's frozen features for every private attribute of every task, and writes
 * `privacy.json`, `privacy.md` and `privacy-utility.svg` to `out`.
 * @throws ConfigError naming the option or attribute; ManifestError from a task's manifests.
 */
export async function runPrivacyProbes(o: RunPrivacyOptions): Promise<PrivacyResults> {
  if (o.tasks.length === 0) throw new ConfigError('tasks', 'no privacy task to probe');
  const models = resolveModels(o.models);
  const s = resolveSettings(o.preset ?? 'tiny', o.settings);
  const seeds = seedList(o.seed ?? 0, o.seeds ?? 2);
  const views: ViewCache = sharedViewCache();
  const runs: PrivacyRun[] = [];
  for (const task of o.tasks) {
    const splits = await task.load(resolve(o.roots?.[task.name] ?? '.'));
    for (const m of models) {
      const f = await taskFeatures(m, task, splits, s, o, views);
      for (let k = 0; k < task.attributes.length; k++)
        for (const seed of seeds) {
          const r = await probeOnce(m, task, k, seed, f, splits, s, o);
          runs.push(r);
          o.log?.(`${m.name}/${task.name}/${r.attribute} seed ${seed}: ${r.top1.toFixed(1)}%`);
        }
    }
  }
  const names = models.map((m) => m.name);
  const comparisons = o.comparisons ?? names.slice(1).map((b) => ({ a: b, b: names[0] }));
  const statistics = { ...DEFAULT_STATISTICS, replicates: o.replicates ?? DEFAULT_STATISTICS.replicates };
  const stats = { replicates: statistics.replicates, seed: statistics.seed, level: statistics.level };
  const attributes = Object.fromEntries(o.tasks.map((t) => [t.name, t.attributes.map((a) => a.name)]));
  const evidence = computeLeakage(runs, names, attributes, comparisons, stats);
  const files = { json: 'privacy.json', table: 'privacy.md', chart: 'privacy-utility.svg' };
  const results: PrivacyResults = {
    format: 'ppma-privacy/1',
    models: models.map((m) => ({ name: m.name, checkpoint: m.checkpoint ?? null })),
    tasks: o.tasks.map((t) => ({
      name: t.name,
      attributes: t.attributes.map((a) => ({ name: a.name, classes: [...a.classes] })),
    })),
    seeds,
    runs,
    ...(o.utility ? { utility: o.utility } : {}),
    utilityLabel: o.utilityLabel ?? 'action top-1 (%)',
    statistics,
    settings: { lp: s.lp, eval: s.eval },
    ...evidence,
    files,
  };
  const out = resolve(o.out);
  await atomicWrite(join(out, files.chart), [privacyUtilityChart(results)]);
  await atomicWrite(join(out, files.table), [privacySection(results, { chart: files.chart, heading: '#' }) + '\n']);
  await atomicWrite(join(out, files.json), [JSON.stringify(results) + '\n']);
  return results;
}
