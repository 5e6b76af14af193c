/** `ppma info`: the compute backend, the toolkit's versions and what each stage needs. */
import { createRequire } from 'node:module';
import type { CommandModule } from 'yargs';
import { output, startBackend, withCommon } from '../options.js';
import type { CommonOptions } from '../options.js';

/** The `ppma info` command. */
export const infoCommand: CommandModule<object, CommonOptions> = {
  command: 'info',
  describe: 'Show the compute backend and versions',
  builder: (y) => withCommon(y).example('$0 info --json', 'backend and versions as JSON'),
  handler: async (argv) => {
    const info = await startBackend(argv);
    const require = createRequire(import.meta.url);
    const version = (name: string): string | null => {
      try {
        return (require(`${name}/package.json`) as { version: string }).version;
      } catch {
        return null;
      }
    };
    const versions = {
      '@ppma/cli': version('@ppma/cli'),
      '@ppma/core': version('@ppma/core'),
      '@tensorflow/tfjs-core': version('@tensorflow/tfjs-core'),
      'onnxruntime-node': version('onnxruntime-node'),
      node: process.versions.node,
    };
    const { formatBackend } = await import('@ppma/core');
    output(
      argv,
      { backend: info, versions },
      [
        `backend: ${formatBackend(info)}`,
        ...Object.entries(versions).map(([k, v]) => `${k}: ${v ?? 'not installed'}`),
      ].join('\n'),
    );
  },
};
