// Fuzzing the manifest readers with seeded malformed annotation files: every case gives a valid
// manifest or a typed PpmaError (never an untyped exception, a hang, or memory that grows with a
// number written in the file).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readManifest } from '../src/index.js';
import type { Manifest, ManifestFormat } from '../src/index.js';
import { fuzz, mutateText } from '../../core/test/fuzz.js';
import { tempDir } from './helpers.js';

const tmp = tempDir('ppma-manifest-fuzz-');
afterAll(() => tmp.cleanup());

/** A valid annotation set per format: the files to write and the options to read them. */
interface Seed {
  readonly format: ManifestFormat;
  readonly files: Readonly<Record<string, string>>;
  /** The file the fuzzer mutates. */
  readonly target: string;
}
const SEEDS: readonly Seed[] = [
  {
    format: 'ppma-csv',
    files: {
      'train.csv': 'walk/a.mp4;0\nwalk/b.mp4;0\nrun/c.mp4;1\n# comment\nrun/d e.mp4;2\n',
      'labels.txt': 'walk\nrun\njump\n',
    },
    target: 'train.csv',
  },
  { format: 'ppma-csv', files: { 'train.csv': 'a.mp4;0\nb.mp4;3\nc.mp4;1\n' }, target: 'train.csv' },
  {
    format: 'videomae',
    files: { 'train.csv': 'clips/a.mp4 0\nclips/b c.mp4 2\nclips/d.mp4 1\n' },
    target: 'train.csv',
  },
  {
    format: 'rawframes',
    files: { 'train.txt': 'frames/v1 120 1\nframes/v2 64 0\n', 'labels.txt': 'a\nb\n' },
    target: 'train.txt',
  },
  {
    format: 'ucf101',
    files: {
      'classInd.txt': '1 ApplyEyeMakeup\n2 Archery\n3 Basketball\n',
      'trainlist01.txt': 'ApplyEyeMakeup/v_A_g01_c01.avi 1\nArchery/v_B_g01_c01.avi 2\nBasketball/v_C_g02_c03.avi 3\n',
    },
    target: 'trainlist01.txt',
  },
  {
    format: 'ucf101',
    files: { 'classInd.txt': '1 ApplyEyeMakeup\n2 Archery\n', 'trainlist01.txt': 'Archery/v.avi 2\n' },
    target: 'classInd.txt',
  },
  {
    format: 'ssv2',
    files: {
      'labels.json': '{"Pushing something":"0","Pulling something":"1"}',
      'train.json': '[{"id":"12","template":"Pushing [something]"},{"id":"13","template":"Pulling [something]"}]',
    },
    target: 'train.json',
  },
  {
    format: 'ssv2',
    files: {
      'labels.json': '{"Pushing something":"0","Pulling something":"1"}',
      'train.json': '[{"id":"1","template":"Pushing something"}]',
    },
    target: 'labels.json',
  },
  {
    format: 'kinetics',
    files: {
      'train.csv': 'label,youtube_id,time_start,time_end,split\n"abseiling",abc,10,20,train\ndancing,def,0,10,train\n',
    },
    target: 'train.csv',
  },
  {
    format: 'diving48',
    files: {
      'Diving48_V2_train.json': '[{"vid_name":"a","label":0},{"vid_name":"b","label":1}]',
      'Diving48_vocab.json': '[["Back","15som"],["Forward","25som"]]',
    },
    target: 'Diving48_V2_train.json',
  },
];

function consistent(result: unknown): void {
  const m = result as Manifest;
  expect(m.labels.length).toBeLessThanOrEqual(10_000);
  const paths = new Set<string>();
  for (const e of m.entries) {
    expect(Number.isInteger(e.label) && e.label >= 0 && e.label < m.labels.length).toBe(true);
    expect(e.labelName).toBe(m.labels[e.label]);
    expect(e.path.startsWith(tmp.dir)).toBe(true); // nothing escapes the root
    paths.add(e.path);
  }
  expect(paths.size).toBe(m.entries.length); // no duplicates
}

describe('manifest readers fuzz', () => {
  it('1200 malformed annotation files over every format: a valid manifest or a typed error', async () => {
    const r = await fuzz(
      1200,
      'manifests',
      (rng, i) => {
        const seed = SEEDS[i % SEEDS.length];
        const root = join(tmp.dir, `case${i % 4}`);
        rmSync(root, { recursive: true, force: true });
        mkdirSync(root, { recursive: true });
        for (const [name, text] of Object.entries(seed.files)) {
          const mutated =
            name === seed.target ? mutateText(rng, rng.bernoulli(0.3) ? mutateText(rng, text) : text) : text;
          writeFileSync(join(root, name), mutated);
        }
        return { seed, root };
      },
      ({ seed, root }) =>
        readManifest({
          format: seed.format,
          root,
          annotations:
            seed.format === 'ucf101' || seed.format === 'ssv2' || seed.format === 'diving48'
              ? root
              : join(root, seed.target),
        }),
      { caseMs: 2000, memoryBytes: 128 * 1024 * 1024 },
      consistent,
    );
    expect(r.refused).toBeGreaterThan(200);
    expect(r.accepted).toBeGreaterThan(200);
  });
});
