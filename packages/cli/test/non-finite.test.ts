/**
 * `ppma export` and `ppma predict` refuse a checkpoint with NaN weights by default, naming the file
 * and tensor (issue 15), and read it with `--allow-non-finite` for people who want to inspect it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, writeSafetensors } from '@ppma/core';
import { VideoViT } from '@ppma/vit';

const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'bin.ts');
const ppma = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@ppma/source', bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PPMA_PROGRESS: '0' },
  });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-cli-nonfinite-'));
const cfg = { dim: 32, depth: 2, heads: 2, tubelet: 2, patch: 8, frames: 4, height: 16, width: 16, classes: 3 };
let file = '';

beforeAll(async () => {
  await initBackend();
  const vit = VideoViT.create(cfg, { seed: 1 });
  const weights = vit.stateDict();
  const w = weights.get('blocks.1.mlp.fc1.weight')!;
  const data = Float32Array.from(w.data);
  data[5] = Number.NaN;
  weights.set('blocks.1.mlp.fc1.weight', { shape: w.shape, data });
  file = path.join(tmp, 'nan.safetensors');
  await writeSafetensors(file, weights, { format: 'ppma-vit/1', config: JSON.stringify(cfg) });
  vit.dispose();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('non-finite checkpoints in export and predict', () => {
  it('export refuses them naming the file and tensor, and writes them with --allow-non-finite', () => {
    const onnx = path.join(tmp, 'nan.onnx');
    const refused = ppma(['export', '--model', file, '--onnx', onnx]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(file);
    expect(refused.stderr).toContain('blocks.1.mlp.fc1.weight');
    expect(fs.existsSync(onnx)).toBe(false);
    const allowed = ppma(['export', '--model', file, '--onnx', onnx, '--allow-non-finite']);
    expect(allowed.stderr).toBe('');
    expect(allowed.status).toBe(0);
    expect(fs.statSync(onnx).size).toBeGreaterThan(0);
  }, 120_000);

  it('predict refuses them before reading any video', () => {
    const refused = ppma(['predict', '--model', file, path.join(tmp, 'no-such-video.mp4')]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('blocks.1.mlp.fc1.weight');
    expect(refused.stderr).toContain('non-finite');
  }, 120_000);

  it('predict names the file of a model that is not ONNX', () => {
    const junk = path.join(tmp, 'junk.onnx');
    fs.writeFileSync(junk, Buffer.from([0x0c, 0xff, 0x13, 0x88, 0x24, 0x01, 0x7f]));
    const r = ppma(['predict', '--model', junk, path.join(tmp, 'x.mp4')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${junk}: not an ONNX model`);
  }, 120_000);
});
