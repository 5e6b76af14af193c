/**
 * `ppma soup`: model soups (docs/ARCHITECTURE.md §5 "Soup", §10): fixed proportions (`--alpha`), or a mixing
 * ratio learned during a linear probe on a task (`--learn-beta`).
 */
import type { CommandModule } from 'yargs';
import { z } from 'zod';
import { withFlags } from '../flags.js';
import type { FlagValues } from '../flags.js';
import { output, startBackend, withCommon } from '../options.js';
import type { CommonOptions } from '../options.js';
import { UsageError } from '../usage-error.js';

/** The flags of `ppma soup`, declared once (type, help text, default). */
export const SOUP_FLAGS = {
  models: z.string().describe('Comma-separated checkpoints of the same architecture (heads are never averaged)'),
  alpha: z.string().optional().describe('Comma-separated proportions, non-negative, summing to 1'),
  'learn-beta': z.boolean().default(false).describe('Learn the proportions with a linear probe on --task'),
  task: z
    .string()
    .optional()
    .describe('Probe task: a relpath;label CSV, or a task name (synthetic with --synth, or a paper task)'),
  val: z.string().optional().describe('Validation CSV (with a CSV --task)'),
  synth: z.string().optional().describe('Benchmark index.json (or folder) from `ppma synth`, for task names'),
  data: z.string().optional().describe('Data root of a named task (default: the current folder)'),
  'per-block': z
    .boolean()
    .default(false)
    .describe('One set of mixing logits per block (default: one for the whole trunk)'),
  epochs: z.number().default(20).describe('Probe epochs'),
  'batch-size': z.number().default(16).describe('Probe batch size'),
  lr: z.number().default(1.6e-2).describe('Probe peak learning rate (paper LP 1.6e-2)'),
  out: z.string().describe('Output: the soup .safetensors (--alpha), or a folder (--learn-beta)'),
  resume: z.boolean().default(false).describe('Continue an interrupted --learn-beta run'),
};

/** Flags of `ppma soup`. */
export type SoupArgs = CommonOptions & FlagValues<typeof SOUP_FLAGS>;

function numbers(s: string, flag: string): number[] {
  const v = s.split(',').map((x) => Number(x.trim()));
  if (v.some((x) => Number.isNaN(x))) throw new UsageError(`${flag} expects comma-separated numbers, got "${s}"`);
  return v;
}

/** Train and validation manifests of `--task` (a PPMA CSV, or a task name from `--synth` / the paper tasks). */
async function taskManifests(
  a: SoupArgs,
): Promise<{ train: import('@ppma/video-io').Manifest; val?: import('@ppma/video-io').Manifest }> {
  const task = a.task as string;
  const vio = await import('@ppma/video-io');
  if (/\.(csv|txt)$/i.test(task))
    return { train: await vio.readPpmaCsv(task), val: a.val ? await vio.readPpmaCsv(a.val) : undefined };
  const bench = await import('@ppma/bench');
  const [plugin] = await bench.resolveTasks([task], { synthIndex: a.synth });
  const splits = await plugin.load(a.data ?? process.cwd());
  return { train: splits.train, val: splits.val };
}

/** The `ppma soup` command. */
export const soupCommand: CommandModule<object, SoupArgs> = {
  command: 'soup',
  describe:
    'Average model weights with fixed proportions (--alpha), or learn the proportions during a linear probe (--learn-beta)',
  builder: (y) =>
    withFlags(withCommon(y), SOUP_FLAGS)
      .check((a) => {
        if (a['learn-beta'] === (a.alpha !== undefined))
          throw new UsageError('give exactly one of --alpha and --learn-beta');
        if (a['learn-beta'] && !a.task) throw new UsageError('--learn-beta needs --task');
        return true;
      })
      .example(
        '$0 soup --models a.safetensors,b.safetensors --alpha 0.25,0.75 --out soup.safetensors',
        'fixed proportions',
      )
      .example(
        '$0 soup --models a.safetensors,b.safetensors --learn-beta --task probe/train.csv --val probe/val.csv --out soup-beta',
        'learned proportions',
      ),
  handler: async (argv) => {
    const models = argv.models
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const soup = await import('@ppma/soup');
    await startBackend(argv);
    if (argv.alpha !== undefined) {
      const alphas = numbers(argv.alpha, '--alpha');
      const r = await soup.averageWeights(models, alphas, { out: argv.out });
      output(
        argv,
        { out: argv.out, models, alpha: alphas, parameters: r.weights.size },
        `wrote ${argv.out}: ${models.map((m, i) => `${alphas[i]} x ${m}`).join(' + ')} (${r.weights.size} tensors, heads excluded)`,
      );
      return;
    }
    const { train, val } = await taskManifests(argv);
    const r = await soup.learnBetaOnTask({
      models,
      mode: argv['per-block'] ? 'per-block' : 'global',
      train,
      val,
      out: argv.out,
      epochs: argv.epochs,
      batchSize: argv['batch-size'],
      lr: argv.lr,
      seed: argv.seed,
      resume: argv.resume,
    });
    const skipped = r.skipped;
    output(
      argv,
      r,
      [
        `wrote ${r.checkpoint}`,
        `probe top-1: train ${(100 * r.trainTop1).toFixed(1)}%${r.valTop1 === undefined ? '' : `, val ${(100 * r.valTop1).toFixed(1)}% (2 clips x 3 crops)`}`,
        `learned proportions:`,
        r.table.trimEnd(),
        ...(skipped.length
          ? [
              `${skipped.length} video(s) skipped: ${skipped
                .slice(0, 3)
                .map((s) => s.path)
                .join(', ')}`,
            ]
          : []),
      ].join('\n'),
    );
  },
};
