import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ResumeMismatchError, constantSchedule, initBackend } from '../src/index.js';
import type { TrainingOptions, TrainingResult } from '../src/index.js';
import { makeProblem } from './regression-problem.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-resume-'));
const masking = (ratio: number) => ({ data: JSON.stringify({ manifest: 'm.csv', masking: { kind: 'tube', ratio } }) });

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

async function startThenResume(changed: Partial<TrainingOptions>, first: Partial<TrainingOptions> = {}) {
  const dir = tmp();
  const a = makeProblem();
  await a.run({ runDir: dir, stopAfter: 5, metadata: masking(0.9), ...first });
  a.dispose();
  const ckpt = path.join(dir, 'checkpoint.safetensors');
  const before = fs.readFileSync(ckpt);
  const b = makeProblem();
  const err = await b
    .run({ runDir: dir, resume: true, metadata: masking(0.9), ...first, ...changed })
    .catch((e: unknown) => e);
  b.dispose();
  return { err, unchanged: before.equals(fs.readFileSync(ckpt)) };
}

describe('resume checks the run settings', () => {
  it.each([
    ['seed', { seed: 12 }, ['seed']],
    ['lr', { lr: constantSchedule(0.01) }, ['lr']],
    ['epochs', { totalSteps: 30 }, ['lr', 'totalSteps']],
    ['mask ratio', { metadata: masking(0.75) }, ['metadata.data.masking.ratio']],
    ['clipGradNorm', { clipGradNorm: 1 }, ['clipGradNorm']],
  ] as const)('refuses a resume with a different %s, naming the keys', async (_name, changed, keys) => {
    const { err, unchanged } = await startThenResume(changed);
    expect(err).toBeInstanceOf(ResumeMismatchError);
    expect((err as ResumeMismatchError).code).toBe('PPMA_RESUME_MISMATCH');
    expect((err as ResumeMismatchError).keys).toEqual(keys);
    for (const k of keys) expect((err as Error).message).toContain(k);
    expect((err as Error).message).toContain('checkpoint.safetensors');
    expect(unchanged).toBe(true);
  });

  it('checks explicit settings instead of metadata when given', async () => {
    const { err } = await startThenResume(
      { settings: { maskRatio: 0.75 }, metadata: masking(0.5) },
      { settings: { maskRatio: 0.9 } },
    );
    expect((err as ResumeMismatchError).keys).toEqual(['settings.maskRatio']);
  });

  it('resumes when nothing changed', async () => {
    const { err } = await startThenResume({});
    expect(err).not.toBeInstanceOf(Error);
    expect((err as TrainingResult).resumedFrom).toBe(5);
  });
});
