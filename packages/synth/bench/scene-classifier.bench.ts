/**
 * Scene-only sanity check for the README: nearest-centroid on mean band colours, per downstream task.
 * `node --conditions=@ppma/source --import tsx packages/synth/bench/scene-classifier.bench.ts [train] [val]`
 */
import { DOWNSTREAM_TASKS } from '../src/index.js';
import { sceneOnlyAccuracy } from '../test/helpers/scene-classifier.js';

const train = Number(process.argv[2] ?? 30);
const val = Number(process.argv[3] ?? 20);
const geom = { width: 32, height: 32, frames: 8, fps: 8 };
console.log(`| task | bias | classes | chance | acc. (clean plate) | acc. (video) |`);
console.log(`| --- | --- | --- | --- | --- | --- |`);
for (const ds of DOWNSTREAM_TASKS) {
  const clean = sceneOnlyAccuracy(ds, geom, 0, train, val, 'clean');
  const video = sceneOnlyAccuracy(ds, geom, 0, train, val, 'video');
  console.log(
    `| ${ds.name} | ${ds.sceneObjectBias} | ${ds.classes.length} | ${(100 / ds.classes.length).toFixed(1)} | ${(100 * clean).toFixed(1)} | ${(100 * video).toFixed(1)} |`,
  );
}
