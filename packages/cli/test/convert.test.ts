/**
 * `ppma convert`: a torch.save file made by PyTorch (a tiny model's state dict nested as
 * `{'model': ..., 'optimizer': ..., 'epoch': ...}`) becomes safetensors that load strictly with the same
 * values; a pickle that would run code is refused with exit 1, naming the global.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend, readSafetensors } from '@ppma/core';
import { VideoViT } from '@ppma/vit';
import { readOutputs, runBridge, scratch, torchPython, torchSkipReason } from '../../../tools/torch/bridge-client.js';

const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'bin.ts');
const ppma = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@ppma/source', bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PPMA_PROGRESS: '0' },
  });
const tmp = scratch('convert');
afterAll(() => tmp.cleanup());

describe('ppma convert', () => {
  it('refuses a pickle that would call os.system: exit 1, the global named, nothing written', () => {
    const file = path.join(tmp.dir, 'evil.pt');
    const cmd = Buffer.from('echo pwned', 'latin1');
    fs.writeFileSync(
      file,
      Buffer.concat([
        Buffer.from('\x80\x02cos\nsystem\nX', 'latin1'),
        Buffer.from([cmd.length, 0, 0, 0]),
        cmd,
        Buffer.from('\x85R.', 'latin1'),
      ]),
    );
    const out = path.join(tmp.dir, 'evil.safetensors');
    const r = ppma(['convert', file, out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/refused to unpickle the global "os\.system".*\[PPMA_CHECKPOINT\]/);
    expect(r.stdout).not.toMatch(/pwned/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it.skipIf(!torchPython)(`converts a torch.save file made by PyTorch ${torchSkipReason}`, async () => {
    const config = { dim: 16, depth: 1, heads: 2, tubelet: 2, patch: 8, frames: 2, height: 16, width: 16, classes: 3 };
    const clip = path.join(tmp.dir, 'clip.safetensors');
    const { writeClip } = await import('../../../tools/torch/bridge-client.js');
    await writeClip(clip, { data: new Float32Array(2 * 16 * 16 * 3).fill(0.5), shape: [1, 2, 16, 16, 3] });
    const pth = path.join(tmp.dir, 'tiny.pth');
    const expected = path.join(tmp.dir, 'tiny-expected.safetensors');
    runBridge('release', { layout: 'ours-nested', config, seed: 1, clip, out: pth, expected }, tmp.dir);
    const out = path.join(tmp.dir, 'tiny.safetensors');
    const r = ppma(['convert', pth, out, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { tensors: number; stateDict: string; skipped: string[] };
    expect(report.stateDict).toBe('model');
    expect(report.skipped.sort()).toEqual(['epoch', 'optimizer']);
    const ref = await readOutputs(expected);
    const { tensors } = await readSafetensors(out);
    expect(report.tensors).toBe(tensors.size);
    for (const [k, t] of tensors)
      expect(Array.from(t.data as Float32Array), k).toEqual(Array.from(ref.get(`weight.${k}`)!.data));
    await initBackend();
    const vit = VideoViT.create(config);
    try {
      await vit.load(out); // strict: the converted names are exactly the model's
    } finally {
      vit.dispose();
    }
  });
});
