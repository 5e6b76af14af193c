// Careless and hostile manifests: every one is refused with a ManifestError naming the file and
// the line, and parsing costs what the file costs, not what a number in it says.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManifestError } from '@ppma/core';
import { MAX_IMPLICIT_CLASSES, readManifest, readPpmaCsv } from '../src/index.js';
import { tempDir } from './helpers.js';

const tmp = tempDir('ppma-strict-');
afterAll(() => tmp.cleanup());
let k = 0;
function csv(text: string, labels?: string): string {
  const dir = join(tmp.dir, `d${k++}`);
  mkdirSync(dir);
  if (labels !== undefined) writeFileSync(join(dir, 'labels.txt'), labels);
  writeFileSync(join(dir, 'train.csv'), text);
  return join(dir, 'train.csv');
}
async function refused(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${pattern}`).toBeInstanceOf(ManifestError);
  expect((err as ManifestError).code).toBe('PPMA_MANIFEST');
  expect((err as Error).message).toMatch(pattern);
}

describe('strict PPMA CSV labels', () => {
  it.each(['a.mp4;', 'a.mp4;0x3', 'a.mp4;1e1', 'a.mp4;1.0', 'a.mp4;-1', 'a.mp4;+2', 'a.mp4; ', 'a.mp4;Infinity'])(
    '"%s" is an error naming the file and line, not a number',
    async (line) => {
      const f = csv(`ok.mp4;0\n${line}\n`);
      await refused(readPpmaCsv(f), new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: line 2: expected`));
    },
  );

  it('ids are range-checked against the labels file and an explicit label map, naming the line', async () => {
    await refused(readPpmaCsv(csv('a.mp4;0\nb.mp4;2\n', 'x\ny\n')), /line 2: label id 2 is outside the 2 labels/);
    await refused(readPpmaCsv(csv('a.mp4;0\nb.mp4;5\n'), { labels: ['x', 'y'] }), /line 2: label id 5 is outside/);
    const m = await readPpmaCsv(csv('a.mp4;1\n'), { labels: ['x', 'y', 'z'] });
    expect(m.labels).toEqual(['x', 'y', 'z']);
  });

  it('a one-line CSV with label 100000000 fails at once, without allocating the class list', async () => {
    const f = csv('a.mp4;100000000\n');
    const heap = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    await refused(readPpmaCsv(f), new RegExp(`line 1: label id 100000000 would make .* below ${MAX_IMPLICIT_CLASSES}`));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(50e6);
    await refused(readPpmaCsv(csv('a.mp4;9999999999\n')), /line 1: expected/); // more than 9 digits
  });

  it('duplicate lines are reported with both line numbers', async () => {
    await refused(
      readPpmaCsv(csv('a.mp4;0\nb.mp4;1\n./a.mp4;1\n')),
      /line 3: .*a\.mp4 is listed twice \(first at line 1\)/,
    );
  });

  it('paths escaping the dataset root are refused unless allowed', async () => {
    await refused(readPpmaCsv(csv('../x.mp4;0\n')), /line 1: path "\.\.\/x\.mp4" lies outside the dataset root/);
    await refused(readPpmaCsv(csv('ok.mp4;0\n/etc/passwd;0\n')), /line 2: path "\/etc\/passwd" lies outside/);
    await refused(readPpmaCsv(csv('a/../../x.mp4;0\n')), /lies outside/);
    const m = await readPpmaCsv(csv('/etc/passwd;0\n'), { allowOutsideRoot: true });
    expect(m.entries[0].path).toBe('/etc/passwd');
    const inside = await readPpmaCsv(csv('a/../b.mp4;0\n'));
    expect(inside.entries[0].path.endsWith('/b.mp4')).toBe(true);
  });
});

describe('strict readers of the other formats', () => {
  it('videomae and rawframes lists: integer labels and frame counts only, bounded ids, no escapes', async () => {
    const vm = (text: string) => readManifest({ format: 'videomae', root: tmp.dir, annotations: csv(text) });
    await refused(vm('a.mp4 1e1\n'), /line 1: expected "path label" with integer numbers/);
    await refused(vm('a.mp4 0x3\n'), /line 1: expected/);
    await refused(vm('a.mp4 100000000\n'), /line 1: label id 100000000 would make/);
    await refused(vm('../../a.mp4 0\n'), /line 1: path "\.\.\/\.\.\/a\.mp4" lies outside/);
    await refused(vm('a.mp4 0\na.mp4 0\n'), /line 2: .* listed twice \(first at line 1\)/);
    const rf = csv('v1 0x10 0\n');
    await refused(readManifest({ format: 'rawframes', root: tmp.dir, annotations: rf }), /line 1: expected/);
  });

  it('UCF101 classInd and SSv2 labels.json with a huge id fail at once', async () => {
    const ucf = join(tmp.dir, 'ucf');
    mkdirSync(ucf);
    writeFileSync(join(ucf, 'classInd.txt'), '1 Walk\n100000000 Run\n');
    writeFileSync(join(ucf, 'trainlist01.txt'), 'Walk/v.avi 1\n');
    const t0 = performance.now();
    await refused(
      readManifest({ format: 'ucf101', root: ucf, annotations: ucf }),
      /classInd\.txt: line 2: class id 100000000 but the file lists 2 classes/,
    );
    const ssv2 = join(tmp.dir, 'ssv2');
    mkdirSync(ssv2);
    writeFileSync(join(ssv2, 'labels.json'), '{"Pushing":"0","Pulling":"100000000"}');
    writeFileSync(join(ssv2, 'train.json'), '[]');
    await refused(
      readManifest({ format: 'ssv2', root: ssv2, annotations: ssv2 }),
      /labels\.json: label "Pulling" has id "100000000" \(expected 0\.\.1\)/,
    );
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
