/** Leakage probes: a linearly encoded attribute leaks, a shuffled one stays at chance; statistics, CSV reader, report. */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ManifestError, Rng, initBackend } from '@ppma/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHANCE,
  bootstrapAccuracy,
  computeLeakage,
  definePrivacyTask,
  loadPrivacyPlugin,
  privacySection,
  privacyTaskProblems,
  privacyUtilityChart,
  readAttributeCsv,
  runPrivacyProbes,
  syntheticPrivacyTasks,
  type PrivacyManifest,
  type PrivacyRun,
} from '../src/index.js';
import { makeColourTask, saveTinyCheckpoint } from './helpers.js';

let dir: string;
let ckpt: string;
let splits: { train: PrivacyManifest; val: PrivacyManifest };

const ATTRS = [
  { name: 'colour', classes: ['red', 'green', 'blue'] },
  { name: 'shuffled', classes: ['red', 'green', 'blue'] },
];

beforeAll(async () => {
  await initBackend();
  dir = await mkdtemp(join(tmpdir(), 'bench-privacy-'));
  const { train, val } = await makeColourTask(join(dir, 'data'), { perClass: 8, valPerClass: 20, seed: 4 });
  // 'colour' is what the pixels show (linearly encoded in any trunk's features); 'shuffled' is the
  // same labels permuted over clips, so nothing in a clip predicts it.
  const rng = new Rng(9);
  const toPrivacy = (m: typeof train): PrivacyManifest => {
    const perm = rng.permutation(m.entries.length);
    return {
      attributes: ATTRS,
      entries: m.entries.map((e, i) => ({ path: e.path, labels: [e.label, m.entries[perm[i]].label] })),
    };
  };
  splits = { train: toPrivacy(train), val: toPrivacy(val) };
  ckpt = join(dir, 'pretrained.safetensors');
  await saveTinyCheckpoint(ckpt);
});

