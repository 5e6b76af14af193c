// A small linear-regression problem on the core training loop, shared by the resume tests and the
// child process they kill. Batches and noise come from the loop's seeded streams.
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, Rng, cosineSchedule, runTraining } from '../src/index.js';
import type { TrainingOptions, TrainingResult } from '../src/index.js';

export const N = 48;
export const BATCH = 8;
export const STEPS_PER_EPOCH = N / BATCH;

const data = (() => {
  const r = new Rng('regression-data');
  const x = r.fillNormal(new Float32Array(N * 4));
  const wTrue = [0.5, -1, 2, 0.25];
  const y = new Float32Array(N);
  for (let i = 0; i < N; i++) y[i] = wTrue.reduce((acc, w, j) => acc + w * x[i * 4 + j], 0.3);
  return { x, y };
})();

export interface Problem {
  params: { 'fc.weight': tf.Variable; 'fc.bias': tf.Variable };
  run(overrides: Partial<TrainingOptions> & { runDir: string }): Promise<TrainingResult>;
  weights(): number[];
  dispose(): void;
}

export function makeProblem(opts: { delayMs?: number; totalSteps?: number } = {}): Problem {
  const params = {
    'fc.weight': tf.variable(tf.zeros([4, 1]), true, undefined),
    'fc.bias': tf.variable(tf.zeros([1]), true, undefined),
  };
  const totalSteps = opts.totalSteps ?? 4 * STEPS_PER_EPOCH;
  const optimizer = new AdamW({ weightDecay: 0.01 });
  return {
    params,
    run: (o) =>
      runTraining({
        params,
        optimizer,
        lr: cosineSchedule({ peak: 0.3, warmupSteps: 3, totalSteps }),
        totalSteps,
        stepsPerEpoch: STEPS_PER_EPOCH,
        seed: 11,
        checkpointEvery: 5,
        progress: false,
        step: async (ctx) => {
          if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
          const order = ctx.epochRng.permutation(N).slice(ctx.stepInEpoch * BATCH, (ctx.stepInEpoch + 1) * BATCH);
          const xb = new Float32Array(BATCH * 4);
          const yb = new Float32Array(BATCH);
          order.forEach((idx, i) => {
            xb.set(data.x.subarray(idx * 4, idx * 4 + 4), i * 4);
            // label noise from the step stream, so the step RNG matters for exactness too
            yb[i] = data.y[idx] + 0.01 * ctx.rng.normal();
          });
          const x = tf.tensor2d(xb, [BATCH, 4]);
          const y = tf.tensor2d(yb, [BATCH, 1]);
          return {
            loss: () =>
              tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, params['fc.weight']), params['fc.bias']), y))) as tf.Scalar,
            dispose: () => tf.dispose([x, y]),
          };
        },
        ...o,
      }),
    weights: () => [...params['fc.weight'].dataSync(), ...params['fc.bias'].dataSync()],
    dispose: () => {
      tf.dispose(Object.values(params));
      optimizer.dispose();
    },
  };
}
