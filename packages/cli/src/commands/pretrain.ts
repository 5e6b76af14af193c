/**
 * `ppma pretrain`: stage 1 of PPMA (docs/ARCHITECTURE.md §5, §10): MAE pre-training of the video ViT on a
 * dataset manifest (a `relpath;label` CSV; labels are ignored). Writes `<out>/mae.safetensors`,
 * `<out>/encoder.safetensors` (what `ppma align --init` and `VideoViT.load` read), metrics,
 * previews and a resumable `checkpoint.safetensors`.
 */
import type { CommandModule } from 'yargs';
import { z } from 'zod';
import { DECODER_MASKING_MODES, MASKING_MODES, SCALE_PRESETS } from '../enums.js';
import { withFlags } from '../flags.js';
import type { FlagValues } from '../flags.js';
import { output, startBackend, withCommon } from '../options.js';
import type { CommonOptions } from '../options.js';

/** The flags of `ppma pretrain`, declared once (type, help text, default, choices). */
export const PRETRAIN_FLAGS = {
  'allow-outside-root': z
    .boolean()
    .default(false)
    .describe(
      "Accept manifest entries whose path lies outside the manifest's folder (default: refused, naming the line)",
    ),
  data: z.string().describe('Manifest: a relpath;label CSV (labels unused)'),
  preset: SCALE_PRESETS.default('tiny').describe(
    'Model and recipe: tiny/small (ours, CPU) or paper (ViT-B, 16x224, 200 epochs)',
  ),
  masking: MASKING_MODES.default('random').describe('Encoder masking: random (the paper) or tube (VideoMAE)'),
  'mask-ratio': z.number().optional().describe('Fraction of tokens hidden (default: the preset, paper 0.9)'),
  'decoder-masking': DECODER_MASKING_MODES.default('none').describe(
    'Reconstruct every hidden token, or a running-cell subset (VideoMAE V2 dual masking)',
  ),
  'decoder-ratio': z
    .number()
    .default(0.5)
    .describe('Fraction of hidden tokens reconstructed with --decoder-masking running-cell'),
  out: z.string().default('runs/pretrain').describe('Run folder'),
  resume: z.boolean().default(false).describe('Continue from <out>/checkpoint.safetensors'),
  epochs: z.number().optional().describe('Override the preset epochs'),
  'warmup-epochs': z.number().optional().describe('Override the preset warm-up epochs'),
  'batch-size': z.number().optional().describe('Distinct videos per batch (override the preset)'),
  repeats: z.number().optional().describe('Repeated augmentation: masks per video per batch (override the preset)'),
  lr: z.number().optional().describe('Override the preset peak learning rate'),
  'preview-every': z
    .number()
    .optional()
    .describe('Write a reconstruction PNG every N epochs (default: ~10 per run; 0 = never)'),
  'stop-after': z.number().optional().describe('Stop (resumably) after this many steps in total'),
};

/** Flags of `ppma pretrain`. */
export type PretrainArgs = CommonOptions & FlagValues<typeof PRETRAIN_FLAGS>;

/** The `ppma pretrain` command. */
export const pretrainCommand: CommandModule<object, PretrainArgs> = {
  command: 'pretrain',
  describe: 'Stage 1: masked-autoencoder pre-training of the video ViT',
  builder: (y) =>
    withFlags(withCommon(y), PRETRAIN_FLAGS)
      .example(
        '$0 pretrain --data nh/train.csv --preset tiny --out runs/mae-nh',
        'pre-train the tiny preset on No-Human clips',
      )
      .example('$0 pretrain --data nh/train.csv --out runs/mae-nh --resume', 'continue after an interruption'),
  handler: async (argv) => {
    await startBackend(argv);
    const { pretrainMae, maePreset } = await import('@ppma/mae');
    const { definedOnly } = await import('@ppma/core');
    const preset = maePreset(argv.preset);
    const r = await pretrainMae({
      data: { kind: 'manifest', manifest: argv.data, allowOutsideRoot: argv['allow-outside-root'] },
      outDir: argv.out,
      preset: argv.preset,
      masking: { kind: argv.masking, ratio: argv['mask-ratio'] ?? preset.masking.ratio },
      decoderMasking:
        argv['decoder-masking'] === 'none' ? { kind: 'none' } : { kind: 'running-cell', ratio: argv['decoder-ratio'] },
      ...definedOnly({
        epochs: argv.epochs,
        warmupEpochs: argv['warmup-epochs'],
        videosPerBatch: argv['batch-size'],
        repeats: argv.repeats,
        lr: argv.lr,
        stopAfter: argv['stop-after'],
        previewEvery: argv['preview-every'],
      }),
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
