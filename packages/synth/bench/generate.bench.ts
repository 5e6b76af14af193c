/**
 * Measures generation speed: `node --conditions=@ppma/source --import tsx packages/synth/bench/generate.bench.ts [preset] [out]`.
 * Prints clips/s for the whole benchmark and the render-only rate.
 */
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { BENCHMARK_DATASETS, PRESETS, generateBenchmark, planClip, renderClip } from '../src/index.js';

const preset = (process.argv[2] ?? 'tiny') as 'tiny' | 'small';
const out = process.argv[3] ?? '/tmp/ppma-synth-bench';
rmSync(out, { recursive: true, force: true });
const p = PRESETS[preset];
let t = performance.now();
let n = 0;
for (const ds of BENCHMARK_DATASETS) {
  for (let c = 0; c < ds.classes.length; c++) {
    renderClip(planClip(ds, p, 0, 'train', c, 0), { withClean: ds.companions });
    n++;
  }
}
const renderRate = n / ((performance.now() - t) / 1000);
t = performance.now();
const res = await generateBenchmark({ preset, seed: 0, out });
console.log(
  JSON.stringify({
    preset,
    clips: res.clips,
    files: res.files,
    seconds: +res.seconds.toFixed(2),
    clipsPerSecond: +res.clipsPerSecond.toFixed(1),
    renderOnlyClipsPerSecond: +renderRate.toFixed(1),
    cores: cpus().length,
    load: loadavg().map((x) => +x.toFixed(2)),
  }),
);
