/**
 * The datasets of the embedded mini-benchmark (docs/ARCHITECTURE.md §9), as data: two pre-training sources
 * built like the paper's (a Kinetics-like "real" set with humans and clean plates, a SynAPT-like
 * synthetic set) and downstream tasks with their own class sets, from high to zero scene-object
 * bias, each named after the paper's task it stands in for. `@ppma/bench` turns the downstream
 * entries into task plugins.
 */
import { ACTIONS } from './actions.js';
import type { Style, View } from './clip-spec.js';
import { DIVE_VARIANTS } from './dive.js';
import { ACTION_SCENES } from './scene-bias.js';
import { AERIAL_SCENES, SIDE_SCENES } from './scenes.js';

/** What a dataset is for. */
export type DatasetKind = 'pretrain-real' | 'pretrain-synthetic' | 'downstream';

/** A class of a dataset: an action, optionally a variant and fixed parameters. */
export interface ClassSpec {
  /** Label name. */
  name: string;
  action: string;
  variant?: string;
  /** Fixes the facing direction (+1 = screen right, -1 = left) of profile actions. */
  heading?: 1 | -1;
  /** Fixes the turning direction (+1 = counter-clockwise seen from above). */
  turn?: 1 | -1;
  /** The class's own scene (used with probability = the scene-object bias). */
  scene: string;
}

/** A dataset definition. */
export interface DatasetSpec {
  name: string;
  kind: DatasetKind;
  /** The paper's dataset this one stands in for. */
  paperAnalogue: string;
  description: string;
  style: Style;
  view: View;
  classes: readonly ClassSpec[];
  /** Probability that a clip is set in its class's own scene, else in a random scene of the pool. */
  sceneObjectBias: number;
  /** Scenes drawn when a clip is not in its own scene ('random' = flat random backgrounds). */
  scenePool: readonly string[];
  /** Probability of a second person doing the same action. */
  secondPerson: number;
  /** Write person masks and clean plates beside each video. */
  companions: boolean;
  /** Whether a horizontal flip keeps the label (false when classes differ by left/right). */
  hflip: boolean;
}

const base = (name: string): ClassSpec => ({ name, action: name, scene: ACTION_SCENES[name] });
const ALL = ACTIONS.map((a) => base(a.name));

/** The Kinetics-like pre-training set: every base action, real style, scenes correlated with actions. */
export const PRETRAIN_REAL: DatasetSpec = Object.freeze({
  name: 'pretrain-real',
  kind: 'pretrain-real',
  paperAnalogue: 'Kinetics (150-class subset)',
  description:
    'Real-style clips with humans; scenes correlated with the action (bias 0.8); masks and clean plates for human removal.',
  style: 'real',
  view: 'side',
  classes: ALL,
  sceneObjectBias: 0.8,
  scenePool: SIDE_SCENES,
  secondPerson: 0.2,
  companions: true,
  hflip: true,
});

/** The SynAPT-like pre-training set: every base action, flat virtual humans on random backgrounds. */
export const PRETRAIN_SYNTHETIC: DatasetSpec = Object.freeze({
  name: 'pretrain-synthetic',
  kind: 'pretrain-synthetic',
  paperAnalogue: 'SynAPT',
  description: 'Synthetic-style clips: flat-shaded virtual humans on random backgrounds, no scene/action correlation.',
  style: 'synthetic',
  view: 'side',
  classes: ALL,
  sceneObjectBias: 0,
  scenePool: ['random'],
  secondPerson: 0.1,
  companions: false,
  hflip: true,
});

