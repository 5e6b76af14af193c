/**
 * Planning a benchmark clip: the clip's RNG stream depends only on (seed, dataset, split, class,
 * index), so any clip can be re-created alone, in any order, on any thread.
 */
import { Rng } from '@ppma/core';
import type { SceneDesc } from './background.js';
import type { ClipSpec } from './clip-spec.js';
import type { DatasetSpec, PresetSpec } from './datasets.js';
import { sampleClip } from './sample-clip.js';
import { pickSceneKind } from './scene-bias.js';
import { makeScene, randomFlatScene } from './scenes.js';

/** A dataset split. */
export type SynthSplit = 'train' | 'val';

/** Clip geometry: the preset's unless overridden. */
export type ClipGeometry = Pick<PresetSpec, 'width' | 'height' | 'frames' | 'fps'>;

/** The scene kind of a clip (cheap: no rendering), as used by {@link planClip}. */
export function planSceneKind(
  ds: DatasetSpec,
  seed: number,
  split: SynthSplit,
  classIndex: number,
  index: number,
): string {
  const r = clipRng(ds, seed, split, classIndex, index);
  if (ds.scenePool.length === 1 && ds.scenePool[0] === 'random') return 'random';
  return pickSceneKind(
    r.split('scene-kind'),
    classIndex,
    ds.classes.map((c) => c.scene),
    ds.scenePool,
    ds.sceneObjectBias,
  );
}

function clipRng(ds: DatasetSpec, seed: number, split: SynthSplit, classIndex: number, index: number): Rng {
  return new Rng(seed).split(ds.name, split, classIndex, index);
}

/** The full spec of clip `index` of class `classIndex` in a split of a dataset. */
export function planClip(
  ds: DatasetSpec,
  geom: ClipGeometry,
  seed: number,
  split: SynthSplit,
  classIndex: number,
  index: number,
): ClipSpec {
  const r = clipRng(ds, seed, split, classIndex, index);
  const kind = planSceneKind(ds, seed, split, classIndex, index);
  const scene: SceneDesc = kind === 'random' ? randomFlatScene(r.split('scene')) : makeScene(kind, r.split('scene'));
  const c = ds.classes[classIndex];
  return sampleClip(r.split('clip'), {
    action: c.action,
    variant: c.variant,
    heading: c.heading,
    turn: c.turn,
    style: ds.style,
    view: ds.view,
    scene,
    width: geom.width,
    height: geom.height,
    frames: geom.frames,
    fps: geom.fps,
    secondPerson: ds.secondPerson,
  });
}
