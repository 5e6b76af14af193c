/**
 * Issue 13, question 1b (docs/experiments.md): training sets of n clips per class for the scratch
 * FT learning curve on the zero-bias tasks. Clips 0..n-1 of each class of the same generator and
 * seed as the default run (so clips 0..5 are its training videos), encoded like the data stage;
 * the validation manifests are the default run's, unchanged. Writes `<out>/n<N>/index.json` with
 * synth-diving and synth-uav only, for `ppma bench --synth`.
 *
 * `node --conditions=@ppma/source --import tsx experiments/q1-ft-data.ts <data-stage dir> <out> [cacheDir] [n ...]`
 */
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodeVideo } from '@ppma/video-io';
import { GEOM, clips, taskSpec } from './lib/clips.js';

const [dataDir, outDir, cacheArg, ...sizeArgs] = process.argv.slice(2);
if (!dataDir || !outDir) throw new Error('usage: q1-ft-data.ts <data-stage dir> <out> [cacheDir] [n ...]');
const cacheDir = cacheArg ?? '/tmp/h5/clips';
const sizes = sizeArgs.length ? sizeArgs.map(Number) : [16, 40];
const TASKS = ['synth-diving', 'synth-uav'];
interface Entry {
  // Fields read here; `ppma bench --synth` reads the `tasks` array.

  name: string;
  train: string;
  val: string;
  labels: string;
  clips: { train: number; val: number };
}
const index = JSON.parse(readFileSync(join(dataDir, 'index.json'), 'utf8')) as { datasets: Entry[] };

for (const n of sizes) {
  const root = resolve(outDir, `n${n}`);
  const datasets: Entry[] = [];
  for (const task of TASKS) {
    const ds = taskSpec(task);
    const all = clips(task, 'train', n, cacheDir);
    const lines: string[] = [];
    await Promise.all(
      all.map(async (c, i) => {
        const cls = ds.classes[c.label].name;
        const rel = `train/${cls}/${cls}_${String(i % n).padStart(3, '0')}.mp4`;
        mkdirSync(join(root, task, 'train', cls), { recursive: true });
        await encodeVideo(join(root, task, rel), c.video, { width: GEOM.width, height: GEOM.height, fps: GEOM.fps });
        lines[i] = `${rel};${c.label}`;
      }),
    );
    writeFileSync(join(root, task, 'train.csv'), `${lines.join('\n')}\n`);
    const orig = index.datasets.find((d) => d.name === task);
    if (!orig) throw new Error(`${join(dataDir, 'index.json')}: no task ${task}`);
    // The validation split is the default run's: its manifest and labels copied, its videos linked.
    const origTask = resolve(dataDir, task);
    copyFileSync(join(origTask, 'val.csv'), join(root, task, 'val.csv'));
    copyFileSync(join(origTask, 'labels.txt'), join(root, task, 'labels.txt'));
    symlinkSync(join(origTask, 'val'), join(root, task, 'val'));
    datasets.push({
      ...orig,
      train: `${task}/train.csv`,
      val: `${task}/val.csv`,
      labels: `${task}/labels.txt`,
      clips: { train: all.length, val: orig.clips.val },
    });
  }
  writeFileSync(join(root, 'index.json'), JSON.stringify({ ...index, datasets, tasks: datasets }, null, 2));
  console.log(`${root}/index.json: ${n} training clips per class`);
}
