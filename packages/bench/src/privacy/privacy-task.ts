/**
 * The privacy-task plugin contract (issue 17 §3, docs/ARCHITECTURE.md §8): clips (video files or
 * frame folders) labelled with private attributes, one class per attribute per clip, like a
 * VISPR-style set (a multi-label set of binary attributes is one attribute per label with classes
 * `['no', 'yes']`). A linear probe on a model's frozen features predicts each attribute; its
 * accuracy above chance is the representation's leakage.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ManifestError } from '@ppma/core';

/** A private attribute: its name and class names (label id = index). */
export interface PrivacyAttribute {
  readonly name: string;
  readonly classes: readonly string[];
}

/** One clip with a label id per attribute (`-1` = not annotated: left out of that attribute's probe). */
export interface PrivacyEntry {
  /** Absolute path of the video or frame folder. */
  readonly path: string;
  readonly labels: readonly number[];
}

/** A split of a privacy task. */
export interface PrivacyManifest {
  readonly attributes: readonly PrivacyAttribute[];
  readonly entries: readonly PrivacyEntry[];
}

/** Train (the probe is fitted on it) and validation (it is scored on it) splits. */
export interface PrivacySplits {
  readonly train: PrivacyManifest;
  readonly val: PrivacyManifest;
}

/** A privacy task. Build one with {@link definePrivacyTask}. */
export interface PrivacyTaskPlugin {
  readonly kind: 'privacy';
  /** Unique name; also the folder name of its runs (`[A-Za-z0-9_.-]+`). */
  readonly name: string;
  readonly attributes: readonly PrivacyAttribute[];
  readonly description?: string;
  /** Reads the splits; `root` is the task's data folder. */
  load(root: string): Promise<PrivacySplits> | PrivacySplits;
}

/** Typed identity helper for writing a privacy task plugin (fills in `kind`). */
export function definePrivacyTask(task: Omit<PrivacyTaskPlugin, 'kind'>): PrivacyTaskPlugin {
  return { kind: 'privacy', ...task };
}

const NAME = /^[A-Za-z0-9_.-]+$/;

/** Checks the shape of a claimed {@link PrivacyTaskPlugin}; returns the problems, each naming the field. */
export function privacyTaskProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return ['a privacy task must be an object'];
  const v = value as Record<string, unknown>;
  const p: string[] = [];
  if (v.kind !== 'privacy') p.push('"kind" must be "privacy"');
  if (typeof v.name !== 'string' || !NAME.test(v.name) || v.name === '.' || v.name === '..')
    p.push(`"name" must be a non-empty string of letters, digits, _ . - (got ${JSON.stringify(v.name)})`);
  if (!Array.isArray(v.attributes) || v.attributes.length === 0) p.push('"attributes" must be a non-empty array');
  else
    (v.attributes as unknown[]).forEach((a, i) => {
      const at = a as Partial<PrivacyAttribute> | null;
      if (!at || typeof at.name !== 'string' || !NAME.test(at.name))
        p.push(`"attributes[${i}].name" must be a string of letters, digits, _ . -`);
      if (!at || !Array.isArray(at.classes) || at.classes.length < 2 || !at.classes.every((c) => typeof c === 'string'))
        p.push(`"attributes[${i}].classes" must list at least 2 class names`);
    });
  if (typeof v.load !== 'function') p.push('"load" is missing (a function (root) => { train, val })');
  return p;
}

/** Parses one row's attribute values: a class name, a label id, or empty / `-` for unknown. */
function rowLabels(file: string, line: number, cells: string[], attrs: readonly PrivacyAttribute[]): number[] {
  return attrs.map((a, k) => {
    const cell = (cells[k] ?? '').trim();
    if (cell === '' || cell === '-') return -1;
    const byName = a.classes.indexOf(cell);
    if (byName >= 0) return byName;
    const id = Number(cell);
    if (Number.isInteger(id) && id >= 0 && id < a.classes.length) return id;
    throw new ManifestError(
      file,
      `line ${line}: "${cell}" is not a class of attribute "${a.name}" (${a.classes.join(', ')})`,
    );
  });
}

