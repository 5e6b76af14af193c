/**
 * The manifests of an alignment run: CSV paths outside the CSV's folder are refused (naming the
 * file and line) unless the dataset says `allowOutsideRoot`, for the training and validation lists.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAlignManifests } from '../src/align-data.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-align-data-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('readAlignManifests', () => {
  it('forwards allowOutsideRoot to the CSV reader', async () => {
    fs.mkdirSync(path.join(tmp, 'lists'));
    const csv = path.join(tmp, 'lists', 'train.csv');
    fs.writeFileSync(csv, '../videos/a.mp4;0\n../videos/b.mp4;1\n');
    await expect(readAlignManifests([{ name: 'k', manifest: csv }])).rejects.toMatchObject({
      code: 'PPMA_MANIFEST',
      message: expect.stringContaining(`${csv}: line 1: path "../videos/a.mp4" lies outside the dataset root`),
    });
    const m = await readAlignManifests([{ name: 'k', manifest: csv, allowOutsideRoot: true }]);
    expect(m.classes).toEqual({ k: 2 });
    expect(m.manifests[0].entries.map((e) => e.path)).toEqual([
      path.join(tmp, 'videos', 'a.mp4'),
      path.join(tmp, 'videos', 'b.mp4'),
    ]);
  });
});
