import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { NonFiniteLossError } from '../errors.js';
import { AdamW } from '../optim/adamw.js';
import { constantSchedule } from '../optim/schedule.js';
import { runTraining } from './loop.js';
import { MetricsLog } from './metrics-log.js';
import { makeProblem, STEPS_PER_EPOCH } from '../../test/regression-problem.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-loop-'));
const TOTAL = 4 * STEPS_PER_EPOCH;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

async function uninterrupted(): Promise<number[]> {
  const p = makeProblem();
  await p.run({ runDir: tmp() });
  const w = p.weights();
  p.dispose();
  return w;
}

describe('runTraining', () => {
  it('learns, logs every step and leaves no tensors behind', async () => {
    const dir = tmp();
    const p = makeProblem();
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    const res = await p.run({ runDir: dir, onEpochEnd: () => ({ probe: tf.memory().numTensors }) });
    expect(res.steps).toBe(TOTAL);
    const log = new MetricsLog(res.metricsFile).read();
    const steps = log.filter((r) => r.kind === 'step');
    expect(steps.map((r) => r.step)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    expect(steps[steps.length - 1].loss as number).toBeLessThan((steps[0].loss as number) / 4);
    for (const r of log.filter((r) => r.kind === 'epoch')) counts.push(r.probe as number);
    // Tensor count is flat from epoch to epoch (the optimizer's slots exist after step 1).
    expect(new Set(counts).size).toBe(1);
    // Only the optimizer's 2 slots for each of the 2 parameters remain, beyond what existed before.
    expect(tf.memory().numTensors - before).toBe(2 * 2);
    p.dispose();
  });

  it('resumes from an earlier checkpoint to bit-identical weights (in-process)', async () => {
    const reference = await uninterrupted();
    const dir = tmp();
    const a = makeProblem();
    await a.run({ runDir: dir, stopAfter: 10 });
    const ckpt10 = fs.readFileSync(path.join(dir, 'checkpoint.safetensors'));
    await a.run({ runDir: dir, resume: true, stopAfter: 13 }); // progress that a crash then loses
    a.dispose();
    fs.writeFileSync(path.join(dir, 'checkpoint.safetensors'), ckpt10);
    const b = makeProblem(); // fresh process state: new variables, new optimizer
    const res = await b.run({ runDir: dir, resume: true });
    expect(res.resumedFrom).toBe(10);
    expect(b.weights()).toEqual(reference);
    const steps = new MetricsLog(res.metricsFile).read().map((r) => r.step);
    expect(steps).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    b.dispose();
  });

  it('resumes after SIGKILL of a training process to bit-identical weights', async () => {
    const reference = await uninterrupted();
    const dir = tmp();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@ppma/source', path.join(here, '../../test/train-child.ts'), dir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const metrics = path.join(dir, 'metrics.jsonl');
    const deadline = Date.now() + 60_000;
    // Kill once it has checkpointed and run a few steps past the checkpoint.
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      const n = fs.existsSync(metrics) ? fs.readFileSync(metrics, 'utf8').split('\n').filter(Boolean).length : 0;
      if (n >= 12) break;
      if (child.exitCode !== null) throw new Error(`child exited early: ${stderr}`);
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const seen = new MetricsLog(metrics).read().length;
    expect(seen).toBeGreaterThanOrEqual(12);
    expect(seen).toBeLessThan(TOTAL);
    const p = makeProblem();
    const res = await p.run({ runDir: dir, resume: true });
    expect(res.resumedFrom).toBeGreaterThanOrEqual(10);
    expect(res.resumedFrom).toBeLessThan(TOTAL);
    expect(p.weights()).toEqual(reference);
    p.dispose();
  });

  it('fails loudly on a NaN loss, naming the step and the last checkpoint', async () => {
    const w = tf.variable(tf.scalar(1));
    const err = await runTraining({
      runDir: tmp(),
      params: { w },
      optimizer: new AdamW(),
      lr: constantSchedule(0.1),
      totalSteps: 10,
      stepsPerEpoch: 2,
      seed: 1,
      progress: false,
      step: (ctx) => ({ loss: () => (ctx.step === 3 ? tf.mul(w, NaN) : tf.square(w)) as tf.Scalar }),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect((err as NonFiniteLossError).step).toBe(3);
    expect((err as Error).message).toMatch(
      /loss is NaN at step 3; the last good checkpoint is .*checkpoint\.safetensors \(step 2\)/,
    );
    w.dispose();
  });
});