describe('runPrivacyProbes', () => {
  it('a linearly encoded attribute leaks far above chance; a shuffled one is at chance within its interval', async () => {
    const task = definePrivacyTask({ name: 'colours', attributes: ATTRS, load: () => splits });
    expect(privacyTaskProblems(task)).toEqual([]);
    const out = join(dir, 'out');
    const before = tf.memory().numTensors;
    const r = await runPrivacyProbes({
      models: [ckpt],
      replicates: 500,
      tasks: [task],
      out,
      engine: 'tfjs',
      settings: {
        lp: { epochs: 30, batchSize: 24, warmupEpochs: 2, evalEvery: 10 },
        eval: { numClips: 1, numCrops: 1 },
      },
      seeds: 2,
      utility: { pretrained: { mean: 50, lo: 40, hi: 60 } },
      progress: false,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.runs).toHaveLength(4);
    const cell = (a: string, m = 'pretrained') => r.cells.find((c) => c.model === m && c.attribute === a);
    const colour = cell('colour');
    const shuffled = cell('shuffled');
    const chance = cell('shuffled', CHANCE);
    expect(colour?.clips).toBe(60);
    expect(colour?.mean).toBeGreaterThan(90);
    expect(colour?.vsChance?.lo).toBeGreaterThan(0);
    expect(shuffled?.vsChance?.distinguishable).toBe(false);
    expect(shuffled?.lo).toBeLessThanOrEqual(chance?.mean ?? NaN);
    expect(shuffled?.hi).toBeGreaterThanOrEqual(chance?.mean ?? NaN);
    // every top-1 recomputes from its predictions
    for (const run of r.runs)
      expect(run.top1).toBeCloseTo((100 * run.predictions.filter((p) => p.top5[0][0] === p.label).length) / 60, 10);
    for (const f of ['privacy.json', 'privacy.md', 'privacy-utility.svg']) expect(existsSync(join(out, f))).toBe(true);
    const md = readFileSync(join(out, 'privacy.md'), 'utf8');
    expect(md).toContain('| pretrained |');
    expect(md).toContain('*chance*');
    // a rerun resumes: the same runs, the same numbers
    const again = await runPrivacyProbes({
      models: [ckpt],
      tasks: [task],
      out,
      engine: 'tfjs',
      settings: {
        lp: { epochs: 30, batchSize: 24, warmupEpochs: 2, evalEvery: 10 },
        eval: { numClips: 1, numCrops: 1 },
      },
      seeds: 2,
      replicates: 500,
      progress: false,
    });
    expect(again.cells.map((c) => c.mean)).toEqual(r.cells.map((c) => c.mean));
  }, 180_000);
});

describe('leakage statistics', () => {
  const run = (model: string, attribute: string, seed: number, correct: number[], majority = 0): PrivacyRun => ({
    model,
    task: 't',
    attribute,
    seed,
    majority,
    top1: (100 * correct.filter(Boolean).length) / correct.length,
    // labels alternate 0, 1, 1, 0, 1, ...: the prediction is the label when correct, else the other class
    predictions: correct.map((c, i) => {
      const label = i % 3 === 0 ? 0 : 1;
      return { clip: `c${i}`, label, top5: [[c ? label : 1 - label, 0.9]] };
    }),
  });

  it('cells are the mean over seeds with the bootstrap interval; chance is the training majority on the same clips', () => {
    const a = [1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0];
    const b = [1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    const runs = [run('m', 'x', 0, a), run('m', 'x', 1, b), run('m', 'y', 0, a, 1)];
    const ev = computeLeakage(runs, ['m'], { t: ['x', 'y'] }, [], { replicates: 500 });
    const x = ev.cells.find((c) => c.model === 'm' && c.attribute === 'x');
    expect(x?.mean).toBeCloseTo((100 * (9 / 12 + 10 / 12)) / 2, 10);
    expect(x?.seeds).toEqual([0, 1]);
    // chance on x predicts class 0 (the majority given): right on the clips labelled 0, 4 of 12
    const cx = ev.cells.find((c) => c.model === CHANCE && c.attribute === 'x');
    expect(cx?.mean).toBeCloseTo(100 / 3, 10);
    // on y the majority is class 1: 8 of 12; a one-seed cell's interval is the clip bootstrap
    const cy = ev.cells.find((c) => c.model === CHANCE && c.attribute === 'y');
    expect(cy?.mean).toBeCloseTo(200 / 3, 10);
    const y = ev.cells.find((c) => c.model === 'm' && c.attribute === 'y');
    const ref = bootstrapAccuracy([{ seeds: 1, clips: 12, correct: Uint8Array.from(a) }], {
      replicates: 500,
      seed: '0:m:t/y:lp',
    });
    expect([y?.lo, y?.hi]).toEqual([ref.lo, ref.hi]);
    const s = ev.summaries.find((v) => v.model === 'm');
    expect(s?.mean).toBeCloseTo(((x?.mean ?? 0) + (y?.mean ?? 0)) / 2, 10);
    expect(s?.attributes).toBe(2);
    expect(s?.vsChance?.mean).toBeCloseTo((s?.mean ?? 0) - (100 / 3 + 200 / 3) / 2, 10);
  });

  it('compares models on mean leakage and renders the table and the chart', () => {
    const hi = Array.from({ length: 30 }, () => 1);
    const lo = Array.from({ length: 30 }, (_, i) => (i % 2 ? 1 : 0));
    const runs = [run('leaky', 'x', 0, hi), run('private', 'x', 0, lo)];
    const ev = computeLeakage(runs, ['leaky', 'private'], { t: ['x'] }, [{ a: 'private', b: 'leaky' }], {
      replicates: 500,
    });
    expect(ev.comparisons).toHaveLength(1);
    expect(ev.comparisons[0].mean).toBeCloseTo(-50, 10);
    expect(ev.comparisons[0].distinguishable).toBe(true);
    const input = {
      ...ev,
      models: [{ name: 'leaky' }, { name: 'private' }],
      tasks: [{ name: 't', attributes: [{ name: 'x' }] }],
      seeds: [0],
      utility: { leaky: { mean: 70, lo: 65, hi: 75 }, private: { mean: 60, lo: 55, hi: 65 } },
    };
    const md = privacySection(input, { chart: 'c.svg' });
    expect(md).toContain('| leaky | 100.0 [100.0, 100.0] | 100.0 [100.0, 100.0] |');
    expect(md).toContain('private < leaky on t leakage: -50.0 points');
    expect(md).toContain('![privacy/utility');
    const svg = privacyUtilityChart(input);
    expect(svg.match(/<circle class="model"/g)).toHaveLength(2);
    expect(svg).toContain('class="chance"');
  });
});

describe('privacy manifests', () => {
  it('reads attribute CSVs by class name or id, with unknowns; errors name the file and line', async () => {
    const f = join(dir, 'attrs.csv');
    await writeFile(f, 'path;skin;glasses\na.mp4;dark;yes\nb.mp4;1;-\nc.mp4;;no\n');
    const attributes = [
      { name: 'skin', classes: ['light', 'dark'] },
      { name: 'glasses', classes: ['no', 'yes'] },
    ];
    const m = await readAttributeCsv(f, { attributes });
    expect(m.entries.map((e) => e.labels)).toEqual([
      [1, 1],
      [1, -1],
      [-1, 0],
    ]);
    expect(m.entries[0].path).toBe(join(dir, 'a.mp4'));
    const inferred = await readAttributeCsv(f);
    expect(inferred.attributes[1].classes).toEqual(['no', 'yes']);
    await writeFile(f, 'path;skin\na.mp4;green\n');
    await expect(readAttributeCsv(f, { attributes: attributes.slice(0, 1) })).rejects.toThrow(/line 2: "green"/);
    await expect(readAttributeCsv(f, { attributes: attributes.slice(0, 1) })).rejects.toBeInstanceOf(ManifestError);
  });

  it("reads the privacy tasks of a synth index.json; none when it has no 'privacy'", async () => {
    const d = join(dir, 'synth');
    await mkdir(join(d, 'synth-identity'), { recursive: true });
    await writeFile(join(d, 'synth-identity', 'train.csv'), 'path;sleeves\n../v.mp4;short\n');
    await writeFile(join(d, 'synth-identity', 'val.csv'), 'path;sleeves\n../w.mp4;long\n');
    const privacy = [
      {
        name: 'synth-identity',
        attributes: [{ name: 'sleeves', classes: ['long', 'short'] }],
        train: 'synth-identity/train.csv',
        val: 'synth-identity/val.csv',
      },
    ];
    await writeFile(join(d, 'index.json'), JSON.stringify({ format: 'ppma-synth-benchmark', tasks: [], privacy }));
    const [t] = await syntheticPrivacyTasks(d);
    const s = await t.load(d);
    expect(s.train.entries).toEqual([{ path: join(d, 'v.mp4'), labels: [1] }]);
    expect(s.val.entries[0].labels).toEqual([0]);
    await writeFile(join(d, 'index.json'), JSON.stringify({ format: 'ppma-synth-benchmark', tasks: [] }));
    expect(await syntheticPrivacyTasks(d)).toEqual([]);
  });
});

describe('privacy plugins', () => {
  it('a user module exporting privacy tasks loads; a malformed one names the plugin and the field', async () => {
    const good = join(dir, 'vispr-like.mjs');
    await writeFile(
      good,
      `export default (o) => [{ kind: 'privacy', name: 'faces', attributes: [{ name: 'face', classes: ['no', 'yes'] }], load: () => ({ train: { attributes: [], entries: [] }, val: { attributes: [], entries: [] } }), description: o?.d }];\n`,
    );
    const [t] = await loadPrivacyPlugin([good, { d: 'x' }]);
    expect([t.name, t.description, t.attributes[0].classes]).toEqual(['faces', 'x', ['no', 'yes']]);
    const bad = join(dir, 'bad-privacy.mjs');
    await writeFile(
      bad,
      `export default { kind: 'privacy', name: 'faces', attributes: [{ name: 'face', classes: ['yes'] }] };\n`,
    );
    await expect(loadPrivacyPlugin(bad)).rejects.toThrow(
      /bad-privacy\.mjs.*attributes\[0\]\.classes.*"load" is missing/s,
    );
  });
});
