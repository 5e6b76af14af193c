// A downstream benchmark for `ppma bench`, packaged as a plugin (see README.md).
//
// The dataset ("gestures") is laid out one folder per class and split:
//   <root>/train/<class>/<video>.mp4
//   <root>/val/<class>/<video>.mp4
// Class ids follow the order of CLASSES below (not the folder listing), so they never move.
//
// The default export is a factory: `ppma bench --plugin ppma-bench-plugin-gestures` calls it
// with no options; a config can pass some with ["ppma-bench-plugin-gestures", { classes: [...] }].
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';

const CLASSES = ['swipe-left', 'swipe-right', 'push', 'pull'];
const VIDEO = new Set(['.mp4', '.avi', '.mkv', '.webm', '.mov']);

/**
 * Reads one split as a `Manifest` ({ entries: [{ path, label, labelName }], labels }).
 * @param {string} dir
 * @param {readonly string[]} classes
 * @returns {Promise<import('@ppma/video-io').Manifest>}
 */
async function readSplit(dir, classes) {
  const entries = [];
  for (const [label, name] of classes.entries()) {
    const files = (await readdir(join(dir, name))).filter((f) => VIDEO.has(extname(f).toLowerCase())).sort();
    for (const f of files) entries.push({ path: join(dir, name, f), label, labelName: name });
  }
  return { entries, labels: [...classes] };
}

/**
 * @param {{ classes?: readonly string[], name?: string }} [options]
 * @returns {import('@ppma/bench').TaskPlugin}
 */
export default function gesturesPlugin(options = {}) {
  const classes = options.classes ?? CLASSES;
  return {
    name: options.name ?? 'gestures',
    classes,
    // Direction matters (swipe-left vs swipe-right): no scene gives it away, and flips would swap labels.
    sceneObjectBias: 0.1,
    description: 'Hand gestures, one folder per class (example plugin)',
    defaults: { hflip: false, numClips: 2, numCrops: 3 },
    load: async (root) => ({
      train: await readSplit(join(root, 'train'), classes),
      val: await readSplit(join(root, 'val'), classes),
    }),
  };
}
