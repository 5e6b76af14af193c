/**
 * The six downstream tasks of the paper (PPMA §4, Table 1; the SynAPT benchmark), listed from high
 * to low scene-object bias: UCF101 split 1, HMDB51 split 1, Mini-SSV2, Diving48 V2, IkeaFA and
 * UAV-Human. Each reads its official annotation files from a user-provided root; see README
 * "Data layout" for the folders each one expects.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ManifestError } from '@ppma/core';
import { readManifest, type Manifest, type ManifestEntry } from '@ppma/video-io';
import { defineTask, type TaskPlugin } from '../task.js';
import { firstExisting, readSplitFiles, subsetClasses } from './split-files.js';

/** UCF101 official split 1: `<root>/ucfTrainTestlist/{classInd,trainlist01,testlist01}.txt`, videos `<root>/<Class>/v_*.avi`. */
export function ucf101Task(o: { annotations?: string; fold?: 1 | 2 | 3 } = {}): TaskPlugin {
  return defineTask({
    name: 'ucf101',
    classes: 101,
    description: `UCF101 split ${o.fold ?? 1} (official train/test lists)`,
    load: async (root) => ({
      train: await readManifest({
        format: 'ucf101',
        root,
        annotations: o.annotations,
        split: 'train',
        fold: o.fold ?? 1,
      }),
      val: await readManifest({ format: 'ucf101', root, annotations: o.annotations, split: 'test', fold: o.fold ?? 1 }),
    }),
  });
}

/** HMDB51 official split 1: `<root>/testTrainMulti_7030_splits/<class>_test_split1.txt`, videos `<root>/<class>/*.avi`. */
export function hmdb51Task(o: { annotations?: string; fold?: 1 | 2 | 3 } = {}): TaskPlugin {
  return defineTask({
    name: 'hmdb51',
    classes: 51,
    description: `HMDB51 split ${o.fold ?? 1} (official 70/30 split files)`,
    load: async (root) => ({
      train: await readManifest({
        format: 'hmdb51',
        root,
        annotations: o.annotations,
        split: 'train',
        fold: o.fold ?? 1,
      }),
      val: await readManifest({ format: 'hmdb51', root, annotations: o.annotations, split: 'test', fold: o.fold ?? 1 }),
    }),
  });
}

async function readClassList(file: string): Promise<string[]> {
  if (!existsSync(file))
    throw new ManifestError(
      file,
      'the Mini-SSV2 class list is missing: give 87 Something-Something V2 templates, one per line',
    );
  return (await readFile(file, 'utf8'))
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'));
}

/**
 * Mini-SSV2: the 87 Something-Something V2 classes of the SynAPT benchmark. The exact official list
 * is not shipped here (it could not be reproduced offline): supply it as `classList` (names, or a
 * file of templates one per line; default `<root>/mini_ssv2_classes.txt`). Reads SSv2's official
 * `labels.json`, `train.json` and `validation.json` (in `<root>/labels` or `<root>`), videos `<root>/<id>.webm`
 * (or `<root>/20bn-something-something-v2/<id>.webm`), keeps those classes and numbers them in list order.
 */
export function miniSsv2Task(
  o: { classList?: readonly string[] | string; annotations?: string; classCount?: number } = {},
): TaskPlugin {
  const count = o.classCount ?? (Array.isArray(o.classList) ? o.classList.length : 87);
  return defineTask({
    name: 'mini-ssv2',
    classes: count,
    description: 'Mini-SSV2 (87 Something-Something V2 classes, user-supplied list)',
    defaults: { hflip: false },
    load: async (root) => {
      const listFile = typeof o.classList === 'string' ? o.classList : join(root, 'mini_ssv2_classes.txt');
      const classes = Array.isArray(o.classList)
        ? [...(o.classList as readonly string[])]
        : await readClassList(listFile);
      if (classes.length !== count)
        throw new ManifestError(listFile, `Mini-SSV2 needs ${count} classes, the list has ${classes.length}`);
      const ann = o.annotations ?? (existsSync(join(root, 'labels', 'labels.json')) ? join(root, 'labels') : root);
      const videos = existsSync(join(root, '20bn-something-something-v2'))
        ? join(root, '20bn-something-something-v2')
        : root;
      const read = (split: 'train' | 'val'): Promise<Manifest> =>
        readManifest({ format: 'ssv2', root: videos, annotations: ann, split });
      return {
        train: subsetClasses(await read('train'), classes, listFile),
        val: subsetClasses(await read('val'), classes, listFile),
      };
    },
  });
}

