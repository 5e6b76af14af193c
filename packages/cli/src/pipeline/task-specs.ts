/**
 * The downstream tasks of the config's `tasks` (docs/ARCHITECTURE.md §8): a built-in task with its
 * root, split files and fold; a synthetic task of the benchmark index; or a plugin's task. Each
 * becomes a task whose data root is bound, so `@ppma/bench` and the beta stage load it alike.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, definedOnly } from '@ppma/core';
import type { TaskPlugin } from '@ppma/bench';
import type { TaskSpec } from './config.js';
import { checkManifest, refuseBadSplit } from './user-data.js';
import type { SplitCheck } from './user-data.js';

type Bench = typeof import('@ppma/bench');

function builtin(b: Bench, s: TaskSpec): TaskPlugin | undefined {
  const o = { ...(s.annotations ? { annotations: path.resolve(s.annotations) } : {}) };
  const fold = definedOnly({ fold: s.fold });
  switch (s.task) {
    case 'ucf101':
      return b.ucf101Task({ ...o, ...fold });
    case 'hmdb51':
      return b.hmdb51Task({ ...o, ...fold });
    case 'diving48':
      return b.diving48Task(o);
    case 'ikea-fa':
      return b.ikeaFaTask(o);
    case 'uav-human':
      return b.uavHumanTask(o);
    case 'mini-ssv2':
      return b.miniSsv2Task(o);
    default:
      return undefined;
  }
}

async function baseTask(b: Bench, s: TaskSpec, i: number, synthIndex: string | null): Promise<TaskPlugin> {
  if (s.plugin) {
    const tasks = await b.loadPlugin(path.resolve(s.plugin));
    const t = tasks.find((x) => x.name === s.task);
    if (!t)
      throw new ConfigError(
        `tasks.${i}.task`,
        `plugin ${s.plugin} has no task "${s.task}"; it exports ${tasks.map((x) => x.name).join(', ')}`,
      );
    return t;
  }
  const t = builtin(b, s);
  if (t) return t;
  // A synthetic task: from the run's benchmark index, or from a `ppma synth` folder given as its root.
  const own =
    s.root && fs.existsSync(path.join(s.root, 'index.json')) ? path.join(path.resolve(s.root), 'index.json') : null;
  const index = own ?? synthIndex;
  const synth = index ? await b.syntheticTasks(index) : [];
  const found = synth.find((x) => x.name === s.task);
  if (!found)
    throw new ConfigError(
      `tasks.${i}.task`,
      `unknown task "${s.task}"; built-in: ucf101, hmdb51, mini-ssv2, diving48, ikea-fa, uav-human${
        synth.length ? `; synthetic: ${synth.map((x) => x.name).join(', ')}` : ''
      }; or give a plugin`,
    );
  return found;
}

/** The data root of a task spec (a synthetic task's is its benchmark folder). */
function rootOf(s: TaskSpec, synthIndex: string | null): string {
  if (s.root) return path.resolve(s.root);
  if (synthIndex) return path.dirname(synthIndex);
  return path.resolve(s.task);
}

/**
 * Resolves the task specs, loads and checks their splits (labels in range, every video readable),
 * and returns tasks whose `load` returns those splits. A built-in task's class count is the one its
 * split files list (a subset of the official classes is allowed).
 * @throws ConfigError for an unknown task, ManifestError naming the file of a bad split.
 */
export async function resolveTaskSpecs(
  specs: readonly TaskSpec[],
  synthIndex: string | null,
  o: { validate?: boolean } = {},
): Promise<{ tasks: TaskPlugin[]; checks: SplitCheck[] }> {
  const b = await import('@ppma/bench');
  const tasks: TaskPlugin[] = [];
  const checks: SplitCheck[] = [];
  for (const [i, s] of specs.entries()) {
    const base = await baseTask(b, s, i, synthIndex);
    const root = rootOf(s, synthIndex);
    const splits = await base.load(root);
    const source = path.resolve(s.annotations ?? root);
    for (const k of ['train', 'val'] as const) {
      const c = o.validate === false ? null : await checkManifest(`tasks.${s.task}.${k}`, source, splits[k]);
      if (c) {
        refuseBadSplit(c);
        checks.push(c);
      }
    }
    const classes = typeof base.classes === 'number' ? splits.train.labels.length : base.classes;
    const task: TaskPlugin = { ...base, name: s.task, classes, load: () => splits };
    b.checkSplits(task, splits);
    tasks.push(task);
  }
  return { tasks, checks };
}
