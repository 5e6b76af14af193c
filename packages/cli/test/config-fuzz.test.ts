// The pipeline config is validated completely before the first stage: every mistake below used to
// start the pipeline (and fail minutes later, or write into the current folder). Then a seeded
// fuzz over malformed config files: a valid config or a typed ConfigError, nothing else.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@ppma/core';
import { loadPipelineConfig, parsePipelineConfig } from '../src/pipeline/config.js';
import { fuzz, mutateText } from '../../core/test/fuzz.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-config-'));
function file(text: string): string {
  const f = path.join(dir, `c${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(f, text);
  return f;
}
function refused(fn: () => unknown, key: string, pattern: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, `expected a ConfigError for ${key}`).toBeInstanceOf(ConfigError);
  expect((err as ConfigError).code).toBe('PPMA_CONFIG');
  expect((err as ConfigError).key).toBe(key);
  expect((err as Error).message).toMatch(pattern);
}

describe('pipeline config: checked before the first stage', () => {
  it('alpha must have one value per soup ingredient and sum to 1', () => {
    refused(() => parsePipelineConfig({ alpha: [0.3, 0.3] }), 'alpha', /sums to 0\.6; the proportions must sum to 1/);
    refused(() => parsePipelineConfig({ alpha: [0.2, 0.3, 0.5] }), 'alpha', /has 3 values; the soup has 2 ingredients/);
    expect(parsePipelineConfig({ alpha: [0.3, 0.7] }).alpha).toEqual([0.3, 0.7]);
    expect(parsePipelineConfig({ alpha: [0.1 + 0.2, 0.7] }).alpha).toHaveLength(2); // 1.0000000000000002
  });

  it('unknown bench.tasks names are refused with the list of known names', () => {
    refused(
      () => parsePipelineConfig({ bench: { tasks: ['synth-ucf', 'synth-kinetics'] } }),
      'bench.tasks.1',
      /unknown task "synth-kinetics"; known: synth-ucf, .*all/,
    );
    expect(parsePipelineConfig({ bench: { tasks: ['synth-ucf'] } }).bench.tasks).toEqual(['synth-ucf']);
    const data = path.join(dir, 'bench');
    fs.mkdirSync(data);
    fs.writeFileSync(path.join(data, 'index.json'), JSON.stringify({ tasks: [{ name: 'my-task' }] }));
    expect(parsePipelineConfig({ data, bench: { tasks: ['my-task'] } }).bench.tasks).toEqual(['my-task']);
    refused(
      () => parsePipelineConfig({ data, bench: { tasks: ['synth-ucf'] } }),
      'bench.tasks.0',
      /known: my-task, all/,
    );
  });

  it('an empty out, or out equal to the data folder, is refused', () => {
    refused(() => parsePipelineConfig({ out: '' }), 'out', /must not be empty/);
    refused(() => parsePipelineConfig({ out: '  ' }), 'out', /must not be empty/);
    refused(() => parsePipelineConfig({ out: 'd', data: './d' }), 'out', /is the data folder/);
  });

  it('duplicate JSON keys are refused, naming the key and the file', () => {
    const f = file('{"out": "runs/a", "pretrain": {"epochs": 2, "epochs": 50}}');
    refused(() => loadPipelineConfig(f), 'pretrain.epochs', /is given twice/);
    expect(() => loadPipelineConfig(f)).toThrow(f);
    refused(() => loadPipelineConfig(file('{"out": "a", "out": "b"}')), 'out', /is given twice/);
  });

  it('a folder given as the config is a ConfigError naming it', () => {
    refused(() => loadPipelineConfig(dir), '(file)', /not a regular file/);
  });
});

describe('pipeline config fuzz', () => {
  const base = JSON.stringify(
    {
      preset: 'tiny',
      seed: 3,
      out: 'runs/x',
      pretrain: { epochs: 2, batchSize: 4, maskRatio: 0.9, masking: 'tube', lr: 0.0015 },
      align: { epochs: 1, lr: 0.001 },
      alpha: [0.5, 0.5],
      bench: { ftEpochs: 1, lpEpochs: 2, modes: ['ft', 'lp'], tasks: ['synth-ucf'] },
    },
    null,
    1,
  );

  it('800 malformed config files: a valid config or a ConfigError', async () => {
    const f = path.join(dir, 'fuzz.json');
    const r = await fuzz(
      800,
      'pipeline-config',
      (rng, i) => {
        let text = mutateText(rng, base);
        if (i % 3 === 0) text = mutateText(rng, text);
        fs.writeFileSync(f, text);
        return f;
      },
      (p) => loadPipelineConfig(p),
      { caseMs: 2000, memoryBytes: 128 * 1024 * 1024 },
      (c) => {
        const cfg = c as ReturnType<typeof loadPipelineConfig>;
        expect(cfg.out.trim()).not.toBe('');
        if (cfg.alpha) expect(Math.abs(cfg.alpha.reduce((a, b) => a + b, 0) - 1)).toBeLessThanOrEqual(1e-6);
      },
    );
    expect(r.refused).toBeGreaterThan(300);
    expect(r.accepted).toBeGreaterThan(0);
  });
});