/** Diving48 V2: `<root>/Diving48_V2_{train,test}.json` and `Diving48_vocab.json`, videos `<root>/rgb/<vid_name>.mp4` (or `<root>/<vid_name>.mp4`). */
export function diving48Task(o: { annotations?: string } = {}): TaskPlugin {
  return defineTask({
    name: 'diving48',
    classes: 48,
    description: 'Diving48 V2 (official train/test JSON)',
    load: async (root) => {
      const videos = existsSync(join(root, 'rgb')) ? join(root, 'rgb') : root;
      const ann = o.annotations ?? root;
      return {
        train: await readManifest({ format: 'diving48', root: videos, annotations: ann, split: 'train' }),
        val: await readManifest({ format: 'diving48', root: videos, annotations: ann, split: 'test' }),
      };
    },
  });
}

/** IkeaFA (IKEA furniture assembly, 12 classes): trimmed clips with `train` and `val` split files in `<root>` (PPMA `relpath;label` CSV or `path label`). */
export function ikeaFaTask(o: { annotations?: string } = {}): TaskPlugin {
  return defineTask({
    name: 'ikea-fa',
    classes: 12,
    description: 'IkeaFA (trimmed furniture-assembly clips, train/val split files)',
    load: (root) => readSplitFiles(root, o.annotations ?? root, 'IkeaFA'),
  });
}

const UAV_NAME = /P(\d{3}).*A(\d{3})/;

/**
 * UAV-Human action recognition (155 classes). Either split files in `<root>` (as IkeaFA), or the
 * official file names (`P<subject>S..A<action>R.._<time>.avi`, label = action, in `<root>/videos`
 * or `<root>`) with a cross-subject split: the training subject ids in `<root>/train_subjects.txt`
 * or `trainSubjects` (e.g. the official CSv1 list).
 */
export function uavHumanTask(o: { annotations?: string; trainSubjects?: readonly number[] } = {}): TaskPlugin {
  return defineTask({
    name: 'uav-human',
    classes: 155,
    description: 'UAV-Human actions (cross-subject split from subject ids, or split files)',
    load: async (root) => {
      const ann = o.annotations ?? root;
      if (firstExisting(ann, ['train.csv', 'train.txt'])) return readSplitFiles(root, ann, 'UAV-Human');
      const subjFile = join(ann, 'train_subjects.txt');
      let subjects = o.trainSubjects;
      if (!subjects) {
        if (!existsSync(subjFile))
          throw new ManifestError(
            ann,
            'UAV-Human: no train.csv/train.txt split files and no train_subjects.txt (training subject ids)',
          );
        subjects = (await readFile(subjFile, 'utf8'))
          .split(/[\s,]+/)
          .filter(Boolean)
          .map(Number);
      }
      const train = new Set(subjects);
      const videos = existsSync(join(root, 'videos')) ? join(root, 'videos') : root;
      const files = (await readdir(videos)).filter((f) => /\.(avi|mp4|mkv)$/i.test(f)).sort();
      const labels = Array.from({ length: 155 }, (_, i) => `A${String(i).padStart(3, '0')}`);
      const split: Record<'train' | 'val', ManifestEntry[]> = { train: [], val: [] };
      for (const f of files) {
        const m = UAV_NAME.exec(basename(f));
        if (!m) throw new ManifestError(join(videos, f), 'UAV-Human: file name has no P<subject> ... A<action> fields');
        const label = Number(m[2]);
        if (label >= 155) throw new ManifestError(join(videos, f), `UAV-Human: action A${m[2]} is outside 0..154`);
        split[train.has(Number(m[1])) ? 'train' : 'val'].push({
          path: join(videos, f),
          label,
          labelName: labels[label],
        });
      }
      return { train: { entries: split.train, labels }, val: { entries: split.val, labels } };
    },
  });
}

/** The six paper tasks with their default options, in Table 1's order (high to low scene-object bias). */
export function paperTasks(): TaskPlugin[] {
  return [ucf101Task(), hmdb51Task(), miniSsv2Task(), diving48Task(), ikeaFaTask(), uavHumanTask()];
}
