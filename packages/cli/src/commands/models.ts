/**
 * `ppma models`: the frozen model registry of `@ppma/hat-removal`, with each model's task, file,
 * licence and input contract. Output shape with --json: [{"name","task","file","path","licence",
 * "licenceNote","source","input","output"}].
 */
import type { CommandModule } from 'yargs';
import { output, withCommon } from '../options.js';
import type { CommonOptions } from '../options.js';

/** The `ppma models` command. */
export const modelsCommand: CommandModule<object, CommonOptions> = {
  command: 'models',
  describe: 'List the segmentation and detection models with their licences',
  builder: (y) => withCommon(y) as never,
  handler: async (argv) => {
    const { MODEL_REGISTRY, modelPath } = await import('@ppma/hat-removal');
    const rows = Object.values(MODEL_REGISTRY).map((e) => ({ ...e, path: modelPath(e.name) }));
    output(
      argv,
      rows,
      rows.map((r) => `${r.name.padEnd(18)} ${r.task.padEnd(22)} ${r.licence.padEnd(11)} ${r.licenceNote}`).join('\n'),
    );
  },
};
