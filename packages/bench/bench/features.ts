/**
 * Feature-extraction throughput of the two LP engines (TF.js wasm vs the exported encoder on
 * onnxruntime-node) on random clips.
 *
 *   node --conditions=@ppma/source --import tsx packages/bench/bench/features.ts [variant] [clips]
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng, formatBackend, initBackend } from '@ppma/core';
import { createModel } from '@ppma/vit';
import { createFeatureExtractor } from '../src/index.js';

const variant = process.argv[2] ?? 'vit-nano';
const n = Number(process.argv[3] ?? 48);
console.log(`backend ${formatBackend(await initBackend())}`);
const vit = createModel(variant, { classes: 0 }, { seed: 0 });
const { frames, height, width } = vit.config;
const clips = new Rng(1).fillUniform(new Float32Array(n * frames * height * width * 3), 0, 1);
const dir = await mkdtemp(join(tmpdir(), 'bench-feat-'));
for (const engine of ['tfjs', 'onnx'] as const) {
  const ex = await createFeatureExtractor(vit, { engine, workDir: dir, batch: 8 });
  await ex.extract(clips.subarray(0, 8 * frames * height * width * 3), 8); // warm-up
  const t0 = performance.now();
  await ex.extract(clips, n);
  const sec = (performance.now() - t0) / 1000;
  console.log(
    `${variant} ${frames}x${height}x${width} ${engine}: ${(n / sec).toFixed(1)} clips/s (${n} clips in ${sec.toFixed(2)} s)`,
  );
  await ex.dispose();
}
vit.dispose();
