/**
 * Speed of the soups on this machine: `averageWeights` on two random ViT-S checkpoints, and
 * `learnBeta` (global and per-block) on two random vit-nano checkpoints with 48 in-memory clips.
 *
 *   node --conditions=@ppma/source --import tsx packages/soup/bench/soup-speed.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng, formatBackend, initBackend } from '@ppma/core';
import { createModel, variantConfig } from '@ppma/vit';
import { averageWeights, learnBeta } from '@ppma/soup';

const info = await initBackend();
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
console.log(`backend ${formatBackend(info)}; load ${load()}`);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-soup-bench-'));
const save = async (variant: string, seed: number, classes: number) => {
  const m = createModel(variant, { classes }, { seed });
  const f = path.join(dir, `${variant}-${seed}.safetensors`);
  await m.save(f);
  m.dispose();
  return f;
};
const s1 = await save('vit-s', 1, 10);
const s2 = await save('vit-s', 2, 10);
let t0 = performance.now();
const r = await averageWeights([s1, s2], [0.25, 0.75], { out: path.join(dir, 'soup.safetensors') });
const params = [...r.weights.values()].reduce((s, t) => s + t.data.length, 0);
console.log(
  `averageWeights vit-s (${(params / 1e6).toFixed(1)} M trunk params): ${((performance.now() - t0) / 1000).toFixed(2)} s`,
);

const c = variantConfig('vit-nano');
const n = 48;
const per = c.frames * c.height * c.width * 3;
const rng = new Rng(0);
const clips = new Uint8Array(n * per);
for (let i = 0; i < clips.length; i++) clips[i] = rng.int(0, 256);
const labels = Int32Array.from({ length: n }, (_, i) => i % 4);
const a = await save('vit-nano', 1, 4);
const b = await save('vit-nano', 2, 4);
for (const mode of ['global', 'per-block'] as const) {
  t0 = performance.now();
  const res = await learnBeta({
    models: [a, b],
    mode,
    train: { clips, labels },
    numClasses: 4,
    out: path.join(dir, mode),
    epochs: 3,
    batchSize: 16,
    progress: false,
  });
  const sec = (performance.now() - t0) / 1000;
  console.log(
    `learnBeta ${mode} vit-nano, ${n} clips x 3 epochs (${res.steps} steps of 16): ${sec.toFixed(1)} s total, ${(sec / res.steps).toFixed(2)} s/step incl. setup`,
  );
}
console.log(`load ${load()}`);
fs.rmSync(dir, { recursive: true, force: true });
