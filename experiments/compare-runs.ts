/**
 * Paired comparison of two models' FT runs from two `results.json` files (ppma-bench/2; see the
 * bench README), on the validation clips both scored (matched by `<task>/val/<class>/<file>`,
 * since the two runs may read copies of the same videos), with @ppma/bench's statistics
 * (docs/ARCHITECTURE.md §12): per task and on the average, each model's mean over the given seeds
 * with its 95% interval, and the paired bootstrap difference a - b.
 *
 * `node --conditions=@ppma/source --import tsx experiments/compare-runs.ts <a.json> <model a> <b.json> <model b> [mode=ft] [seeds=0,1,2] [tasks a=b ...]`
 * A `tasks` argument `x=y` pairs task x of a with task y of b (default: the same names).
 */
import { readFileSync } from 'node:fs';
import type { Correctness } from '@ppma/bench';
import { cellText, diffText } from './lib/summary.js';

interface Run {
  model: string;
  task: string;
  mode: string;
  seed: number;
  predictions: { clip: string; label: number; top5: [number, number][] }[];
}
const [fa, ma, fb, mb, mode = 'ft', seedArg = '0,1,2', ...taskArgs] = process.argv.slice(2);
if (!fa || !ma || !fb || !mb)
  throw new Error('usage: compare-runs.ts <a.json> <model a> <b.json> <model b> [mode] [seeds] [a=b ...]');
const seeds = seedArg.split(',').map(Number);
const load = (f: string): Run[] => (JSON.parse(readFileSync(f, 'utf8')) as { runs: Run[] }).runs;
const [ra, rb] = [load(fa), load(fb)];
const key = (clip: string): string => clip.split('/').slice(-4).join('/');

/** Per-seed correctness of a model on a task, keyed by clip. */
function byClip(runs: Run[], model: string, task: string): Map<string, number>[] {
  return seeds.map((s) => {
    const r = runs.find((x) => x.model === model && x.task === task && x.mode === mode && x.seed === s);
    if (!r) throw new Error(`no ${mode} run of ${model} on ${task} with seed ${s}`);
    return new Map(r.predictions.map((p) => [key(p.clip), p.top5[0][0] === p.label ? 1 : 0]));
  });
}
const pairsOf = taskArgs.length
  ? taskArgs.map((a) => a.split('=') as [string, string])
  : [...new Set(ra.filter((r) => r.model === ma && r.mode === mode).map((r) => r.task))]
      .filter((t) => rb.some((r) => r.model === mb && r.task === t))
      .map((t): [string, string] => [t, t]);
const pairs: { a: Correctness; b: Correctness }[] = [];
console.log(`| task | ${ma} (${fa}) | ${mb} (${fb}) | clips | a - b [95% CI], p |`);
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [ta, tb] of pairsOf) {
  const [ca, cb] = [byClip(ra, ma, ta), byClip(rb, mb, tb)];
  const clips = [...ca[0].keys()].filter((k) => cb[0].has(k));
  const cell = (m: Map<string, number>[]): Correctness => ({
    seeds: m.length,
    clips: clips.length,
    correct: Uint8Array.from(m.flatMap((x) => clips.map((k) => x.get(k) ?? 0))),
  });
  const p = { a: cell(ca), b: cell(cb) };
  pairs.push(p);
  console.log(
    `| ${ta === tb ? ta : `${ta} / ${tb}`} | ${cellText(p.a)} | ${cellText(p.b)} | ${clips.length} | ${diffText([p])} |`,
  );
}
console.log(
  `| average (${pairs.length} tasks) | ${cellText(pairs.map((p) => p.a))} | ${cellText(pairs.map((p) => p.b))} | ${pairs.reduce((s, p) => s + p.a.clips, 0)} | ${diffText(pairs)} |`,
);
console.log(`seeds ${seeds.join(', ')}; mode ${mode}`);
