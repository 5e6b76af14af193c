/**
 * `ppma align`: stage 2 of PPMA (docs/ARCHITECTURE.md §5, §10): supervised alignment of an MAE (or VideoViT)
 * encoder, or a fresh one, on one or more labelled datasets with one linear head each.
 */
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { output, startBackend, withCommon } from '../options.js';
import type { CommonOptions } from '../options.js';
import { UsageError } from '../usage-error.js';

/** Flags of `ppma align`. */
export interface AlignArgs extends CommonOptions {
  readonly init: string | undefined;
  readonly model: string | undefined;
  readonly data: string[];
  readonly 'allow-outside-root': boolean;
  readonly val: string[] | undefined;
  readonly weight: string[] | undefined;
  readonly out: string;
  readonly preset: 'cpu' | 'paper' | 'plain';
  readonly epochs: number | undefined;
  readonly 'warmup-epochs': number | undefined;
  readonly 'batch-size': number | undefined;
  readonly lr: number | undefined;
  readonly 'layer-decay': number | undefined;
  readonly 'drop-path': number | undefined;
  readonly stride: number;
  readonly cache: 'auto' | 'memory' | 'none';
  readonly 'eval-clips': number;
  readonly 'eval-crops': 1 | 3;
  readonly resume: boolean;
}

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
    withCommon(y)
      .option('allow-outside-root', {
        type: 'boolean',
        default: false,
        describe:
          "Accept manifest entries whose path lies outside the manifest's folder (default: refused, naming the line)",
      })
      .option('init', {
        type: 'string',
        describe: 'Start from this checkpoint: an MAE (decoder dropped) or a VideoViT (heads not reused)',
      })
      .option('model', {
        type: 'string',
        describe: 'Start from scratch with this registered variant (e.g. vit-nano) instead of --init',
      })
      .option('data', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'Labelled dataset [name=]<relpath;label CSV> (repeatable; the name names its head)',
      })
      .option('val', {
        type: 'string',
        array: true,
        describe: 'Validation split <name>=<CSV> of a dataset (repeatable)',
      })
      .option('weight', {
        type: 'string',
        array: true,
        describe: 'Loss weight <name>=<w> of a dataset (default 1 each)',
      })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'Run folder: model.safetensors, metrics.jsonl, report.json, checkpoint.safetensors',
      })
      .option('preset', {
        choices: ['cpu', 'paper', 'plain'] as const,
        default: 'cpu' as const,
        describe:
          'Recipe: paper (50 epochs, RandAugment m7n4, mixup/cutmix, ...), cpu (scaled), plain (no augmentation)',
      })
      .option('epochs', { type: 'number', describe: 'Override the preset epochs' })
      .option('warmup-epochs', { type: 'number', describe: 'Override the preset warm-up epochs' })
      .option('batch-size', { type: 'number', describe: 'Override the preset batch size' })
      .option('lr', { type: 'number', describe: 'Override the preset peak learning rate' })
      .option('layer-decay', { type: 'number', describe: 'Layer-wise learning-rate decay (1 = off)' })
      .option('drop-path', { type: 'number', describe: 'Maximum drop-path rate' })
      .option('stride', { type: 'number', default: 1, describe: 'Frame stride of sampled windows' })
      .option('cache', {
        choices: ['auto', 'memory', 'none'] as const,
        default: 'auto' as const,
        describe:
          'Decode every video once into memory (auto: when a dataset fits in 2 GiB), or decode each window on demand',
      })
      .option('eval-clips', { type: 'number', default: 1, describe: 'Validation clips per video (paper 2)' })
      .option('eval-crops', {
        choices: [1, 3] as const,
        default: 1 as const,
        describe: 'Validation crops per clip (paper 3)',
      })
      .option('resume', { type: 'boolean', default: false, describe: 'Continue from <out>/checkpoint.safetensors' })
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
    const vals = new Map((argv.val ?? []).map((v) => namedValue(v, '--val')));
    const weights = new Map((argv.weight ?? []).map((v) => namedValue(v, '--weight')));
    const datasets = argv.data.map((d) => {
      const [name, manifest] = namedValue(d, '--data');
      const w = weights.get(name);
      return {
        name,
        manifest,
        allowOutsideRoot: argv['allow-outside-root'],
        ...(w === undefined ? {} : { weight: Number(w) }),
        ...(vals.has(name) ? { val: vals.get(name) } : {}),
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
      recipe: {
        ...(argv.epochs === undefined ? {} : { epochs: argv.epochs }),
        ...(argv['warmup-epochs'] === undefined ? {} : { warmupEpochs: argv['warmup-epochs'] }),
        ...(argv['batch-size'] === undefined ? {} : { batchSize: argv['batch-size'] }),
        ...(argv.lr === undefined ? {} : { lr: argv.lr }),
        ...(argv['layer-decay'] === undefined ? {} : { layerDecay: argv['layer-decay'] }),
        ...(argv['drop-path'] === undefined ? {} : { dropPath: argv['drop-path'] }),
      },
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
