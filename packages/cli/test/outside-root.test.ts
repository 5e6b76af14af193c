/**
 * `ppma pretrain` refuses manifest entries outside the manifest's folder, naming the line, and
 * `--allow-outside-root` lets them through to the reader (issue 15).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, '..', 'src', 'bin.ts');
const ppma = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@ppma/source', bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PPMA_PROGRESS: '0' },
  });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-cli-outside-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('manifest entries outside the dataset root', () => {
  it('pretrain refuses them naming the line, and reads them with --allow-outside-root', () => {
    fs.mkdirSync(path.join(tmp, 'set'));
    fs.mkdirSync(path.join(tmp, 'other'));
    fs.copyFileSync(path.join(here, 'fixtures', 'pedestrians-96f-384x288.mp4'), path.join(tmp, 'other', 'v.mp4'));
    const csv = path.join(tmp, 'set', 'train.csv');
    fs.writeFileSync(csv, '../other/v.mp4;0\n');
    const args = ['pretrain', '--data', csv, '--preset', 'tiny', '--epochs', '1'];
    const refused = ppma([...args, '--out', path.join(tmp, 'a')]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`${csv}: line 1: path "../other/v.mp4" lies outside the dataset root`);
    // Allowed: the manifest is read and the one video decoded; the run then stops on the batch size.
    const allowed = ppma([...args, '--out', path.join(tmp, 'b'), '--allow-outside-root']);
    expect(allowed.stderr).not.toContain('lies outside the dataset root');
    expect(allowed.stderr).toMatch(/1 videos cannot fill one batch/);
  }, 180_000);
});
