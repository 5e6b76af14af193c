/**
 * `ppma align`: stage 2 of PPMA (docs/ARCHITECTURE.md §5, §10): supervised alignment of an MAE (or VideoViT)
 * encoder, or a fresh one, on one or more labelled datasets with one linear head each.
 */
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { z } from 'zod';
import { ALIGN_PRESETS, EVAL_CROPS } from '../enums.js';
import { withFlags } from '../flags.js';
import type { FlagValues } from '../flags.js';
import { output, startBackend, withCommon } from '../options.js';
import type { CommonOptions } from '../options.js';
import { UsageError } from '../usage-error.js';

/** The flags of `ppma align`, declared once (type, help text, default, choices). */
export const ALIGN_FLAGS = {
  'allow-outside-root': z
    .boolean()
    .default(false)
    .describe(
      "Accept manifest entries whose path lies outside the manifest's folder (default: refused, naming the line)",
    ),
  init: z
    .string()
    .optional()
    .describe('Start from this checkpoint: an MAE (decoder dropped) or a VideoViT (heads not reused)'),
  model: z
    .string()
    .optional()
    .describe('Start from scratch with this registered variant (e.g. vit-nano) instead of --init'),
  data: z
    .array(z.string())
    .describe('Labelled dataset [name=]<relpath;label CSV> (repeatable; the name names its head)'),
  val: z.array(z.string()).optional().describe('Validation split <name>=<CSV> of a dataset (repeatable)'),
  weight: z.array(z.string()).optional().describe('Loss weight <name>=<w> of a dataset (default 1 each)'),
  out: z.string().describe('Run folder: model.safetensors, metrics.jsonl, report.json, checkpoint.safetensors'),
  preset: ALIGN_PRESETS.default('cpu').describe(
    'Recipe: paper (50 epochs, RandAugment m7n4, mixup/cutmix, ...), cpu (scaled), plain (no augmentation)',
  ),
  epochs: z.number().optional().describe('Override the preset epochs'),
  'warmup-epochs': z.number().optional().describe('Override the preset warm-up epochs'),
  'batch-size': z.number().optional().describe('Override the preset batch size'),
  lr: z.number().optional().describe('Override the preset peak learning rate'),
  'layer-decay': z.number().optional().describe('Layer-wise learning-rate decay (1 = off)'),
  'drop-path': z.number().optional().describe('Maximum drop-path rate'),
  stride: z.number().default(1).describe('Frame stride of sampled windows'),
  cache: z
    .enum(['auto', 'memory', 'none'])
    .default('auto')
    .describe(
      'Decode every video once into memory (auto: when a dataset fits in 2 GiB), or decode each window on demand',
    ),
  'eval-clips': z.number().default(1).describe('Validation clips per video (paper 2)'),
  'eval-crops': EVAL_CROPS.default(1).describe('Validation crops per clip (paper 3)'),
  resume: z.boolean().default(false).describe('Continue from <out>/checkpoint.safetensors'),
};

/** Flags of `ppma align`. */
export type AlignArgs = CommonOptions & FlagValues<typeof ALIGN_FLAGS>;

/** Splits `name=value`; a bare value takes its name from the file stem. */
export function namedValue(s: string, flag: string): [string, string] {
  const cut = s.indexOf('=');
  if (cut > 0) return [s.slice(0, cut), s.slice(cut + 1)];
  if (cut === 0) throw new UsageError(`${flag} expects [name=]<value>, got "${s}"`);
  return [path.basename(s, path.extname(s)).replace(/[^A-Za-z0-9_-]/g, '_'), s];
}

/** The `ppma align` command. */
export const alignCommand: CommandModule<object, AlignArgs> = {
  command: 'align',
  describe: 'Stage 2: align an encoder on labelled datasets (one head per dataset, one dataset per batch)',
  builder: (y) =>
    withFlags(withCommon(y), ALIGN_FLAGS)
      .check((a) => {
        if (!a.init === !a.model) throw new UsageError('give exactly one of --init <checkpoint> and --model <variant>');
        return true;
      })
      .example(
        '$0 align --init mae/model.safetensors --data real=real/train.csv --data synthetic=syn/train.csv --out runs/align',
        'MAE encoder aligned on two datasets',
      )
      .example(
        '$0 align --model vit-nano --data task/train.csv --val train=task/val.csv --out runs/ft',
        'from scratch on one dataset',
      ),
  handler: async (argv) => {
    await startBackend(argv);
    const { alignModel } = await import('@ppma/align');
    const { definedOnly } = await import('@ppma/core');
    const vals = new Map((argv.val ?? []).map((v) => namedValue(v, '--val')));
    const weights = new Map((argv.weight ?? []).map((v) => namedValue(v, '--weight')));
    const datasets = argv.data.map((d) => {
      const [name, manifest] = namedValue(d, '--data');
      const w = weights.get(name);
      return {
        name,
        manifest,
        allowOutsideRoot: argv['allow-outside-root'],
        ...definedOnly({ weight: w === undefined ? undefined : Number(w), val: vals.get(name) }),
      };
    });
    for (const n of [...vals.keys(), ...weights.keys()])
      if (!datasets.some((d) => d.name === n))
        throw new UsageError(`--val/--weight name "${n}" is not a dataset (${datasets.map((d) => d.name).join(', ')})`);
    let init:
      | { kind: 'checkpoint'; file: string }
      | { kind: 'scratch'; config: import('@ppma/vit').VitConfigInput; seed: number };
    if (argv.init) init = { kind: 'checkpoint', file: argv.init };
    else
      init = {
        kind: 'scratch',
        config: (await import('@ppma/vit')).variantConfig(argv.model as string),
        seed: argv.seed,
      };
    const r = await alignModel({
      init,
      datasets,
      out: argv.out,
      preset: argv.preset,
      recipe: definedOnly({
        epochs: argv.epochs,
        warmupEpochs: argv['warmup-epochs'],
        batchSize: argv['batch-size'],
        lr: argv.lr,
        layerDecay: argv['layer-decay'],
        dropPath: argv['drop-path'],
      }),
      seed: argv.seed,
      stride: argv.stride,
      cache: argv.cache,
      eval: { numClips: argv['eval-clips'], numCrops: argv['eval-crops'] },
      resume: argv.resume,
      handleSignals: true,
    });
    const lines = [`wrote ${r.checkpoint} (${r.steps} steps, ${r.stepsPerEpoch} per epoch)`];
    for (const d of r.datasets) {
      lines.push(
        `  ${d.name}: ${d.examples} videos, ${d.classes} classes, ${d.skipped.length} skipped${d.eval ? `, val top-1 ${(100 * d.eval.top1).toFixed(1)}% on ${d.eval.count}` : ''}`,
      );
      for (const s of d.skipped.slice(0, 5)) lines.push(`    skipped ${s.path}: ${s.reason}`);
    }
    output(
      argv,
      {
        checkpoint: r.checkpoint,
        steps: r.steps,
        stepsPerEpoch: r.stepsPerEpoch,
        datasets: r.datasets,
        metrics: r.metricsFile,
      },
      lines.join('\n'),
    );
  },
};
