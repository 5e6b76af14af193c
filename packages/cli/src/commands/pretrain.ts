/**
 * `ppma pretrain`: stage 1 of PPMA (docs/ARCHITECTURE.md §5, §10): MAE pre-training of the video ViT on a
 * dataset manifest (a `relpath;label` CSV; labels are ignored). Writes `<out>/mae.safetensors`,
 * `<out>/encoder.safetensors` (what `ppma align --init` and `VideoViT.load` read), metrics,
 * previews and a resumable `checkpoint.safetensors`.
 */
import type { CommandModule } from 'yargs';
import { output, startBackend, withCommon } from '../options.js';
import type { CommonOptions } from '../options.js';

/** Flags of `ppma pretrain`. */
export interface PretrainArgs extends CommonOptions {
  readonly data: string;
  readonly 'allow-outside-root': boolean;
  readonly preset: 'tiny' | 'small' | 'paper';
  readonly masking: 'random' | 'tube';
  readonly 'mask-ratio': number | undefined;
  readonly 'decoder-masking': 'none' | 'running-cell';
  readonly 'decoder-ratio': number;
  readonly out: string;
  readonly resume: boolean;
  readonly epochs: number | undefined;
  readonly 'warmup-epochs': number | undefined;
  readonly 'batch-size': number | undefined;
  readonly repeats: number | undefined;
  readonly lr: number | undefined;
  readonly 'preview-every': number | undefined;
  readonly 'stop-after': number | undefined;
}

/** The `ppma pretrain` command. */
export const pretrainCommand: CommandModule<object, PretrainArgs> = {
  command: 'pretrain',
  describe: 'Stage 1: masked-autoencoder pre-training of the video ViT',
  builder: (y) =>
    withCommon(y)
      .option('allow-outside-root', {
        type: 'boolean',
        default: false,
        describe:
          "Accept manifest entries whose path lies outside the manifest's folder (default: refused, naming the line)",
      })
      .option('data', { type: 'string', demandOption: true, describe: 'Manifest: a relpath;label CSV (labels unused)' })
      .option('preset', {
        choices: ['tiny', 'small', 'paper'] as const,
        default: 'tiny' as const,
        describe: 'Model and recipe: tiny/small (ours, CPU) or paper (ViT-B, 16x224, 200 epochs)',
      })
      .option('masking', {
        choices: ['random', 'tube'] as const,
        default: 'random' as const,
        describe: 'Encoder masking: random (the paper) or tube (VideoMAE)',
      })
      .option('mask-ratio', { type: 'number', describe: 'Fraction of tokens hidden (default: the preset, paper 0.9)' })
      .option('decoder-masking', {
        choices: ['none', 'running-cell'] as const,
        default: 'none' as const,
        describe: 'Reconstruct every hidden token, or a running-cell subset (VideoMAE V2 dual masking)',
      })
      .option('decoder-ratio', {
        type: 'number',
        default: 0.5,
        describe: 'Fraction of hidden tokens reconstructed with --decoder-masking running-cell',
      })
      .option('out', { type: 'string', default: 'runs/pretrain', describe: 'Run folder' })
      .option('resume', { type: 'boolean', default: false, describe: 'Continue from <out>/checkpoint.safetensors' })
      .option('epochs', { type: 'number', describe: 'Override the preset epochs' })
      .option('warmup-epochs', { type: 'number', describe: 'Override the preset warm-up epochs' })
      .option('batch-size', { type: 'number', describe: 'Distinct videos per batch (override the preset)' })
      .option('repeats', {
        type: 'number',
        describe: 'Repeated augmentation: masks per video per batch (override the preset)',
      })
      .option('lr', { type: 'number', describe: 'Override the preset peak learning rate' })
      .option('preview-every', {
        type: 'number',
        describe: 'Write a reconstruction PNG every N epochs (default: ~10 per run; 0 = never)',
      })
      .option('stop-after', { type: 'number', describe: 'Stop (resumably) after this many steps in total' })
      .example(
        '$0 pretrain --data nh/train.csv --preset tiny --out runs/mae-nh',
        'pre-train the tiny preset on No-Human clips',
      )
      .example('$0 pretrain --data nh/train.csv --out runs/mae-nh --resume', 'continue after an interruption'),
  handler: async (argv) => {
    await startBackend(argv);
    const { pretrainMae, maePreset } = await import('@ppma/mae');
    const preset = maePreset(argv.preset);
    const r = await pretrainMae({
      data: { kind: 'manifest', manifest: argv.data, allowOutsideRoot: argv['allow-outside-root'] },
      outDir: argv.out,
      preset: argv.preset,
      masking: { kind: argv.masking, ratio: argv['mask-ratio'] ?? preset.masking.ratio },
      decoderMasking:
        argv['decoder-masking'] === 'none' ? { kind: 'none' } : { kind: 'running-cell', ratio: argv['decoder-ratio'] },
      ...(argv.epochs === undefined ? {} : { epochs: argv.epochs }),
      ...(argv['warmup-epochs'] === undefined ? {} : { warmupEpochs: argv['warmup-epochs'] }),
      ...(argv['batch-size'] === undefined ? {} : { videosPerBatch: argv['batch-size'] }),
      ...(argv.repeats === undefined ? {} : { repeats: argv.repeats }),
      ...(argv.lr === undefined ? {} : { lr: argv.lr }),
      ...(argv['stop-after'] === undefined ? {} : { stopAfter: argv['stop-after'] }),
      ...(argv['preview-every'] === undefined ? {} : { previewEvery: argv['preview-every'] }),
      seed: argv.seed,
      resume: argv.resume,
      handleSignals: true,
    });
    const lines = [
      r.encoder
        ? `wrote ${r.encoder} (encoder for stage 2) and ${r.mae} after ${r.steps} steps, last loss ${r.lastLoss.toFixed(4)}`
        : `stopped after ${r.steps} of ${r.totalSteps} steps; rerun with --resume to continue (${r.checkpoint})`,
      ...(r.resumedFrom === null ? [] : [`resumed from step ${r.resumedFrom}`]),
      ...(r.previews.length ? [`previews: ${r.previews.at(-1)}`] : []),
      ...(r.skipped.length
        ? [`skipped ${r.skipped.length} input(s):`, ...r.skipped.slice(0, 5).map((s) => `  ${s.path}: ${s.reason}`)]
        : []),
    ];
    output(argv, r, lines.join('\n'));
  },
};
