/**
 * Scene-object bias (docs/ARCHITECTURE.md §9): with probability `bias` a clip is set in its class's own scene,
 * otherwise in a scene drawn uniformly from the task's pool, whatever the class. Bias 0 makes scene
 * and action independent; bias 1 makes the scene a deterministic function of the action.
 */
import type { Rng } from '@ppma/core';

/** The scene each base action naturally happens in (its context objects give it away). */
export const ACTION_SCENES: Readonly<Record<string, string>> = Object.freeze({
  walk: 'street',
  run: 'track',
  jump: 'court',
  wave: 'beach',
  clap: 'stage',
  squat: 'gym',
  kick: 'soccer',
  punch: 'ring',
  bow: 'dojo',
  turn: 'dance',
  'sit down': 'livingroom',
  'stand up': 'park',
  'jumping jacks': 'snow',
  throw: 'field',
});

/**
 * Picks a scene kind for a clip of class `classIndex`.
 * @param classScenes the scene of each class (used with probability `bias`)
 * @param pool the scenes drawn uniformly otherwise
 */
export function pickSceneKind(
  r: Rng,
  classIndex: number,
  classScenes: readonly string[],
  pool: readonly string[],
  bias: number,
): string {
  if (!(bias >= 0 && bias <= 1)) throw new RangeError(`scene-object bias must be in [0, 1], got ${bias}`);
  const own = r.float() < bias;
  const any = r.int(0, pool.length);
  return own ? classScenes[classIndex] : pool[any];
}
