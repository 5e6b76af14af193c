/** Built-in task loaders on small annotation trees laid out like the official releases. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManifestError } from '@ppma/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkSplits,
  diving48Task,
  hmdb51Task,
  ikeaFaTask,
  miniSsv2Task,
  paperTasks,
  syntheticTasks,
  ucf101Task,
  uavHumanTask,
} from '../src/index.js';

let base: string;
async function put(file: string, text: string): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, text);
}
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'bench-tasks-'));
});

describe('paper tasks', () => {
  it('lists the six tasks of Table 1 in order, with their class counts', () => {
    expect(paperTasks().map((t) => [t.name, t.classes])).toEqual([
      ['ucf101', 101],
      ['hmdb51', 51],
      ['mini-ssv2', 87],
      ['diving48', 48],
      ['ikea-fa', 12],
      ['uav-human', 155],
    ]);
  });

  it('UCF101 split 1 from classInd/trainlist01/testlist01 (1-based ids on disk, 0-based ours)', async () => {
    const root = join(base, 'ucf');
    const names = Array.from({ length: 101 }, (_, i) => `Class${i + 1}`);
    await put(join(root, 'ucfTrainTestlist', 'classInd.txt'), names.map((n, i) => `${i + 1} ${n}`).join('\n'));
    await put(
      join(root, 'ucfTrainTestlist', 'trainlist01.txt'),
      'Class1/v_Class1_g08_c01.avi 1\nClass101/v_Class101_g09_c02.avi 101\n',
    );
    await put(join(root, 'ucfTrainTestlist', 'testlist01.txt'), 'Class3/v_Class3_g01_c01.avi\n');
    await put(join(root, 'ucfTrainTestlist', 'trainlist02.txt'), 'Class2/v_Class2_g01_c01.avi 2\n');
    const t = ucf101Task();
    const s = await t.load(root);
    checkSplits(t, s);
    expect(s.train.entries.map((e) => [e.path, e.label])).toEqual([
      [join(root, 'Class1/v_Class1_g08_c01.avi'), 0],
      [join(root, 'Class101/v_Class101_g09_c02.avi'), 100],
    ]);
    expect(s.val.entries[0].label).toBe(2);
  });

  it('HMDB51 split 1: flag 1 = train, 2 = test, 0 = unused', async () => {
    const root = join(base, 'hmdb');
    for (let i = 0; i < 51; i++) {
      await put(
        join(root, 'testTrainMulti_7030_splits', `act${String(i).padStart(2, '0')}_test_split1.txt`),
        `a${i}.avi 1\nb${i}.avi 2\nc${i}.avi 0\n`,
      );
    }
    const t = hmdb51Task();
    const s = await t.load(root);
    checkSplits(t, s);
    expect(s.train.entries.length).toBe(51);
    expect(s.val.entries.length).toBe(51);
    expect(s.val.entries[5]).toMatchObject({ path: join(root, 'act05', 'b5.avi'), label: 5 });
  });

  it('Mini-SSV2 keeps the listed classes of SSv2 and numbers them in list order', async () => {
    const root = join(base, 'ssv2');
    const templates = Array.from({ length: 174 }, (_, i) => `Doing thing ${i} with [something]`);
    await put(
      join(root, 'labels', 'labels.json'),
      JSON.stringify(Object.fromEntries(templates.map((t, i) => [t.replace(/[[\]]/g, ''), String(i)]))),
    );
    await put(
      join(root, 'labels', 'train.json'),
      JSON.stringify([
        { id: '10', template: templates[3] },
        { id: '11', template: templates[100] },
        { id: '12', template: templates[1] },
      ]),
    );
    await put(join(root, 'labels', 'validation.json'), JSON.stringify([{ id: '20', template: templates[5] }]));
    const list = Array.from({ length: 87 }, (_, i) => templates[(2 * i + 5) % 174]); // odd templates 5, 7, ..., 173, then 1, 3 (template 100 is left out)
    await put(join(root, 'mini_ssv2_classes.txt'), list.join('\n'));
    const t = miniSsv2Task();
    const s = await t.load(root);
    checkSplits(t, s);
    expect(s.train.entries.map((e) => [e.path, e.label])).toEqual([
      [join(root, '10.webm'), 86], // 2i + 5 = 174 + 3
      [join(root, '12.webm'), 85], // 2i + 5 = 174 + 1
    ]);
    expect(s.val.entries.map((e) => e.label)).toEqual([0]);
    expect(t.defaults?.hflip).toBe(false);
    await put(join(root, 'short.txt'), list.slice(0, 10).join('\n'));
    await expect(miniSsv2Task({ classList: join(root, 'short.txt') }).load(root)).rejects.toThrow(
      /needs 87 classes, the list has 10/,
    );
    await expect(miniSsv2Task().load(join(base, 'nowhere'))).rejects.toBeInstanceOf(ManifestError);
  });

  it('Diving48 V2 from the official JSON and vocabulary, videos under rgb/', async () => {
    const root = join(base, 'div');
    await mkdir(join(root, 'rgb'), { recursive: true });
    await put(
      join(root, 'Diving48_vocab.json'),
      JSON.stringify(Array.from({ length: 48 }, (_, i) => ['Back', `${i}Som`, 'NoTwis', 'PIKE'])),
    );
    await put(
      join(root, 'Diving48_V2_train.json'),
      JSON.stringify([{ vid_name: '_8Vy3dlHg2w_00000', label: 12, start_frame: 0, end_frame: 40 }]),
    );
    await put(
      join(root, 'Diving48_V2_test.json'),
      JSON.stringify([{ vid_name: '0aB_00001', label: 47, start_frame: 0, end_frame: 40 }]),
    );
    const t = diving48Task();
    const s = await t.load(root);
    checkSplits(t, s);
    expect(s.train.entries[0]).toMatchObject({
      path: join(root, 'rgb', '_8Vy3dlHg2w_00000.mp4'),
      label: 12,
      labelName: 'Back 12Som NoTwis PIKE',
    });
    expect(s.val.entries[0].label).toBe(47);
  });

  it('IkeaFA from PPMA split CSVs; a wrong class count is caught by checkSplits', async () => {
    const root = join(base, 'ikea');
    await put(join(root, 'labels.txt'), Array.from({ length: 12 }, (_, i) => `step${i}`).join('\n'));
    await put(join(root, 'train.csv'), 'clips/a.mp4;0\nclips/b.mp4;11\n');
    await put(join(root, 'val.csv'), 'clips/c.mp4;4\n');
    const t = ikeaFaTask();
    const s = await t.load(root);
    checkSplits(t, s);
    expect(s.train.entries[1]).toMatchObject({ path: join(root, 'clips/b.mp4'), label: 11, labelName: 'step11' });
    expect(() => checkSplits({ ...t, classes: 13 }, s)).toThrow(/12 labels, the task declares 13 classes/);
    await expect(ikeaFaTask().load(join(base, 'empty'))).rejects.toThrow(/no train split file/);
  });

  it('UAV-Human: label from A<action>, cross-subject split from the training subject ids', async () => {
    const root = join(base, 'uav');
    const files = [
      'P001S00G10B10H10UC022000LC021000A005R0_08241716.avi',
      'P002S01G10B10H10UC022000LC021000A154R0_08241717.avi',
      'P003S00G10B10H10UC022000LC021000A000R0_08241718.avi',
    ];
    for (const f of files) await put(join(root, 'videos', f), '');
    await put(join(root, 'train_subjects.txt'), '1 2\n');
    const t = uavHumanTask();
    const s = await t.load(root);
    checkSplits(t, s);
    expect(s.train.entries.map((e) => [e.label, e.labelName])).toEqual([
      [5, 'A005'],
      [154, 'A154'],
    ]);
    expect(s.val.entries.map((e) => e.path)).toEqual([join(root, 'videos', files[2])]);
  });
});

describe('synthetic tasks', () => {
  it('turns every task of a benchmark index.json into a plugin, with classes from the index or the manifest', async () => {
    const root = join(base, 'synth');
    await put(join(root, 'tasks', 'scene', 'labels.txt'), 'walk\nrun\njump\n');
    await put(join(root, 'tasks', 'scene', 'train.csv'), 'clips/0.mp4;0\nclips/1.mp4;2\n');
    await put(join(root, 'tasks', 'scene', 'val.csv'), 'clips/2.mp4;1\n');
    await put(join(root, 'tasks', 'dive', 'train.csv'), 'a.mp4;0\nb.mp4;1\n');
    await put(join(root, 'tasks', 'dive', 'test.csv'), 'c.mp4;1\n');
    await put(
      join(root, 'index.json'),
      JSON.stringify({
        preset: 'tiny',
        tasks: [
          {
            name: 'scene',
            classes: ['walk', 'run', 'jump'],
            sceneObjectBias: 1,
            train: 'tasks/scene/train.csv',
            val: 'tasks/scene/val.csv',
          },
          {
            name: 'dive',
            sceneObjectBias: 0,
            manifests: { train: 'tasks/dive/train.csv', test: 'tasks/dive/test.csv' },
          },
        ],
      }),
    );
    const tasks = await syntheticTasks(root);
    expect(tasks.map((t) => [t.name, t.classes, t.sceneObjectBias])).toEqual([
      ['scene', ['walk', 'run', 'jump'], 1],
      ['dive', ['0', '1'], 0],
    ]);
    const s = await tasks[0].load(root);
    checkSplits(tasks[0], s);
    expect(s.train.entries[1]).toMatchObject({
      path: join(root, 'tasks', 'scene', 'clips', '1.mp4'),
      label: 2,
      labelName: 'jump',
    });
    expect((await tasks[1].load(root)).val.entries[0].path).toBe(join(root, 'tasks', 'dive', 'c.mp4'));
    await put(join(root, 'bad', 'index.json'), JSON.stringify({ tasks: [] }));
    await expect(syntheticTasks(join(root, 'bad'))).rejects.toThrow(/no downstream tasks/);
  });
});