/**
 * Reads an attribute CSV: a header `path;<attribute>;...` (`;` or `,`), then one row per clip, with
 * paths relative to `root` (default: the CSV's folder). `attributes` gives the class names; without
 * it the classes of each column are its distinct values, sorted.
 * @throws ManifestError naming the file and line.
 */
export async function readAttributeCsv(
  file: string,
  options: { attributes?: readonly PrivacyAttribute[]; root?: string } = {},
): Promise<PrivacyManifest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ManifestError(file, `cannot read the attribute manifest: ${(e as Error).message}`, { cause: e });
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const sep = (lines[0] ?? '').includes(';') ? ';' : ',';
  const [head, ...body] = lines.map((l) => l.split(sep));
  if (!head || head[0].trim() !== 'path' || head.length < 2)
    throw new ManifestError(file, 'line 1 must be a header "path;<attribute>;..."');
  const names = head.slice(1).map((h) => h.trim());
  const attributes =
    options.attributes ??
    names.map((name, k) => ({
      name,
      classes: [...new Set(body.map((r) => (r[k + 1] ?? '').trim()).filter((c) => c !== '' && c !== '-'))].sort(),
    }));
  if (attributes.map((a) => a.name).join(';') !== names.join(';'))
    throw new ManifestError(
      file,
      `header attributes (${names.join(', ')}) differ from the task's (${attributes.map((a) => a.name).join(', ')})`,
    );
  const root = options.root ?? dirname(file);
  const entries = body.map((r, i) => ({
    path: resolve(root, r[0].trim()),
    labels: rowLabels(file, i + 2, r.slice(1), attributes),
  }));
  return { attributes, entries };
}

interface IndexPrivacyEntry {
  name?: unknown;
  description?: unknown;
  attributes?: unknown;
  train?: unknown;
  val?: unknown;
}

/**
 * The privacy tasks of a benchmark `index.json` (or its folder) written by `@ppma/synth` (its
 * `privacy` list; empty when the benchmark has none).
 * @throws ManifestError naming the index when it is missing or malformed.
 */
export async function syntheticPrivacyTasks(indexFileOrDir: string): Promise<PrivacyTaskPlugin[]> {
  const p = resolve(indexFileOrDir);
  const file = existsSync(p) && statSync(p).isDirectory() ? join(p, 'index.json') : p;
  let raw: { privacy?: unknown };
  try {
    raw = JSON.parse(await readFile(file, 'utf8')) as { privacy?: unknown };
  } catch (e) {
    throw new ManifestError(file, `cannot read the benchmark index: ${(e as Error).message}`, { cause: e });
  }
  if (raw.privacy === undefined) return [];
  if (!Array.isArray(raw.privacy)) throw new ManifestError(file, '"privacy" must be an array');
  return (raw.privacy as IndexPrivacyEntry[]).map((e, i) => {
    const task = definePrivacyTask({
      name: String(e.name),
      attributes: (Array.isArray(e.attributes) ? e.attributes : []) as PrivacyAttribute[],
      description: typeof e.description === 'string' ? e.description : `privacy task from ${file}`,
      load: async () => {
        const at = { attributes: task.attributes };
        return {
          train: await readAttributeCsv(resolve(dirname(file), String(e.train)), at),
          val: await readAttributeCsv(resolve(dirname(file), String(e.val)), at),
        };
      },
    });
    const problems = privacyTaskProblems(task);
    if (typeof e.train !== 'string' || typeof e.val !== 'string') problems.push('"train" and "val" must be paths');
    if (problems.length) throw new ManifestError(file, `privacy[${i}]: ${problems.join('; ')}`);
    return task;
  });
}
