import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRemovalOutput } from '../src/index.js';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-review-out-'));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

function folder(name: string, report: unknown, audit?: unknown): string {
  const dir = path.join(base, name);
  fs.mkdirSync(path.join(dir, 'audit'), { recursive: true });
  if (report !== undefined) fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify(report));
  if (audit !== undefined) fs.writeFileSync(path.join(dir, 'audit', 'audit.json'), JSON.stringify(audit));
  return dir;
}

const auditOf = (dir: string, rel: string, hasResidual: boolean) => ({
  name: rel
    .replace(/\.mp4$/, '')
    .split('/')
    .join('__'),
  input: `/data/${rel}`,
  output: path.join(dir, rel),
  frames: 4,
  residualFrames: hasResidual ? [1, 2] : [],
  outputPersons: hasResidual ? [0, 1, 1, 0] : [0, 0, 0, 0],
  hasResidual,
  sheet: path.join(dir, 'audit', 'x.sheet.png'),
});

describe('loadRemovalOutput', () => {
  it('joins the shard reports and the audit by output path, in report order', () => {
    const dir = folder('a', { outputs: [{ input: '/data/k/a.mp4', output: 'k/a.mp4' }] });
    fs.writeFileSync(
      path.join(dir, 'report.shard-1-of-2.json'),
      JSON.stringify({ outputs: [{ input: '/data/k/b.mp4', output: 'k/b.mp4' }] }),
    );
    fs.writeFileSync(
      path.join(dir, 'audit', 'audit.json'),
      JSON.stringify({ detector: 'centernet', minScore: 0.5, videos: [auditOf(dir, 'k/b.mp4', true)] }),
    );
    fs.mkdirSync(path.join(dir, 'masks', 'k'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'masks', 'k', 'a.mkv'), '');
    const vs = loadRemovalOutput(dir);
    expect(vs.map((v) => v.id)).toEqual(['k/a.mp4', 'k/b.mp4']);
    expect(vs[0]!.audit).toBeUndefined();
    expect(vs[0]!.masks).toBe(path.join(dir, 'masks', 'k', 'a.mkv'));
    expect(vs[1]!.audit).toMatchObject({
      detector: 'centernet',
      hasResidual: true,
      residualFrames: [1, 2],
      sheet: 'audit/x.sheet.png',
    });
    expect(vs[1]!.output).toBe(path.join(dir, 'k', 'b.mp4'));
  });

  it('finds the audit of a folder that was moved after the run, by the audit name', () => {
    const old = path.join(base, 'before-the-move');
    const dir = folder(
      'moved',
      { outputs: [{ input: '/data/k/a.mp4', output: 'k/a.mp4' }] },
      {
        detector: 'nanodet+movenet-multipose',
        models: { removal: ['rvm', 'centernet'], audit: ['nanodet', 'movenet-multipose'] },
        caveat: 'blind',
        videos: [auditOf(old, 'k/a.mp4', true)],
      },
    );
    const [v] = loadRemovalOutput(dir);
    expect(v!.audit).toMatchObject({
      hasResidual: true,
      detector: 'nanodet+movenet-multipose',
      caveat: 'blind',
      removalModels: ['rvm', 'centernet'],
    });
    expect(v!.audit?.sheet).toBeUndefined(); // the old sheet path is not inside this folder
  });

  it('matches a moved audit by file name only when no other video shares it', () => {
    const old = path.join(base, 'before-the-second-move');
    const named = (rel: string) => ({ ...auditOf(old, rel, true), name: path.basename(rel, '.mp4') });
    const dir = folder(
      'moved-by-file-name',
      {
        outputs: [
          { input: '/data/train/a.mp4', output: 'train/a.mp4' },
          { input: '/data/val/a.mp4', output: 'val/a.mp4' },
          { input: '/data/train/b.mp4', output: 'train/b.mp4' },
        ],
      },
      { detector: 'nanodet', videos: [named('train/a.mp4'), named('train/b.mp4')] },
    );
    const vs = loadRemovalOutput(dir);
    expect(vs.map((v) => [v.id, v.audit?.hasResidual])).toEqual([
      ['train/a.mp4', undefined], // two videos are called a.mp4: which one the audit meant is unknown
      ['val/a.mp4', undefined],
      ['train/b.mp4', true],
    ]);
  });

  it('names the file at fault, and refuses outputs outside the folder', () => {
    expect(() => loadRemovalOutput(folder('none', undefined))).toThrow(/no report\.json .* and no audit\/audit\.json/);
    const bad = folder('bad', { outputs: [{ input: 'x' }] });
    expect(() => loadRemovalOutput(bad)).toThrow(new RegExp(`${path.join(bad, 'report.json')}: unexpected content`));
    const out = folder('outside', { outputs: [{ input: '/x.mp4', output: '../../etc/x.mp4' }] });
    expect(() => loadRemovalOutput(out)).toThrow(/lies outside/);
  });
});
