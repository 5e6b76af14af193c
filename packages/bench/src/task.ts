/**
 * The downstream-task plugin contract (docs/ARCHITECTURE.md §8): a task names its classes, optionally its
 * scene-object bias, and loads its train and validation manifests from a data root.
 */
import type { Manifest } from '@ppma/video-io';

/** The manifests of one task. */
export interface TaskSplits {
  readonly train: Manifest;
  readonly val: Manifest;
}

/** Per-task overrides of the protocol settings (any field left out takes the preset's value). */
export interface TaskDefaults {
  /** Frame stride inside a clip window. */
  readonly stride?: number;
  /** Evaluation clips per video (temporal views). Paper: 2. */
  readonly numClips?: number;
  /** Evaluation crops per clip (spatial views): 1 (center) or 3. Paper: 3. */
  readonly numCrops?: 1 | 3;
  /** Random horizontal flips during FT; off for direction-sensitive tasks (e.g. SSv2). */
  readonly hflip?: boolean;
  /** Fine-tuning epochs. */
  readonly ftEpochs?: number;
  /** Linear-probe epochs (on cached features). */
  readonly lpEpochs?: number;
}

/** A downstream task. Build one with {@link defineTask}. */
export interface TaskPlugin {
  /** Unique name; also the folder name of its runs (`[A-Za-z0-9_.-]+`). */
  readonly name: string;
  /** Class names in label-id order, or only their number when the names come from the annotations. */
  readonly classes: readonly string[] | number;
  /** Scene-object bias in [0, 1] (1: the scene gives the action away), when known. */
  readonly sceneObjectBias?: number;
  /** One line shown in listings. */
  readonly description?: string;
  /** Reads the train and validation manifests; `root` is the task's data folder. */
  load(root: string): Promise<TaskSplits> | TaskSplits;
  /** Protocol overrides for this task. */
  readonly defaults?: TaskDefaults;
}

/** Typed identity helper for writing a task plugin. */
export function defineTask<T extends TaskPlugin>(task: T): T {
  return task;
}

/** The number of classes a task declares. */
export function classCount(task: Pick<TaskPlugin, 'classes'>): number {
  return typeof task.classes === 'number' ? task.classes : task.classes.length;
}

const NAME = /^[A-Za-z0-9_.-]+$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/**
 * Checks the shape of something that claims to be a {@link TaskPlugin}; returns the problems
 * (empty when it is well formed), each naming the field.
 */
export function taskProblems(value: unknown): string[] {
  if (!isObject(value)) return [`a task must be an object, got ${value === null ? 'null' : typeof value}`];
  const p: string[] = [];
  const { name, classes, sceneObjectBias, load, defaults, description } = value;
  if (typeof name !== 'string' || !NAME.test(name) || name === '.' || name === '..')
    p.push(`"name" must be a non-empty string of letters, digits, _ . - (got ${JSON.stringify(name)})`);
  if (typeof classes === 'number') {
    if (!Number.isInteger(classes) || classes < 2) p.push(`"classes" must be at least 2 (got ${classes})`);
  } else if (Array.isArray(classes)) {
    if (classes.length < 2) p.push(`"classes" must list at least 2 classes (got ${classes.length})`);
    else if (!classes.every((c) => typeof c === 'string' && c.length > 0))
      p.push('"classes" must be non-empty strings');
    else if (new Set(classes).size !== classes.length) p.push('"classes" has duplicate names');
  } else p.push('"classes" is missing (an array of class names or their number)');
  if (typeof load !== 'function') p.push('"load" is missing (a function (root) => { train, val })');
  if (
    sceneObjectBias !== undefined &&
    !(typeof sceneObjectBias === 'number' && sceneObjectBias >= 0 && sceneObjectBias <= 1)
  ) {
    p.push(`"sceneObjectBias" must be a number in [0, 1] (got ${JSON.stringify(sceneObjectBias)})`);
  }
  if (description !== undefined && typeof description !== 'string') p.push('"description" must be a string');
  if (defaults !== undefined) {
    if (!isObject(defaults)) p.push('"defaults" must be an object');
    else {
      for (const k of ['stride', 'numClips', 'ftEpochs', 'lpEpochs'] as const) {
        const v = defaults[k];
        if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v > 0))
          p.push(`"defaults.${k}" must be a positive integer`);
      }
      if (defaults.numCrops !== undefined && defaults.numCrops !== 1 && defaults.numCrops !== 3)
        p.push('"defaults.numCrops" must be 1 or 3');
      if (defaults.hflip !== undefined && typeof defaults.hflip !== 'boolean')
        p.push('"defaults.hflip" must be a boolean');
      const known = new Set(['stride', 'numClips', 'numCrops', 'hflip', 'ftEpochs', 'lpEpochs']);
      for (const k of Object.keys(defaults))
        if (!known.has(k)) p.push(`"defaults.${k}" is not a known setting (${[...known].join(', ')})`);
    }
  }
  return p;
}
