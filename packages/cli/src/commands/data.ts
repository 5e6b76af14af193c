/**
 * `ppma data list` and `ppma data validate`: read a dataset split in any supported
 * manifest format and print it, or probe every video and report the unusable ones. Output shapes
 * are fixed (scripts depend on them):
 *  - list --json:     {"entries":[{"path":"<absolute>","label":<id>,"labelName":"<name>"}],"labels":[...]}
 *  - validate --json: {"ok":<n>,"problems":[{"path":"...","reason":"..."}]}; exit 0 when all usable, else 1.
 */
import type { Argv, CommandModule } from 'yargs';
import { z } from 'zod';
import { MANIFEST_FORMATS, SPLITS } from '../enums.js';
import { withFlags, withPositionals } from '../flags.js';
import type { FlagValues } from '../flags.js';
import { output, withCommon } from '../options.js';
import type { CommonOptions } from '../options.js';
import { UsageError } from '../usage-error.js';

type Format = z.output<typeof MANIFEST_FORMATS>;

/** The flags shared by `data list` and `data validate`, declared once (type, help text, default, choices). */
export const DATA_FLAGS = {
  format: MANIFEST_FORMATS.optional().describe('Manifest format of the dataset'),
  root: z.string().optional().describe('Dataset folder (videos resolve against it)'),
  annotations: z
    .string()
    .optional()
    .describe('Annotation file or folder (default: per format, see @ppma/video-io README)'),
  split: SPLITS.optional().describe('Split to read (default train)'),
  fold: z.number().optional().describe('UCF101/HMDB51 official split 1-3 (default 1)'),
  concurrency: z.number().default(2).describe('Parallel ffmpeg/ffprobe processes'),
};

/** The positional arguments of `data validate`. */
export const DATA_VALIDATE_POSITIONALS = {
  paths: z.array(z.string()).optional().describe('Video files or frame folders (instead of --format/--root)'),
};

/** Flags shared by `data list` and `data validate` (`paths`: the videos given to validate). */
export type DataArgs = CommonOptions & FlagValues<typeof DATA_FLAGS> & FlagValues<typeof DATA_VALIDATE_POSITIONALS>;

function withDataset<T>(y: Argv<T>): Argv<T & DataArgs> {
  return withFlags(withCommon(y), DATA_FLAGS) as unknown as Argv<T & DataArgs>;
}

function manifestOptions(argv: DataArgs): {
  format: Format;
  root: string;
  annotations?: string;
  split?: 'train' | 'val' | 'test';
  fold?: 1 | 2 | 3;
} {
  if (!argv.format || !argv.root)
    throw new UsageError('--format and --root are required (or give video paths to validate)');
  const fold = argv.fold === undefined ? undefined : argv.fold;
  if (fold !== undefined && fold !== 1 && fold !== 2 && fold !== 3)
    throw new UsageError(`--fold must be 1, 2 or 3, got ${fold}`);
  return { format: argv.format, root: argv.root, annotations: argv.annotations, split: argv.split, fold };
}

/** Usage check (a failed check exits with the usage code). */
function datasetGiven(
  argv: { format?: unknown; root?: unknown; fold?: unknown; paths?: unknown },
  allowPaths: boolean,
): true {
  const paths = Array.isArray(argv.paths) ? argv.paths : [];
  if (allowPaths && paths.length > 0) return true;
  if (!argv.format || !argv.root)
    throw new UsageError(allowPaths ? 'give --format and --root, or video paths' : '--format and --root are required');
  if (argv.fold !== undefined && ![1, 2, 3].includes(argv.fold as number))
    throw new UsageError(`--fold must be 1, 2 or 3, got ${String(argv.fold)}`);
  return true;
}

const listCommand: CommandModule<object, DataArgs> = {
  command: 'list',
  describe: 'List the entries of a dataset split with their label ids and names',
  builder: (y) =>
    withDataset(y)
      .check((argv) => datasetGiven(argv, false))
      .example('$0 data list --format ucf101 --root /data/UCF101 --split val --json', '') as never,
  handler: async (argv) => {
    const { listDataset } = await import('@ppma/video-io');
    const listing = await listDataset(manifestOptions(argv));
    const human = [
      ...listing.entries.map((e) => `${e.label}\t${e.labelName}\t${e.path}`),
      `${listing.entries.length} entries, ${listing.labels.length} labels`,
    ].join('\n');
    output(argv, { entries: listing.entries, labels: listing.labels }, human);
  },
};

const validateCommand: CommandModule<object, DataArgs> = {
  command: 'validate [paths..]',
  describe: 'Probe every video of a dataset split (or the given videos / frame folders); exit 1 if any is unusable',
  builder: (y) =>
    withPositionals(withDataset(y), DATA_VALIDATE_POSITIONALS)
      .check((argv) => datasetGiven(argv, true))
      .example('$0 data validate --format kinetics --root /data/k400/val --annotations val.csv --json', '')
      .example('$0 data validate a.mp4 frames/clip01', '') as never,
  handler: async (argv) => {
    const { validateDataset } = await import('@ppma/video-io');
    const paths = argv.paths ?? [];
    const report = await validateDataset(
      paths.length > 0
        ? { paths, concurrency: argv.concurrency }
        : { ...manifestOptions(argv), concurrency: argv.concurrency },
    );
    const problems = report.problems.map((p) => ({ path: p.path, reason: p.reason }));
    const counts = Object.entries(report.counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    const human = [
      ...problems.map((p) => `${p.path}: ${p.reason}`),
      `${report.ok} ok, ${problems.length} unusable${counts ? ` (${counts})` : ''}`,
    ].join('\n');
    output(argv, { ok: report.ok, problems }, human);
    if (problems.length > 0) process.exitCode = 1;
  },
};

/** The `ppma data` command group. */
export const dataCommand: CommandModule<object, object> = {
  command: 'data <command>',
  describe: 'Inspect datasets: list a split, or validate its videos',
  builder: (y) =>
    y.command(listCommand).command(validateCommand).demandCommand(1, 'Name a data command: list or validate'),
  handler: () => undefined,
};
