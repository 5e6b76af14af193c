/** The worked example plugin in examples/bench-plugin loads by path and by package name, with options, and reads its layout. */
import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSplits, loadPlugin } from '../src/index.js';

const example = resolve(__dirname, '../../../examples/bench-plugin');

describe('examples/bench-plugin', () => {
  it('is a valid plugin whose load() reads the folder-per-class layout in class-list order', async () => {
    const [task] = await loadPlugin(join(example, 'index.js'));
    expect(task.name).toBe('gestures');
    const root = await mkdtemp(join(tmpdir(), 'bench-example-'));
    for (const split of ['train', 'val']) {
      for (const c of task.classes as string[]) {
        await mkdir(join(root, split, c), { recursive: true });
        await writeFile(join(root, split, c, `${c}-1.mp4`), '');
        await writeFile(join(root, split, c, 'notes.txt'), '');
      }
    }
    const splits = await task.load(root);
    checkSplits(task, splits);
    expect(splits.train.entries.map((e) => [e.labelName, e.label])).toEqual([
      ['swipe-left', 0],
      ['swipe-right', 1],
      ['push', 2],
      ['pull', 3],
    ]);
    // As an installed package, by name, with options.
    const proj = await mkdtemp(join(tmpdir(), 'bench-example-proj-'));
    await cp(example, join(proj, 'node_modules', 'ppma-bench-plugin-gestures'), { recursive: true });
    const [custom] = await loadPlugin(
      ['ppma-bench-plugin-gestures', { classes: ['push', 'pull'], name: 'push-pull' }],
      { cwd: proj },
    );
    expect([custom.name, custom.classes]).toEqual(['push-pull', ['push', 'pull']]);
    expect((await custom.load(root)).val.entries.map((e) => e.label)).toEqual([0, 1]);
  });
});
