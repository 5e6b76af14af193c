/**
 * `ppma convert`: a PyTorch `.pth` / `.pt` checkpoint (`torch.save`) to safetensors, without Python
 * and without running pickled code (docs/ARCHITECTURE.md §4, §10). The state dict is found under
 * `model`, `module`, `state_dict`, … (or `--key`); optimizer state, EMA copies and arguments are left
 * out and listed. A file whose pickle names any global outside tensors, storages and plain data is
 * refused with the global's name.
 */
import type { CommandModule } from 'yargs';
import { z } from 'zod';
import { withFlags, withPositionals } from '../flags.js';
import type { FlagValues } from '../flags.js';
import { output, withCommon } from '../options.js';
import type { CommonOptions } from '../options.js';

/** The positional arguments of `ppma convert`. */
export const CONVERT_POSITIONALS = {
  input: z.string().describe('torch.save file (.pth, .pt)'),
  output: z.string().describe('safetensors file to write'),
};

/** The flags of `ppma convert`. */
export const CONVERT_FLAGS = {
  key: z
    .string()
    .optional()
    .describe('Dotted path of the state dict in the file, e.g. model_ema (default: model, module, state_dict, …)'),
};

/** Flags of `ppma convert`. */
export type ConvertArgs = CommonOptions & FlagValues<typeof CONVERT_POSITIONALS> & FlagValues<typeof CONVERT_FLAGS>;

/** The `ppma convert` command. */
export const convertCommand: CommandModule<object, ConvertArgs> = {
  command: 'convert <input> <output>',
  describe: 'Convert a PyTorch .pth/.pt checkpoint to safetensors (no pickled code runs)',
  builder: (y) =>
    withFlags(withPositionals(withCommon(y), CONVERT_POSITIONALS), CONVERT_FLAGS)
      .example('$0 convert checkpoint.pth vit-b.safetensors', "VideoMAE's {'model': ...} checkpoints")
      .example('$0 convert ckpt.pth ema.safetensors --key model_ema', 'the EMA weights instead'),
  handler: async (argv) => {
    const { convertPth } = await import('@ppma/vit');
    const t0 = Date.now();
    const r = await convertPth(argv.input, argv.output, { key: argv.key });
    const seconds = (Date.now() - t0) / 1000;
    const where = r.path ? `"${r.path}"` : 'the top level';
    const skipped = r.skipped.length
      ? `; left out: ${r.skipped.slice(0, 8).join(', ')}${r.skipped.length > 8 ? ', …' : ''}`
      : '';
    output(
      argv,
      {
        input: argv.input,
        output: argv.output,
        tensors: r.tensors,
        bytes: r.bytes,
        stateDict: r.path,
        skipped: r.skipped,
        seconds,
      },
      `wrote ${argv.output}: ${r.tensors} tensors (${(r.bytes / 2 ** 20).toFixed(1)} MiB) from ${where} of ${argv.input}${skipped}`,
    );
  },
};
