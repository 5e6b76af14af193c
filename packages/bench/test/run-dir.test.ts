import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotARunFolderError, RUN_MARKER } from '@ppma/core';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareRunDir } from '../src/run-one.js';

const root = mkdtempSync(join(tmpdir(), 'ppma-rundir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('prepareRunDir (issue 15: only remove what the project created)', () => {
  it('creates a marked run folder, keeps it for the same run, empties it for another', async () => {
    const dir = join(root, 'm', 't', 'seed-0', 'lp');
    await prepareRunDir(dir, 'sig-a', true);
    expect(existsSync(join(dir, RUN_MARKER))).toBe(true);
    writeFileSync(join(dir, 'checkpoint.safetensors'), 'x');
    await prepareRunDir(dir, 'sig-a', true);
    expect(existsSync(join(dir, 'checkpoint.safetensors'))).toBe(true);
    await prepareRunDir(dir, 'sig-b', true);
    expect(existsSync(join(dir, 'checkpoint.safetensors'))).toBe(false);
    expect(readFileSync(join(dir, 'signature.json'), 'utf8')).toBe('sig-b');
    writeFileSync(join(dir, 'checkpoint.safetensors'), 'x');
    await prepareRunDir(dir, 'sig-b', false); // no resume: start over
    expect(existsSync(join(dir, 'checkpoint.safetensors'))).toBe(false);
  });

  it('refuses to empty a folder it did not create, and leaves its content', async () => {
    const dir = join(root, 'user');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'precious.txt'), 'keep me');
    await expect(prepareRunDir(dir, 'sig', true)).rejects.toBeInstanceOf(NotARunFolderError);
    expect(readFileSync(join(dir, 'precious.txt'), 'utf8')).toBe('keep me');
  });
});
