/** Render-only CPU cost per clip: `node --conditions=@ppma/source --import tsx packages/synth/bench/render.bench.ts`. */
import { loadavg } from 'node:os';
import { BENCHMARK_DATASETS, PRESETS, planClip, renderClip } from '../src/index.js';

const p = PRESETS[(process.argv[2] ?? 'tiny') as 'tiny' | 'small'];
for (const ds of BENCHMARK_DATASETS) {
  const c0 = process.cpuUsage();
  let n = 0;
  for (let k = 0; k < 4; k++)
    for (let c = 0; c < ds.classes.length; c++, n++)
      renderClip(planClip(ds, p, 0, 'train', c, k), { withClean: ds.companions });
  const cpu = process.cpuUsage(c0);
  console.log(ds.name.padEnd(20), ((cpu.user + cpu.system) / 1000 / n).toFixed(1), 'ms CPU/clip');
}
console.log('load', loadavg());
