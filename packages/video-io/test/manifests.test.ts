import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeVideo, listDataset, readManifest, validateDataset, writePpmaCsv } from '../src/index.js';
import type { ReadManifestOptions } from '../src/index.js';
import { makeFrames, tempDir } from './helpers.js';

const tmp = tempDir();
const root = tmp.dir;
let video: string;

function put(rel: string, text: string): string {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}
function putVideo(rel: string): string {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  copyFileSync(video, p);
  return p;
}
const read = (o: Omit<ReadManifestOptions, 'root'> & { root?: string }) => readManifest({ root, ...o });

beforeAll(async () => {
  video = join(root, 'tiny.mp4');
  await encodeVideo(video, makeFrames(8, 16, 16), { width: 16, height: 16, fps: 8 });
});
afterAll(() => tmp.cleanup());

describe('manifest formats', () => {
  it('ppma-csv (labels.txt beside; write -> read round trip)', async () => {
    put('ppma/train.csv', 'a/x.mp4;1\nb/y.mp4;0\n');
    put('ppma/labels.txt', 'jump\nwave\n');
    const m = await read({ format: 'ppma-csv', root: join(root, 'ppma'), annotations: join(root, 'ppma/train.csv') });
    expect(m.labels).toEqual(['jump', 'wave']);
    expect(m.entries[0]).toEqual({ path: join(root, 'ppma/a/x.mp4'), label: 1, labelName: 'wave' });
    await writePpmaCsv(m, join(root, 'copy/train.csv'));
    const copy = { format: 'ppma-csv', root: join(root, 'copy'), annotations: join(root, 'copy/train.csv') } as const;
    // The copy's paths are ../ppma/...: outside its root, so refused unless allowed.
    await expect(read(copy)).rejects.toThrow(/copy\/train\.csv: line 1: path "\.\.\/ppma\/a\/x\.mp4" lies outside/);
    const again = await read({ ...copy, allowOutsideRoot: true });
    expect(again.labels).toEqual(m.labels);
    expect(again.entries.map((e) => e.label)).toEqual([1, 0]);
  });

  it('videomae "path label" and rawframes "dir n label"', async () => {
    put('vm/train.csv', 'clips/a b.mp4 2\n/abs/c.mp4 0\n');
    await expect(read({ format: 'videomae', root: join(root, 'vm') })).rejects.toThrow(
      /vm\/train\.csv: line 2: path "\/abs\/c\.mp4" lies outside/,
    );
    const m = await read({ format: 'videomae', root: join(root, 'vm'), allowOutsideRoot: true });
    expect(m.entries.map((e) => [e.path, e.label])).toEqual([
      [join(root, 'vm/clips/a b.mp4'), 2],
      ['/abs/c.mp4', 0],
    ]);
    expect(m.labels).toEqual(['0', '1', '2']);
    put('rf/train.txt', 'frames/v1 120 1\nframes/v2 64 0\n');
    put('rf/labels.txt', 'a\nb\n');
    const r = await read({ format: 'rawframes', root: join(root, 'rf') });
    expect(r.entries[0]).toEqual({ path: join(root, 'rf/frames/v1'), label: 1, labelName: 'b', numFrames: 120 });
    put('rf/bad.txt', 'frames/v1 x 1\n');
    await expect(read({ format: 'rawframes', annotations: join(root, 'rf/bad.txt') })).rejects.toThrow(
      /bad\.txt: line 1/,
    );
  });

  it('ucf101: classInd is 1-based on disk, ids are 0-based; testlist labels come from the folder', async () => {
    put('ucf/ucfTrainTestlist/classInd.txt', '1 ApplyEyeMakeup\n2 Archery\n3 YoYo\n');
    put('ucf/ucfTrainTestlist/trainlist01.txt', 'Archery/v_Archery_g01_c01.avi 2\nYoYo/v_YoYo_g01_c01.avi 3\n');
    put('ucf/ucfTrainTestlist/testlist01.txt', 'ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi\n');
    const tr = await read({ format: 'ucf101', root: join(root, 'ucf') });
    expect(tr.labels).toEqual(['ApplyEyeMakeup', 'Archery', 'YoYo']);
    expect(tr.entries.map((e) => [e.label, e.labelName])).toEqual([
      [1, 'Archery'],
      [2, 'YoYo'],
    ]);
    expect(tr.entries[0].path).toBe(join(root, 'ucf/Archery/v_Archery_g01_c01.avi'));
    const te = await read({ format: 'ucf101', root: join(root, 'ucf'), split: 'test' });
    expect(te.entries.map((e) => e.label)).toEqual([0]);
  });

  it('hmdb51: split files with 0/1/2 flags, classes in sorted order', async () => {
    put('hmdb/splits/wave_test_split1.txt', 'w1.avi 1\nw2.avi 2\nw3.avi 0\n');
    put('hmdb/splits/clap_test_split1.txt', 'c1.avi 2\nc2.avi 1\n');
    const tr = await read({ format: 'hmdb51', root: join(root, 'hmdb'), annotations: join(root, 'hmdb/splits') });
    expect(tr.labels).toEqual(['clap', 'wave']);
    expect(tr.entries.map((e) => [e.path.slice(root.length), e.label])).toEqual([
      ['/hmdb/clap/c2.avi', 0],
      ['/hmdb/wave/w1.avi', 1],
    ]);
    const te = await read({
      format: 'hmdb51',
      root: join(root, 'hmdb'),
      annotations: join(root, 'hmdb/splits'),
      split: 'test',
    });
    expect(te.entries.map((e) => e.path.slice(root.length))).toEqual(['/hmdb/clap/c1.avi', '/hmdb/wave/w2.avi']);
  });

  it('ssv2: labels.json + validation.json with templates', async () => {
    put(
      'ssv2/ann/labels.json',
      JSON.stringify({ 'Pushing something from left to right': '1', 'Holding something': '0' }),
    );
    put(
      'ssv2/ann/validation.json',
      JSON.stringify([
        {
          id: '42',
          label: 'pushing a cup from left to right',
          template: 'Pushing [something] from left to right',
          placeholders: ['a cup'],
        },
      ]),
    );
    const m = await read({
      format: 'ssv2',
      root: join(root, 'ssv2/videos'),
      annotations: join(root, 'ssv2/ann'),
      split: 'val',
    });
    expect(m.labels).toEqual(['Holding something', 'Pushing something from left to right']);
    expect(m.entries).toEqual([
      { path: join(root, 'ssv2/videos/42.webm'), label: 1, labelName: 'Pushing something from left to right' },
    ]);
  });

  it('kinetics: CSV with quoted labels, <id>_<start:06d>_<end:06d> files in class folders', async () => {
    put(
      'k/val.csv',
      'label,youtube_id,time_start,time_end,split\n"passing American football (in game)",abc,12,22,val\nabseiling,xyz,0,10,val\n',
    );
    putVideo('k/abseiling/xyz_000000_000010.mkv');
    const m = await read({ format: 'kinetics', root: join(root, 'k'), split: 'val' });
    expect(m.labels).toEqual(['abseiling', 'passing American football (in game)']);
    expect(m.entries.map((e) => [e.path.slice(root.length), e.label])).toEqual([
      ['/k/passing American football (in game)/abc_000012_000022.mp4', 1],
      ['/k/abseiling/xyz_000000_000010.mkv', 0],
    ]);
  });

  it('diving48: JSON + vocabulary', async () => {
    put(
      'd48/Diving48_vocab.json',
      JSON.stringify([
        ['Back', '15som', 'NoTwis', 'TUCK'],
        ['Inward', '25som', 'NoTwis', 'PIKE'],
      ]),
    );
    put(
      'd48/Diving48_V2_test.json',
      JSON.stringify([{ vid_name: '_8Vy3dlHg2w_00000', label: 1, start_frame: 0, end_frame: 50 }]),
    );
    const m = await read({
      format: 'diving48',
      root: join(root, 'd48/rgb'),
      annotations: join(root, 'd48'),
      split: 'val',
    });
    expect(m.entries).toEqual([
      { path: join(root, 'd48/rgb/_8Vy3dlHg2w_00000.mp4'), label: 1, labelName: 'Inward 25som NoTwis PIKE' },
    ]);
  });

  it('folders: one folder per class, videos and frame folders, sorted', async () => {
    putVideo('f/walk/b.mp4');
    putVideo('f/walk/a.mp4');
    put('f/walk/readme.txt', 'x');
    mkdirSync(join(root, 'f/run/clip01'), { recursive: true });
    const m = await read({ format: 'folders', root: join(root, 'f') });
    expect(m.labels).toEqual(['run', 'walk']);
    expect(m.entries.map((e) => [e.path.slice(root.length), e.label])).toEqual([
      ['/f/run/clip01', 0],
      ['/f/walk/a.mp4', 1],
      ['/f/walk/b.mp4', 1],
    ]);
  });
});

describe('listDataset / validateDataset (ppma data)', () => {
  it('listing has exactly the documented JSON shape', async () => {
    const l = await listDataset({ format: 'folders', root: join(root, 'f') });
    expect(JSON.parse(JSON.stringify(l))).toEqual({
      entries: [
        { path: join(root, 'f/run/clip01'), label: 0, labelName: 'run' },
        { path: join(root, 'f/walk/a.mp4'), label: 1, labelName: 'walk' },
        { path: join(root, 'f/walk/b.mp4'), label: 1, labelName: 'walk' },
      ],
      labels: ['run', 'walk'],
    });
  });

  it('validation reports every problem at once', async () => {
    const r = await validateDataset({ format: 'folders', root: join(root, 'f') });
    expect(r.ok).toBe(2);
    expect(r.problems).toEqual([
      { path: join(root, 'f/run/clip01'), reason: 'empty: folder holds no frame images', problem: 'empty' },
    ]);
    const p = await validateDataset({ paths: [video, join(root, 'missing.mp4')] });
    expect(p.ok).toBe(1);
    expect(p.problems[0].reason).toMatch(/^missing/);
  });
});
