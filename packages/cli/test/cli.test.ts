import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadNativeAddon, nativeDisabledByEnv } from '@ppma/native';
import { parsePipelineConfig, pipelineJsonSchema } from '../src/pipeline/config.js';
import { StageRunner, stageKey, stableJson } from '../src/pipeline/stage-cache.js';

const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'bin.ts');
const ppma = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@ppma/source', bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PPMA_PROGRESS: '0' },
  });
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-cli-'));

describe('ppma', () => {
  it('lists every command of docs/ARCHITECTURE.md §10 in --help', () => {
    const r = ppma(['--help']);
    expect(r.status).toBe(0);
    for (const c of [
      'remove-humans',
      'audit',
      'pretrain',
      'align',
      'soup',
      'bench',
      'export',
      'predict',
      'synth',
      'pipeline',
    ]) {
      expect(r.stdout).toMatch(new RegExp(`ppma ${c}\\b`));
    }
  });

  it('exits 2 with a one-line reason on usage errors', () => {
    const unknown = ppma(['no-such-command']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    const missing = ppma(['data', 'list', '--format', 'ppma-csv']);
    expect(missing.status).toBe(2);
    // --privacy without a privacy task is refused before any benchmark runs.
    const privacy = ppma(['bench', '--models', 'scratch:vit-nano', '--tasks', 'all', '--out', tmp(), '--privacy']);
    expect(privacy.status).toBe(2);
    expect(privacy.stderr).toMatch(/--privacy needs a privacy task: --synth .* or --privacy-plugin/);
  });

  it('exits 1 with a one-line reason and the error code on failures', () => {
    const r = ppma(['info', '--backend', 'tfjs-node']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ppma: backend "tfjs-node" was requested .* \[PPMA_BACKEND_UNAVAILABLE\]/);
  });

  it('prints JSON with --json and names the backend', () => {
    const r = ppma(['info', '--json']);
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout) as { backend: { name: string } };
    // Automatic selection: the native backend when its addon is built and not turned off, else wasm.
    const expected = loadNativeAddon().available && !nativeDisabledByEnv() ? 'native' : 'wasm';
    expect(info.backend.name).toBe(expected);
    expect(r.stderr).toMatch(new RegExp(`ppma: backend ${expected} `));
  });

  it('ppma data validate reports a bad file in the documented JSON form and exits 1', () => {
    const dir = tmp();
    const bad = path.join(dir, 'empty.mp4');
    fs.writeFileSync(bad, '');
    const r = ppma(['data', 'validate', bad, '--json']);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { ok: number; problems: { path: string; reason: string }[] };
    expect(out.ok).toBe(0);
    expect(out.problems).toHaveLength(1);
    expect(out.problems[0].path).toBe(bad);
  });

  it('ppma pipeline rejects a config with an unknown key, naming it', () => {
    const dir = tmp();
    const file = path.join(dir, 'ppma.config.json');
    fs.writeFileSync(file, JSON.stringify({ bench: { ftEpoch: 3 } }));
    const r = ppma(['pipeline', '--config', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ppma\.config\.json: bench\.ftEpoch: unknown key \[PPMA_CONFIG\]/);
  });
});

describe('pipeline config', () => {
  it('fills defaults and names wrong types', () => {
    const c = parsePipelineConfig({ pretrain: { epochs: 3 } });
    expect(c.preset).toBe('tiny');
    expect(c.pretrain.epochs).toBe(3);
    expect(() => parsePipelineConfig({ pretrain: { epochs: 'x' } })).toThrow(/^pretrain\.epochs: /);
    expect(() => parsePipelineConfig({ preset: 'huge' })).toThrow(/^preset: /);
    const schema = pipelineJsonSchema() as { properties: Record<string, { description?: string }> };
    expect(schema.properties.preset.description).toMatch(/Scale/);
  });
});

describe('stage cache', () => {
  it('keys stages by content and skips finished ones', async () => {
    expect(stableJson({ b: 1, a: [2, { d: 3, c: 4 }] })).toBe('{"a":[2,{"c":4,"d":3}],"b":1}');
    expect(stageKey('mae', { a: 1, b: 2 })).toBe(stageKey('mae', { b: 2, a: 1 }));
    expect(stageKey('mae', { a: 1 })).not.toBe(stageKey('mae', { a: 2 }));
    expect(stageKey('mae', { a: 1 }, ['x'])).not.toBe(stageKey('mae', { a: 1 }, ['y']));
    const runner = new StageRunner(tmp(), () => undefined);
    let runs = 0;
    const first = await runner.run('s', 'k1', async () => ++runs);
    const second = await runner.run('s', 'k1', async () => ++runs);
    expect(first.cached).toBe(false);
    expect(second).toMatchObject({ cached: true, result: 1 });
    expect(runs).toBe(1);
    // A stage that died leaves no done-marker: the next run resumes it.
    await expect(runner.run('t', 'k', async () => Promise.reject(new Error('killed')))).rejects.toThrow('killed');
    const again = await runner.run('t', 'k', async (_dir, resume) => resume);
    expect(again.result).toBe(false); // the directory was empty, nothing to resume
  });
});
