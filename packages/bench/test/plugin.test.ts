import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PluginError } from '@ppma/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { defineTask, loadPlugin, resolveTasks, runBenchmark, taskProblems } from '../src/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bench-plugin-'));
});

const good = `export default { name: 'toy', classes: ['a', 'b'], sceneObjectBias: 0.5, load: (root) => ({ train: { entries: [], labels: ['a', 'b'] }, val: { entries: [], labels: ['a', 'b'], root } }) };`;

async function plugin(name: string, source: string): Promise<string> {
  const f = join(dir, name);
  await writeFile(f, source);
  return f;
}

async function loadError(spec: Parameters<typeof loadPlugin>[0]): Promise<PluginError> {
  try {
    await loadPlugin(spec, { cwd: dir });
  } catch (e) {
    expect(e).toBeInstanceOf(PluginError);
    return e as PluginError;
  }
  throw new Error('expected a PluginError');
}

describe('task plugin contract', () => {
  it('defineTask is the identity and a well-formed task has no problems', () => {
    const t = {
      name: 'x',
      classes: 3,
      load: () => ({ train: { entries: [], labels: [] }, val: { entries: [], labels: [] } }),
    };
    expect(defineTask(t)).toBe(t);
    expect(taskProblems(t)).toEqual([]);
  });

  it('lists every problem of a malformed task, naming the field', () => {
    const p = taskProblems({
      name: 'bad name!',
      classes: ['a', 'a'],
      sceneObjectBias: 2,
      defaults: { numCrops: 2, epochz: 3 },
    });
    expect(p.join('\n')).toMatch(/"name"/);
    expect(p.join('\n')).toMatch(/duplicate/);
    expect(p.join('\n')).toMatch(/"load" is missing/);
    expect(p.join('\n')).toMatch(/sceneObjectBias/);
    expect(p.join('\n')).toMatch(/numCrops/);
    expect(p.join('\n')).toMatch(/defaults\.epochz/);
  });
});

describe('loadPlugin', () => {
  it('loads a local module by relative and absolute path and unwraps default', async () => {
    const f = await plugin('good.mjs', good);
    const [t] = await loadPlugin('./good.mjs', { cwd: dir });
    expect(t.name).toBe('toy');
    expect(t.sceneObjectBias).toBe(0.5);
    const splits = await t.load('/data/toy');
    expect(splits.train.labels).toEqual(['a', 'b']);
    expect((await loadPlugin(f))[0].name).toBe('toy');
  });

  it('loads an npm package by name (resolved from cwd), a factory with [name, options], and arrays of tasks', async () => {
    const pkg = join(dir, 'node_modules', 'ppma-bench-toy');
    await mkdir(pkg, { recursive: true });
    await writeFile(
      join(pkg, 'package.json'),
      JSON.stringify({ name: 'ppma-bench-toy', type: 'module', main: 'index.js' }),
    );
    await writeFile(
      join(pkg, 'index.js'),
      `export default (o = {}) => Array.from({ length: o.count ?? 1 }, (_, i) => ({ name: 'toy' + i, classes: o.classes ?? 2, load: () => ({ train: { entries: [], labels: [] }, val: { entries: [], labels: [] } }) }));`,
    );
    expect((await loadPlugin('ppma-bench-toy', { cwd: dir })).map((t) => t.name)).toEqual(['toy0']);
    const tasks = await loadPlugin(['ppma-bench-toy', { count: 3, classes: 5 }], { cwd: dir });
    expect(tasks.map((t) => [t.name, t.classes])).toEqual([
      ['toy0', 5],
      ['toy1', 5],
      ['toy2', 5],
    ]);
  });

  it('resolveTasks finds plugin tasks by name and reports unknown names', async () => {
    await plugin('good2.mjs', good);
    const [t] = await resolveTasks(['toy'], { plugins: ['./good2.mjs'], pluginOptions: { cwd: dir } });
    expect(t.name).toBe('toy');
    const names = (await resolveTasks(['ucf101', 'mini-ssv2', 'uav-human'])).map((x) => x.name);
    expect(names).toEqual(['ucf101', 'mini-ssv2', 'uav-human']);
    await expect(resolveTasks(['nope'])).rejects.toThrow(/unknown task "nope".*ucf101/);
    expect(
      (await resolveTasks(['all'], { plugins: ['./good2.mjs'], pluginOptions: { cwd: dir } })).map((x) => x.name),
    ).toEqual(['toy']);
    expect(await resolveTasks(['all'])).toEqual([]);
    await expect(
      runBenchmark({ models: ['scratch:vit-nano'], tasks: ['all'], out: join(dir, 'none') }),
    ).rejects.toThrow(/"all" matched no task/);
  });

  it('names the plugin and what is missing when the plugin is malformed', async () => {
    await plugin('noload.mjs', `export default { name: 'x', classes: 3 };`);
    let e = await loadError('./noload.mjs');
    expect(e.code).toBe('PPMA_PLUGIN');
    expect(e.message).toMatch(/plugin \.\/noload\.mjs: malformed task plugin: "load" is missing/);

    await plugin('noclasses.mjs', `export default { name: 'x', load() {} };`);
    e = await loadError('./noclasses.mjs');
    expect(e.message).toMatch(/"classes" is missing/);

    await plugin('named.mjs', `export const something = 1;`);
    e = await loadError('./named.mjs');
    expect(e.message).toMatch(/expected a task .* got an object with keys something/);

    await plugin(
      'list.mjs',
      `export default [{ name: 'a', classes: 2, load() {} }, { name: 'b', classes: 1, load() {} }];`,
    );
    e = await loadError('./list.mjs');
    expect(e.message).toMatch(/task 1: "classes" must be at least 2/);

    await plugin(
      'dup.mjs',
      `export default [{ name: 'a', classes: 2, load() {} }, { name: 'a', classes: 2, load() {} }];`,
    );
    expect((await loadError('./dup.mjs')).message).toMatch(/two tasks are named "a"/);

    await plugin('throws.mjs', `export default () => { throw new Error('boom'); };`);
    e = await loadError('./throws.mjs');
    expect(e.message).toMatch(/factory function threw: boom/);
    expect((e.cause as Error).message).toBe('boom');
  });

  it('wraps import failures (missing file, missing package, syntax error) with the cause', async () => {
    expect((await loadError('./absent.mjs')).message).toMatch(/plugin \.\/absent\.mjs: no such file/);
    const e = await loadError('ppma-no-such-plugin-package');
    expect(e.message).toMatch(/plugin ppma-no-such-plugin-package: cannot import it/);
    expect(e.cause).toBeDefined();
    await plugin('syntax.mjs', `export default { name: 'x', classes: 2, load() { return ; } ;`);
    expect((await loadError('./syntax.mjs')).message).toMatch(/plugin \.\/syntax\.mjs: cannot import it/);
  });
});
