/**
 * Measures stage 2 on the embedded tiny benchmark: generates it with `@ppma/synth` (or reuses
 * `--data <dir>`), writes an MAE checkpoint (random weights unless `--mae <file>`), aligns it on
 * "real" + "synthetic" with the `cpu` preset, and prints steps/s, clips/s and val top-1.
 *
 *   node --conditions=@ppma/source --import tsx packages/align/bench/align-tiny.ts [--data dir] [--mae file] [--epochs n] [--model vit-nano]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend, formatBackend } from '@ppma/core';
import { VideoMAE } from '@ppma/mae';
import { generateBenchmark, type BenchmarkIndex } from '@ppma/synth';
import { variantConfig } from '@ppma/vit';
import { alignModel } from '@ppma/align';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const info = await initBackend();
console.log(
  `backend ${formatBackend(info)}; load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-align-bench-'));
let dataDir = arg('data');
if (!dataDir) {
  dataDir = path.join(work, 'bench');
  const t0 = performance.now();
  await generateBenchmark({ preset: 'tiny', seed: 0, out: dataDir, datasets: ['pretrain-real', 'pretrain-synthetic'] });
  console.log(`generated the tiny benchmark in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const index = JSON.parse(fs.readFileSync(path.join(dataDir, 'index.json'), 'utf8')) as BenchmarkIndex;
const pre = index.datasets.filter((d) => d.kind !== 'downstream');
const variant = arg('model') ?? 'vit-nano';
const vitCfg = variantConfig(variant);
let mae = arg('mae');
if (!mae) {
  mae = path.join(work, 'mae.safetensors');
  const m = VideoMAE.create({ ...vitCfg, decoderDim: 32, decoderDepth: 1, decoderHeads: 4 });
  await m.save(mae, { stage: 'mae (random init, for timing)' });
  m.dispose();
}
const epochs = Number(arg('epochs') ?? 4);
const t0 = performance.now();
const r = await alignModel({
  init: { kind: 'checkpoint', file: mae },
  datasets: pre.map((d) => ({
    name: d.name.replace(/[^A-Za-z0-9_-]/g, '_'),
    manifest: path.join(dataDir, d.train),
    val: path.join(dataDir, d.val),
  })),
  out: path.join(work, 'align'),
  preset: 'cpu',
  recipe: { epochs },
  progress: false,
});
const sec = (performance.now() - t0) / 1000;
const clips = r.datasets.reduce((s, d) => s + d.examples, 0) * epochs;
console.log(
  `${variant}: ${r.steps} steps (${r.stepsPerEpoch}/epoch, batch ${r.recipe.batchSize}) in ${sec.toFixed(1)} s incl. decoding and eval: ${(r.steps / sec).toFixed(2)} steps/s, ${(clips / sec).toFixed(1)} clips/s`,
);
for (const d of r.datasets)
  console.log(
    `  ${d.name}: ${d.examples} train videos, ${d.classes} classes, skipped ${d.skipped.length}, val top-1 ${d.eval ? (100 * d.eval.top1).toFixed(1) : '-'}% (${d.eval?.count ?? 0} videos)`,
  );
console.log(
  `load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; output in ${work}`,
);
