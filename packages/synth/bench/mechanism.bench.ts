/**
 * The mechanism the benchmark relies on (docs/ARCHITECTURE.md §9, §12), per downstream task: a
 * scene-only classifier (nearest centroid on the band colours of the clean plate: the scene with
 * nobody in it) and a motion-only classifier (ridge regression on pooled absolute frame
 * differences of the video: where and when something moves, no colour), each with its 95% Wilson
 * interval. Expected: scene-only high on the high-bias tasks and at chance on the zero-bias ones;
 * motion-only far above chance on the zero-bias ones.
 *
 * `node --conditions=@ppma/source --import tsx packages/synth/bench/mechanism.bench.ts [train/class] [val clips/task] [lambda]`
 * (defaults 40, 150, 100; the tiny preset's geometry: 32x32, 16 frames at 8 fps).
 */
import { DOWNSTREAM_TASKS } from '../src/index.js';
import { motionEnergy, ridgeAccuracy } from '../test/helpers/motion-classifier.js';
import { sceneOnlyCounts } from '../test/helpers/scene-classifier.js';
import { wilson } from '../test/helpers/wilson.js';

const train = Number(process.argv[2] ?? 40);
const valClips = Number(process.argv[3] ?? 150);
const lambda = Number(process.argv[4] ?? 100);
const geom = { width: 32, height: 32, frames: 16, fps: 8 };
const pct = (k: number, n: number): string => {
  const [lo, hi] = wilson(k, n);
  return `${((100 * k) / n).toFixed(1)} [${(100 * lo).toFixed(1)}, ${(100 * hi).toFixed(1)}]`;
};
console.log(`train ${train} clips/class, >= ${valClips} val clips/task, ridge lambda ${lambda}, 32x32x16`);
console.log(
  '| task | bias | classes | val clips | chance % | scene only (clean plate) % [95% CI] | motion only (frame differences) % [95% CI] | s |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const ds of DOWNSTREAM_TASKS) {
  const t0 = performance.now();
  const val = Math.ceil(valClips / ds.classes.length);
  const scene = sceneOnlyCounts(ds, geom, 0, train, val, 'clean');
  const motion = ridgeAccuracy(ds, geom, 0, train, val, motionEnergy, lambda);
  console.log(
    `| ${ds.name} | ${ds.sceneObjectBias} | ${ds.classes.length} | ${scene.total} | ${(100 / ds.classes.length).toFixed(1)} | ${pct(scene.correct, scene.total)} | ${pct(motion.correct, motion.total)} | ${((performance.now() - t0) / 1000).toFixed(0)} |`,
  );
}