/** The downstream tasks, from high to zero scene-object bias. */
export const DOWNSTREAM_TASKS: readonly DatasetSpec[] = Object.freeze([
  {
    name: 'synth-ucf',
    kind: 'downstream',
    paperAnalogue: 'UCF101',
    description: 'Sports-like actions; the scene nearly gives the action away (bias 0.9).',
    style: 'real',
    view: 'side',
    classes: ['walk', 'run', 'jump', 'kick', 'punch', 'clap', 'squat', 'throw'].map(base),
    sceneObjectBias: 0.9,
    scenePool: SIDE_SCENES,
    secondPerson: 0.15,
    companions: false,
    hflip: true,
  },
  {
    name: 'synth-hmdb',
    kind: 'downstream',
    paperAnalogue: 'HMDB51',
    description: 'Everyday actions; scenes moderately correlated with the action (bias 0.6).',
    style: 'real',
    view: 'side',
    classes: ['wave', 'bow', 'turn', 'sit down', 'stand up', 'jumping jacks', 'punch', 'kick'].map(base),
    sceneObjectBias: 0.6,
    scenePool: SIDE_SCENES,
    secondPerson: 0.15,
    companions: false,
    hflip: true,
  },
  {
    name: 'synth-ssv2',
    kind: 'downstream',
    paperAnalogue: 'Mini-SSV2',
    description:
      'Temporal and directional classes (sit down vs stand up, left vs right); weak scene cue (bias 0.3), no flips.',
    style: 'real',
    view: 'side',
    classes: [
      base('sit down'),
      base('stand up'),
      { name: 'walk left', action: 'walk', heading: -1, scene: 'street' },
      { name: 'walk right', action: 'walk', heading: 1, scene: 'street' },
      { name: 'turn left', action: 'turn', turn: 1, scene: 'dance' },
      { name: 'turn right', action: 'turn', turn: -1, scene: 'dance' },
    ],
    sceneObjectBias: 0.3,
    scenePool: SIDE_SCENES,
    secondPerson: 0,
    companions: false,
    hflip: false,
  },
  {
    name: 'synth-diving',
    kind: 'downstream',
    paperAnalogue: 'Diving48',
    description: 'Fine-grained dives (direction x body shape) in one fixed pool scene: no scene cue (bias 0).',
    style: 'real',
    view: 'side',
    classes: DIVE_VARIANTS.map((v) => ({ name: v, action: 'dive', variant: v, scene: 'pool' })),
    sceneObjectBias: 0,
    scenePool: ['pool'],
    secondPerson: 0,
    companions: false,
    hflip: true,
  },
  {
    name: 'synth-uav',
    kind: 'downstream',
    paperAnalogue: 'UAV-Human',
    description: 'Small figures seen from above on random ground (bias 0).',
    style: 'real',
    view: 'aerial',
    classes: ['walk', 'run', 'wave', 'jumping jacks', 'squat', 'kick'].map((n) => ({ ...base(n), scene: 'lawn' })),
    sceneObjectBias: 0,
    scenePool: AERIAL_SCENES,
    secondPerson: 0.2,
    companions: false,
    hflip: true,
  },
] satisfies DatasetSpec[]);

/** Every dataset of the benchmark, pre-training sets first. */
export const BENCHMARK_DATASETS: readonly DatasetSpec[] = Object.freeze([
  PRETRAIN_REAL,
  PRETRAIN_SYNTHETIC,
  ...DOWNSTREAM_TASKS,
]);

/** Clip geometry and counts of a preset. */
export interface PresetSpec {
  name: 'tiny' | 'small';
  width: number;
  height: number;
  frames: number;
  fps: number;
  /** Clips per class and split, by dataset kind. */
  perClass: Readonly<Record<DatasetKind, { train: number; val: number }>>;
  /**
   * At least this many validation clips per downstream task (the per-class count is raised to
   * `ceil(valClipsPerTask / classes)`): evaluation is cheap, and a benchmark needs enough clips to
   * tell models apart (docs/ARCHITECTURE.md §12).
   */
  valClipsPerTask: number;
}

/** Clips per class and split of a dataset under a preset (the downstream minimum applied). */
export function presetCounts(preset: PresetSpec, ds: DatasetSpec): { train: number; val: number } {
  const c = preset.perClass[ds.kind];
  if (ds.kind !== 'downstream') return c;
  return { train: c.train, val: Math.max(c.val, Math.ceil(preset.valClipsPerTask / ds.classes.length)) };
}

/** The presets: `tiny` for tests and the default end-to-end run, `small` for a longer study. */
export const PRESETS: Readonly<Record<PresetSpec['name'], PresetSpec>> = Object.freeze({
  tiny: {
    name: 'tiny',
    width: 32,
    height: 32,
    frames: 16,
    fps: 8,
    perClass: {
      'pretrain-real': { train: 8, val: 2 },
      'pretrain-synthetic': { train: 8, val: 2 },
      downstream: { train: 6, val: 3 },
    },
    valClipsPerTask: 150,
  },
  small: {
    name: 'small',
    width: 64,
    height: 64,
    frames: 16,
    fps: 8,
    perClass: {
      'pretrain-real': { train: 40, val: 8 },
      'pretrain-synthetic': { train: 40, val: 8 },
      downstream: { train: 24, val: 8 },
    },
    valClipsPerTask: 150,
  },
});
