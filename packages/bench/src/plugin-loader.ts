/**
 * Loading task plugins (docs/ARCHITECTURE.md §8) from an npm package name or a local module path, optionally
 * as a `[name, options]` pair: `import()` it, unwrap `default`, call it when it is a factory, and
 * check the shape. Every failure is a {@link PluginError} naming the plugin and what is wrong.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PluginError } from '@ppma/core';
import { privacyTaskProblems, type PrivacyTaskPlugin } from './privacy/privacy-task.js';
import { taskProblems, type TaskPlugin } from './task.js';

/** A plugin reference: a package name or module path, or `[nameOrPath, options]`. */
export type PluginSpec = string | readonly [string, unknown];

/** Options of {@link loadPlugin}. */
export interface LoadPluginOptions {
  /** Folder that relative paths and package names resolve from (default `process.cwd()`). */
  readonly cwd?: string;
}

function looksLikePath(spec: string): boolean {
  return spec.startsWith('.') || isAbsolute(spec) || /\.(m?js|cjs|ts|mts)$/.test(spec);
}

async function importSpec(spec: string, cwd: string): Promise<unknown> {
  if (looksLikePath(spec)) {
    const file = resolve(cwd, spec);
    if (!existsSync(file)) throw new PluginError(spec, `no such file ${file}`);
    return import(pathToFileURL(file).href);
  }
  let target = spec;
  try {
    target = pathToFileURL(createRequire(join(cwd, 'noop.js')).resolve(spec)).href;
  } catch {
    // Not resolvable from cwd with the require conditions (e.g. an ESM-only exports map): let import() try.
  }
  return import(target);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? `an object with keys ${Object.keys(v).join(', ') || '(none)'}` : typeof v;
}

/** Imports a plugin module and returns the value(s) it exports (a factory called with the options). */
async function pluginValues(spec: PluginSpec, options: LoadPluginOptions): Promise<{ name: string; list: unknown[] }> {
  const [name, pluginOptions] = typeof spec === 'string' ? [spec, undefined] : [spec[0], spec[1]];
  if (typeof name !== 'string' || name.length === 0)
    throw new PluginError(String(name), 'a plugin is named by a package name or a module path');
  const cwd = options.cwd ?? process.cwd();
  let mod: unknown;
  try {
    mod = await importSpec(name, cwd);
  } catch (e) {
    if (e instanceof PluginError) throw e;
    throw new PluginError(name, `cannot import it: ${(e as Error).message}`, { cause: e });
  }
  const ns = mod as Record<string, unknown>;
  let value: unknown = ns.default !== undefined ? ns.default : ns;
  if (typeof value === 'function' && !('load' in value)) {
    try {
      value = await (value as (o: unknown) => unknown)(pluginOptions);
    } catch (e) {
      throw new PluginError(name, `its factory function threw: ${(e as Error).message}`, { cause: e });
    }
  }
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  if (list.length === 0) throw new PluginError(name, 'it exports an empty list of tasks');
  return { name, list };
}

function checkNames(plugin: string, names: readonly string[]): void {
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new PluginError(plugin, `two tasks are named "${dup}"`);
}

/**
 * Loads the task(s) a plugin module exports. The module's default export (or the module itself)
 * may be a task, an array of tasks, or a function `(options) => task | task[]` (sync or async).
 * @throws PluginError naming the plugin, with the import error as `cause`, or listing the missing fields.
 */
export async function loadPlugin(spec: PluginSpec, options: LoadPluginOptions = {}): Promise<TaskPlugin[]> {
  const { name, list } = await pluginValues(spec, options);
  const problems: string[] = [];
  list.forEach((t, i) => {
    const where = list.length > 1 ? `task ${i}: ` : '';
    const p = taskProblems(t);
    if (p.length && typeof t === 'object' && t !== null && !('load' in t) && !('name' in t)) {
      problems.push(`${where}expected a task ({ name, classes, load, ... }) as its default export, got ${describe(t)}`);
    } else for (const x of p) problems.push(where + x);
  });
  if (problems.length) throw new PluginError(name, `malformed task plugin: ${problems.join('; ')}`);
  const tasks = list as TaskPlugin[];
  checkNames(
    name,
    tasks.map((t) => t.name),
  );
  return tasks;
}

/**
 * Loads the privacy task(s) a plugin module exports (same module shapes as {@link loadPlugin};
 * each task `{ kind: 'privacy', name, attributes, load }`, e.g. from `definePrivacyTask`).
 * @throws PluginError naming the plugin and listing the problems.
 */
export async function loadPrivacyPlugin(
  spec: PluginSpec,
  options: LoadPluginOptions = {},
): Promise<PrivacyTaskPlugin[]> {
  const { name, list } = await pluginValues(spec, options);
  const problems = list.flatMap((t, i) => privacyTaskProblems(t).map((x) => (list.length > 1 ? `task ${i}: ${x}` : x)));
  if (problems.length) throw new PluginError(name, `malformed privacy task plugin: ${problems.join('; ')}`);
  const tasks = list as PrivacyTaskPlugin[];
  checkNames(
    name,
    tasks.map((t) => t.name),
  );
  return tasks;
}
