// The config's datasets, tasks, model and clip keys, the up-front machine check, and the plan of the
// default (embedded) run: `ppma pipeline --dry-run` prints the stages and writes nothing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireFolderLock, ConfigError, FolderLockedError } from '@ppma/core';
import { parsePipelineConfig } from '../src/pipeline/config.js';
import { resolvePipelineSettings } from '../src/pipeline/presets.js';
import { machineCheck, maeFlops, prepareEstimates } from '../src/pipeline/estimate.js';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import { validateConfigData } from '../src/pipeline/validate-data.js';

const bin = path.join(import.meta.dirname, '..', 'src', 'bin.ts');
const datasets = {
  real: { format: 'kinetics', root: '/data/k150', annotations: '/data/k150/train.csv', split: 'train' },
  synthetic: { format: 'ppma-csv', root: '/data/synapt' },
} as const;

describe('pipeline config: datasets, tasks, model', () => {
  it('accepts datasets and tasks in the fields of ppma data list, and refuses mistakes naming the key', () => {
    const c = parsePipelineConfig({ datasets, tasks: [{ task: 'ucf101', root: '/data/UCF-101', fold: 2 }] });
    expect(c.datasets?.real.format).toBe('kinetics');
    expect(resolvePipelineSettings(c).segmenter).toBe('rvm'); // real data: no oracle masks
    expect(resolvePipelineSettings(parsePipelineConfig({})).segmenter).toBe('oracle');
    const key = (input: unknown) => {
      try {
        parsePipelineConfig(input);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return `${(e as ConfigError).key}: ${(e as Error).message}`;
      }
      return 'accepted';
    };
    expect(key({ datasets: { ...datasets, real: { ...datasets.real, format: 'avi' } } })).toMatch(
      /^datasets\.real\.format/,
    );
    expect(key({ datasets, data: '/x' })).toMatch(/^data: .*either data .* or datasets/);
    expect(key({ preset: 'paper' })).toMatch(/^datasets: .*paper preset runs on your data/);
    expect(key({ tasks: [{ task: 'ucf101' }, { task: 'ucf101' }] })).toMatch(/listed twice/);
    // Leakage probes need the embedded world's identity labels: on by default there, off with datasets.
    expect(resolvePipelineSettings(parsePipelineConfig({})).privacy).toBe(true);
    expect(resolvePipelineSettings(parsePipelineConfig({ privacy: false })).privacy).toBe(false);
    expect(resolvePipelineSettings(c).privacy).toBe(false);
    expect(key({ datasets, privacy: true })).toMatch(/^privacy: .*identity labels/);
    expect(key({ tasks: [{ task: 'ucf101' }], bench: { tasks: ['hmdb51'] } })).toMatch(
      /^bench\.tasks\.0: .*unknown task "hmdb51"; known: ucf101, all/,
    );
  });

  it('the model and clip keys override the MAE geometry; unknown variants are refused', () => {
    const s = resolvePipelineSettings(parsePipelineConfig({ model: 'vit-s', clip: { frames: 8, size: 112 } }));
    expect(s.model).toEqual({
      dim: 384,
      depth: 12,
      heads: 6,
      tubelet: 2,
      patch: 16,
      frames: 8,
      height: 112,
      width: 112,
    });
    expect(resolvePipelineSettings(parsePipelineConfig({})).model).toBeNull();
    expect(() => resolvePipelineSettings(parsePipelineConfig({ model: 'vit-z' }))).toThrow(/unknown variant "vit-z"/);
  });

  it('estimates MAE FLOPs and memory from the geometry (paper: ViT-B 16x224x224 does not fit a small machine)', async () => {
    const paper = resolvePipelineSettings(parsePipelineConfig({ preset: 'paper', datasets }));
    await prepareEstimates(paper);
    // 1568 tokens, 157 visible: about 3 x 0.1 TFLOP per clip and repeat; 200 epochs x 4 repeats.
    const f = maeFlops(paper, 1000) as number;
    expect(f / (1000 * 4 * 200)).toBeGreaterThan(1e11);
    expect(f / (1000 * 4 * 200)).toBeLessThan(1e12);
    const big = machineCheck(paper, parsePipelineConfig({ preset: 'paper', datasets }));
    expect(big.neededBytes).toBeGreaterThan(32 * 2 ** 30);
    const tiny = resolvePipelineSettings(parsePipelineConfig({}));
    await prepareEstimates(tiny);
    const small = machineCheck(tiny, parsePipelineConfig({}));
    expect(small.neededBytes).toBeLessThan(2 ** 30);
    // Below 1 GB the line says megabytes (it read "0.0 GB" before); the paper's in gigabytes.
    expect(small.line).toMatch(/needs about [1-9]\d* MB; this machine has \d+\.\d GB$/);
    expect(big.line).toMatch(/needs about \d+\.\d GB;/);
  });

  it('ppma pipeline --dry-run prints the stages of the default run and writes nothing', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-plan-')), 'run');
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=@ppma/source', bin, 'pipeline', '--dry-run', '--out', out],
      {
        encoding: 'utf8',
        env: { ...process.env, PPMA_BACKEND: 'wasm' },
      },
    );
    expect(r.status, r.stderr).toBe(0);
    for (const s of ['data', 'remove-humans', 'mae-nh', 'align-ppma', 'soup-alpha', 'bench', 'soup-beta', 'privacy'])
      expect(r.stdout).toMatch(new RegExp(`^  ${s}-[0-9a-f]{12}: to run`, 'm'));
    expect(r.stdout).toMatch(/Measured speed: [0-9.]+ GFLOP\/s/);
    expect(r.stdout).toMatch(/Dry run: nothing was trained or written/);
    expect(fs.existsSync(out)).toBe(false);
  }, 120_000);

  it('a second pipeline into a locked --out folder fails before any stage, naming the owner', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-lock-')), 'run');
    const lock = acquireFolderLock(out, { command: 'ppma pipeline --out first' });
    try {
      const err = await runPipeline(parsePipelineConfig({ out }), { log: () => {} }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FolderLockedError);
      expect((err as Error).message).toMatch(/ppma pipeline --out first/);
      expect(fs.existsSync(path.join(out, 'stages'))).toBe(false);
    } finally {
      lock.release();
    }
  });

  it('a synthetic task named without a root is left to the run when the embedded world is not generated yet', async () => {
    expect(await validateConfigData(parsePipelineConfig({ tasks: [{ task: 'synth-ucf' }] }))).toEqual([]);
    await expect(
      validateConfigData(parsePipelineConfig({ tasks: [{ task: 'nope', root: os.tmpdir() }] })),
    ).rejects.toThrow(/tasks\.0\.task: unknown task "nope"; built-in: ucf101/);
  });
});
