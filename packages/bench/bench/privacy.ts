/**
 * Leakage probes of a pipeline run's models (issue 17 §3): labels the run's downstream clips with
 * their virtual humans' identity attributes (`@ppma/synth`'s `labelIdentities`, which re-plans the
 * clips and renders nothing, so benchmarks generated before the labels existed work too), then
 * probes the frozen features of every stage checkpoint for every attribute, beside the bench stage's
 * action accuracy (average FT top-1) when the run has one.
 *
 *   node --conditions=@ppma/source --import tsx packages/bench/bench/privacy.ts <run dir> <out> [seeds]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatBackend, initBackend } from '@ppma/core';
import { labelIdentities } from '@ppma/synth';
import { runPrivacyProbes, syntheticPrivacyTasks, type Interval, type ModelSpec } from '../src/index.js';

const [runDir, out, seedArg] = process.argv.slice(2);
if (!runDir || !out) throw new Error('usage: privacy.ts <pipeline run dir> <out> [seeds]');
const stages = join(runDir, 'stages');
const stage = (prefix: string): string | undefined => {
  const d = readdirSync(stages).find((n) => n.startsWith(`${prefix}-`) && /-[0-9a-f]{12}$/.test(n));
  return d ? join(stages, d) : undefined;
};
console.log(`backend ${formatBackend(await initBackend())}`);
const data = stage('data');
if (!data) throw new Error(`${stages}: no data stage`);
const labels = join(out, 'labels');
const entry = await labelIdentities(data, labels);
await writeFile(
  join(labels, 'index.json'),
  JSON.stringify({ format: 'ppma-synth-benchmark', tasks: [], privacy: [entry] }),
);
const tasks = await syntheticPrivacyTasks(labels);

const file = (prefix: string, name: string): string | undefined => {
  const d = stage(prefix);
  return d && existsSync(join(d, name)) ? join(d, name) : undefined;
};
const candidates: [string, string | undefined][] = [
  ['mae-align-real', file('align-real', 'model.safetensors')],
  ['mae-align-synthetic', file('align-synth', 'model.safetensors')],
  ['ppma', file('align-ppma', 'model.safetensors')],
  ['alpha-soup', file('soup-alpha', 'soup.safetensors')],
  ['mae-real', file('mae-real', 'encoder.safetensors')],
  ['mae-synth', file('mae-synth', 'encoder.safetensors')],
  ['mae-nh', file('mae-nh', 'encoder.safetensors')],
];
const models: ModelSpec[] = candidates.flatMap(([name, checkpoint]) => (checkpoint ? [{ name, checkpoint }] : []));
const cfg = JSON.parse(
  JSON.parse(
    readFileSync(models[0].checkpoint as string)
      .subarray(8, 8 + Number(readFileSync(models[0].checkpoint as string).readBigUInt64LE(0)))
      .toString(),
  ).__metadata__.config,
) as Record<string, unknown>;
models.push({ name: 'scratch', scratch: { ...cfg, classes: 0, dropPath: 0 } });

let utility: Record<string, Interval> | undefined;
const bench = stage('bench');
if (bench && existsSync(join(bench, 'results.json'))) {
  const r = JSON.parse(readFileSync(join(bench, 'results.json'), 'utf8')) as {
    averages: Record<string, { ft?: Interval }>;
  };
  utility = Object.fromEntries(Object.entries(r.averages).flatMap(([m, a]) => (a.ft ? [[m, a.ft]] : [])));
}
const t0 = performance.now();
const res = await runPrivacyProbes({
  models,
  tasks,
  out,
  preset: 'tiny',
  seeds: Number(seedArg ?? 2),
  utility,
  utilityLabel: 'avg FT top-1 (%)',
  comparisons: [
    { a: 'ppma', b: 'mae-align-real' },
    { a: 'mae-align-synthetic', b: 'mae-align-real' },
    { a: 'alpha-soup', b: 'mae-align-real' },
    { a: 'mae-nh', b: 'mae-real' },
    { a: 'mae-synth', b: 'mae-real' },
    { a: 'mae-align-real', b: 'scratch' },
  ].filter((c) => models.some((m) => m.name === c.a) && models.some((m) => m.name === c.b)),
  log: (l) => console.log(l),
});
console.log(
  `${res.runs.length} probes in ${((performance.now() - t0) / 1000).toFixed(0)} s; ${join(out, 'privacy.md')}`,
);
