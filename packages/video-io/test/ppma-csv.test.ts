import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPpmaCsv, writePpmaCsv } from '../src/index.js';
import type { Manifest } from '../src/index.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('PPMA CSV', () => {
  it('writes relative paths + labels.txt and reads them back', async () => {
    const m: Manifest = {
      labels: ['walk', 'run'],
      entries: [
        { path: join(tmp.dir, 'v', 'a.mp4'), label: 1, labelName: 'run' },
        { path: join(tmp.dir, 'v', 'b c.mp4'), label: 0, labelName: 'walk' },
      ],
    };
    const csv = join(tmp.dir, 'train.csv');
    await writePpmaCsv(m, csv);
    expect(readFileSync(csv, 'utf8')).toBe('v/a.mp4;1\nv/b c.mp4;0\n');
    expect(readFileSync(join(tmp.dir, 'labels.txt'), 'utf8')).toBe('walk\nrun\n');
    expect(await readPpmaCsv(csv)).toEqual(m);
  });

  it('prefers <stem>.labels.txt, honours root, and names the bad line', async () => {
    const csv = join(tmp.dir, 'val.csv');
    writeFileSync(csv, 'x.mp4;0\n\ny.mp4;2\n');
    writeFileSync(join(tmp.dir, 'val.labels.txt'), 'a\nb\nc\n');
    const m = await readPpmaCsv(csv, { root: '/data' });
    expect(m.entries).toEqual([
      { path: '/data/x.mp4', label: 0, labelName: 'a' },
      { path: '/data/y.mp4', label: 2, labelName: 'c' },
    ]);
    writeFileSync(csv, 'x.mp4;0\ny.mp4;zz\n');
    await expect(readPpmaCsv(csv)).rejects.toThrow(/val\.csv: line 2/);
  });
});
