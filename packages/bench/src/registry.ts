/**
 * Finding tasks by name: plugins the user loaded first, then the synthetic tasks of a benchmark
 * index, then the six built-in paper tasks.
 */
import { ConfigError } from '@ppma/core';
import { loadPlugin, type LoadPluginOptions, type PluginSpec } from './plugin-loader.js';
import { paperTasks } from './tasks/paper-tasks.js';
import { syntheticTasks } from './tasks/synthetic-tasks.js';
import type { TaskPlugin } from './task.js';

/** Where task names are looked up. */
export interface TaskSources {
  /** Plugin packages or module paths (or `[name, options]`). */
  readonly plugins?: readonly PluginSpec[];
  /** A benchmark `index.json` (or its folder) written by `@ppma/synth`. */
  readonly synthIndex?: string;
  /** Options of plugin loading. */
  readonly pluginOptions?: LoadPluginOptions;
}

/** Every task available from `sources`, in lookup order (plugins, synthetic, paper). */
export async function availableTasks(sources: TaskSources = {}): Promise<TaskPlugin[]> {
  const out: TaskPlugin[] = [];
  for (const p of sources.plugins ?? []) out.push(...(await loadPlugin(p, sources.pluginOptions)));
  if (sources.synthIndex) out.push(...(await syntheticTasks(sources.synthIndex)));
  out.push(...paperTasks());
  return out;
}

/**
 * Resolves task names (or plugin objects) to tasks. `all` expands to every plugin and synthetic
 * task (the paper tasks need their data roots and are only used when named).
 * @throws ConfigError naming an unknown task and listing the known ones.
 */
export async function resolveTasks(
  names: readonly (string | TaskPlugin)[],
  sources: TaskSources = {},
): Promise<TaskPlugin[]> {
  const known = await availableTasks(sources);
  const custom = known.slice(0, known.length - paperTasks().length);
  const out: TaskPlugin[] = [];
  for (const n of names) {
    if (typeof n !== 'string') out.push(n);
    else if (n === 'all') out.push(...custom);
    else {
      const t = known.find((k) => k.name === n);
      if (!t)
        throw new ConfigError(
          'tasks',
          `unknown task "${n}"; known: ${[...new Set(known.map((k) => k.name))].join(', ')}`,
        );
      out.push(t);
    }
  }
  const seen = new Set<string>();
  return out.filter((t) => (seen.has(t.name) ? false : (seen.add(t.name), true)));
}
