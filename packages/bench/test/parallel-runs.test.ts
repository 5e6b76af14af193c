/**
 * Runs in worker processes (`jobs: 2`) give the same runs as one at a time in this process
 * (`jobs: 1`): same per-clip predictions, curves, top-1, weights bytes and results.json order;
 * a rerun reuses what the workers stored; a failing run names itself.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@ppma/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBenchmark, type RunBenchmarkOptions, type RunRecord } from '../src/index.js';
import { TINY_TRUNK_16 } from '../../../tools/test/reference.js';
import { pickChain } from '../src/run-pool.js';
import type { RunChain } from '../src/run-worker-protocol.js';
import { makeColourTask, saveTinyCheckpoint } from './helpers.js';

let dir: string;
let base: Omit<RunBenchmarkOptions, 'out'>;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'bench-jobs-'));
  const { train, val } = await makeColourTask(join(dir, 'data', 'colours'), { perClass: 3, valPerClass: 2 });
  await writeFile(join(dir, 'data', 'colours', 'splits.json'), JSON.stringify({ train, val }));
  const ckpt = join(dir, 'pretrained.safetensors');
  await saveTinyCheckpoint(ckpt);
  const pluginFile = join(dir, 'colours-plugin.mjs');
  await writeFile(
    pluginFile,
    `import { readFileSync } from 'node:fs';
import { join } from 'node:path';
export default {
  name: 'colours',
  classes: ['red', 'green', 'blue'],
  defaults: { numClips: 1, numCrops: 1 },
  load: (root) => JSON.parse(readFileSync(join(root, 'splits.json'), 'utf8')),
};
`,
  );
  base = {
    models: [ckpt, { name: 'scratch', scratch: { ...TINY_TRUNK_16 } }],
    tasks: ['colours'],
    modes: 'both',
    plugins: [pluginFile],
    dataRoot: join(dir, 'data'),
    engine: 'tfjs',
    preset: 'tiny',
    settings: { lp: { epochs: 3, batchSize: 6, warmupEpochs: 0 }, ft: { epochs: 1, batchSize: 6, warmupEpochs: 0 } },
    seeds: 2,
    progress: false,
  };
});

/** A run without its wall time (the only field that may differ). */
function comparable(r: RunRecord): string {
  return JSON.stringify(r, (k, v: unknown) => (k === 'seconds' ? undefined : v));
}

describe('runBenchmark jobs', () => {
  it('2 worker processes give byte-identical runs, weights and order to 1 in process', async () => {
    const serial = await runBenchmark({ ...base, out: join(dir, 'j1'), jobs: 1 });
    const lines: string[] = [];
    const parallel = await runBenchmark({ ...base, out: join(dir, 'j2'), jobs: 2, log: (l) => lines.push(l) });
    expect(serial.runs).toHaveLength(6); // pretrained ft+lp, scratch ft, 2 seeds each
    expect(lines.filter((l) => /^\[\d\/6\] /.test(l))).toHaveLength(6);
    expect(parallel.runs.map(comparable)).toEqual(serial.runs.map(comparable));
    for (const r of serial.runs)
      expect(readFileSync(join(dir, 'j2', r.weights)).equals(readFileSync(join(dir, 'j1', r.weights)))).toBe(true);
    const order = (d: string): string[] =>
      (JSON.parse(readFileSync(join(dir, d, 'results.json'), 'utf8')) as { runs: RunRecord[] }).runs.map(
        (r) => `${r.model}/${r.mode}/${r.seed}`,
      );
    expect(order('j2')).toEqual(order('j1'));
    const again: string[] = [];
    await runBenchmark({ ...base, out: join(dir, 'j2'), jobs: 2, log: (l) => again.push(l) });
    expect(again.filter((l) => /done earlier/.test(l))).toHaveLength(6);
  }, 120_000);

  it('a failing run in a worker names the run', async () => {
    await expect(
      runBenchmark({
        ...base,
        models: [join(dir, 'missing.safetensors')],
        modes: 'lp',
        out: join(dir, 'bad'),
        jobs: 2,
      }),
    ).rejects.toThrow(/missing\/colours lp seed 0/);
  }, 60_000);
});

describe('pickChain', () => {
  const chain = (task: string): RunChain => ({
    model: { name: 'm', checkpoint: 'm.safetensors' },
    task,
    sources: {},
    root: '.',
    mode: 'ft',
    settings: {} as RunChain['settings'],
    runs: [],
  });
  const left = ['a', 'a', 'b', 'c'].map(chain);

  it("keeps a worker on its own task's chains first", () => {
    expect(pickChain(left, new Set(['b']), new Set(['a', 'b']))).toBe(2);
  });

  it('gives a worker without a task of its own a task no worker has started', () => {
    expect(pickChain(left, new Set(), new Set(['a']))).toBe(2);
    expect(pickChain(left, new Set(['z']), new Set(['a', 'b', 'z']))).toBe(3);
  });

  it('falls back to the first chain left when every task is started elsewhere', () => {
    expect(pickChain(left, new Set(['z']), new Set(['a', 'b', 'c', 'z']))).toBe(0);
  });
});
