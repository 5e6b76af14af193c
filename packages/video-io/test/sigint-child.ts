// Child process of the Ctrl-C test: trains a one-parameter model on batches from the data loader
// (so every step's loss depends on the clips decoded by ffmpeg), stopping cleanly on SIGINT.
// argv: runDir, manifest.csv, resume ("1" or "0"). Prints one JSON line: { skipped, result }.
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, InterruptedError, constantSchedule, initBackend, runTraining } from '@ppma/core';
import { createDataLoader, readPpmaCsv } from '../src/index.js';
import type { Batch } from '../src/index.js';

const [runDir, manifestFile, resume] = process.argv.slice(2);
await initBackend({ backend: 'cpu' });
const manifest = await readPpmaCsv(manifestFile);
const skipped: string[] = [];
const w = tf.variable(tf.zeros([3]));
let cursor: { epoch: number; next: number; it: AsyncIterator<Batch> } | null = null;

async function batchAt(epoch: number, k: number): Promise<Batch> {
  if (!cursor || cursor.epoch !== epoch || cursor.next > k) {
    const loader = createDataLoader({
      manifest,
      batchSize: 2,
      frames: 4,
      size: 32,
      mode: 'train',
      seed: 5,
      epoch,
      concurrency: 1,
      prefetch: 1,
      onSkip: (p) => skipped.push(`${p.path}: ${p.reason}`),
    });
    cursor = { epoch, next: 0, it: loader[Symbol.asyncIterator]() };
  }
  for (;;) {
    const r = await cursor.it.next();
    if (r.done) throw new Error(`epoch ${epoch} has no batch ${k}`);
    if (cursor.next++ === k) return r.value;
  }
}

let code = 0;
let result: unknown = null;
try {
  result = await runTraining({
    runDir,
    params: { w },
    optimizer: new AdamW({ weightDecay: 0 }),
    lr: constantSchedule(0.05),
    totalSteps: 4,
    stepsPerEpoch: 2,
    seed: 5,
    checkpointEvery: 1,
    resume: resume === '1',
    handleSignals: true,
    progress: false,
    step: async (ctx) => {
      const b = await batchAt(ctx.epoch, ctx.stepInEpoch);
      const rgb = new Float32Array(3);
      for (let i = 0; i < b.clips.length; i++) rgb[i % 3] += b.clips[i] / 255;
      const target = tf.tensor1d(rgb.map((v) => (v * 3) / b.clips.length));
      return {
        loss: () => tf.sum(tf.square(tf.sub(w, target))) as tf.Scalar,
        metrics: { indices: b.indices.join(',') },
        dispose: () => target.dispose(),
      };
    },
  });
} catch (e) {
  if (!(e instanceof InterruptedError)) throw e;
  code = 130;
}
process.stdout.write(JSON.stringify({ skipped, result }) + '\n');
process.exit(code);
