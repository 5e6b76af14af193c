/**
 * The mechanism the benchmark relies on (docs/ARCHITECTURE.md §9, §12), on a small sample (the
 * full-size numbers are in the README, from `bench/mechanism.bench.ts`): on the zero-bias tasks
 * the scene alone (clean plate) is at chance while motion alone (frame differences of the video,
 * no colour) is far above it.
 */
import { describe, expect, it } from 'vitest';
import { DOWNSTREAM_TASKS } from '../src/index.js';
import type { DatasetSpec } from '../src/index.js';
import { motionEnergy, ridgeAccuracy } from './helpers/motion-classifier.js';
import { sceneOnlyCounts } from './helpers/scene-classifier.js';
import { wilson } from './helpers/wilson.js';

const GEOM = { width: 24, height: 24, frames: 16, fps: 8 };
const task = (name: string): DatasetSpec => DOWNSTREAM_TASKS.find((d) => d.name === name) as DatasetSpec;

describe('mechanism: motion decides the zero-bias tasks, the scene does not', () => {
  it.each(['synth-diving', 'synth-uav'])(
    '%s: motion-only far above chance, scene-only interval contains chance',
    (name) => {
      const ds = task(name);
      const chance = 1 / ds.classes.length;
      const motion = ridgeAccuracy(ds, GEOM, 2, 24, 10, motionEnergy, 100);
      const [mlo] = wilson(motion.correct, motion.total);
      expect(mlo).toBeGreaterThan(chance + 0.05);
      const scene = sceneOnlyCounts(ds, GEOM, 2, 24, 10, 'clean');
      const [slo, shi] = wilson(scene.correct, scene.total);
      expect(slo).toBeLessThan(chance);
      expect(shi).toBeGreaterThan(chance);
    },
  );
});
