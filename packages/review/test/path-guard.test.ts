import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveInside } from '../src/index.js';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-guard-'));
const root = path.join(base, 'out');
fs.mkdirSync(path.join(root, 'audit'), { recursive: true });
fs.writeFileSync(path.join(root, 'audit', 'a b.png'), 'png');
fs.writeFileSync(path.join(base, 'secret.txt'), 'secret');
fs.symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'leak.txt'));
fs.symlinkSync(base, path.join(root, 'up'));
fs.symlinkSync(path.join(root, 'audit', 'a b.png'), path.join(root, 'inside.png'));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

describe('resolveInside', () => {
  it('serves files inside the folder, percent-decoded', () => {
    expect(resolveInside(root, 'audit/a%20b.png')).toEqual({
      ok: true,
      file: fs.realpathSync(path.join(root, 'audit', 'a b.png')),
    });
    expect(resolveInside(root, 'inside.png').ok).toBe(true);
    expect(resolveInside(root, 'audit/../audit/a%20b.png').ok).toBe(true);
  });

  it.each([
    ['../secret.txt'],
    ['audit/../../secret.txt'],
    ['%2e%2e/secret.txt'],
    ['%2E%2E%2Fsecret.txt'],
    ['audit%2F..%2F..%2Fsecret.txt'],
    ['..'],
    ['/etc/passwd'],
    ['%2Fetc%2Fpasswd'],
    ['C:%5CWindows'],
    ['..%5Csecret.txt'],
    ['leak.txt'],
    ['up/secret.txt'],
  ])('refuses %s with 403', (p) => {
    const r = resolveInside(root, p);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.status).toBe(403);
  });

  it('answers 400 to malformed encodings and NUL bytes, 404 to missing files and folders', () => {
    for (const p of ['%E0%A4%A', 'audit%00.png'])
      expect(resolveInside(root, p)).toMatchObject({ ok: false, status: 400 });
    for (const p of ['nope.png', 'audit']) expect(resolveInside(root, p)).toMatchObject({ ok: false, status: 404 });
  });
});
