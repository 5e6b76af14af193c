/**
 * The one schema of `ppma.config.json` (and of `runPipeline` options). The TypeScript types and the
 * JSON schema both derive from it; unknown keys and wrong types get a message that names the key.
 * Every field has a description and a default; presets fill the defaults by scale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, duplicateJsonKeys, formatJsonKey } from '@ppma/core';
import { DOWNSTREAM_TASKS } from '@ppma/synth';
import {
  BENCH_JOBS,
  BENCH_MODES,
  FOLDS,
  MANIFEST_FORMATS,
  MASKING_MODES,
  PIPELINE_SEGMENTERS,
  SCALE_PRESETS,
  SPLITS,
} from '../enums.js';

const int = (d: string) => z.number().int().positive().describe(d);

/** Stage 1 (MAE) settings. */
const pretrain = z
  .object({
    epochs: int('MAE pre-training epochs').optional(),
    batchSize: int('Videos per batch (before repeated augmentation)').optional(),
    repeats: int('Repeated augmentation: masks drawn per video in a batch').optional(),
    maskRatio: z.number().gt(0).lt(1).describe('Fraction of tokens hidden from the encoder (paper: 0.9)').optional(),
    masking: MASKING_MODES.describe('Masking strategy').optional(),
    lr: z.number().positive().describe('Peak learning rate').optional(),
  })
  .strict();

/** Stage 2 (Align) settings. */
const align = z
  .object({
    epochs: int('Alignment epochs').optional(),
    batchSize: int('Clips per batch').optional(),
    lr: z.number().positive().describe('Peak learning rate').optional(),
  })
  .strict();

/** Downstream evaluation settings. */
const bench = z
  .object({
    ftEpochs: int('Fine-tuning epochs per task').optional(),
    lpEpochs: int('Linear-probe epochs per task (on cached features)').optional(),
    betaEpochs: int('Epochs of the learned-beta soup linear probe per task').optional(),
    modes: z.array(BENCH_MODES).min(1).describe('Protocols to run').optional(),
    tasks: z
      .array(z.string())
      .describe('Downstream task names (default: every generated task; checked against the benchmark index)')
      .optional(),
  })
  .strict();

/** A dataset split in any manifest format: exactly the fields of `ppma data list` (docs/ARCHITECTURE.md §6). */
const datasetSplit = z
  .object({
    format: MANIFEST_FORMATS.describe('Manifest format (as `ppma data list --format`)'),
    root: z.string().min(1).describe('Dataset folder: videos resolve against it'),
    annotations: z.string().min(1).describe('Annotation file or folder (default per format)').optional(),
    split: SPLITS.describe('Split (default train)').optional(),
    fold: FOLDS.describe('UCF101 / HMDB51 official split number').optional(),
  })
  .strict();

/** A pre-training dataset: its training split and an optional validation split. */
const datasetConfig = datasetSplit
  .extend({ val: datasetSplit.describe('Optional validation split').optional() })
  .strict();

/** One dataset split as the config gives it. */
export type DatasetSplitSpec = z.infer<typeof datasetSplit>;
/** A pre-training dataset of the config. */
export type DatasetConfig = z.infer<typeof datasetConfig>;

/** A downstream task: a built-in name with its data root, a synthetic task, or a plugin. */
const taskSpec = z
  .object({
    task: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'must be letters, digits, _ . -')
      .describe('Task name: built-in (ucf101, hmdb51, ...), synthetic, or one the plugin exports'),
    plugin: z.string().min(1).describe('Module path or package of a task plugin').optional(),
    root: z.string().min(1).describe("The task's data folder").optional(),
    annotations: z.string().min(1).describe('Split files (official downloads keep them apart)').optional(),
    fold: FOLDS.describe('Official split number (UCF101, HMDB51)').optional(),
  })
  .strict();

/** A downstream task of the config. */
export type TaskSpec = z.infer<typeof taskSpec>;

/** The models the alpha soup averages, in the order of `alpha`. */
export const SOUP_INGREDIENTS = ['NH-aligned', 'synthetic-aligned'] as const;

/** Task names a pipeline run can use: those of `data`'s index.json, or the generated ones. */
export function knownPipelineTasks(data: string | undefined): string[] | null {
  if (data === undefined) return [...DOWNSTREAM_TASKS.map((t) => t.name), 'all'];
  try {
    const dir = fs.statSync(data).isDirectory() ? data : path.dirname(data);
    const idx = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as { tasks?: { name?: unknown }[] };
    const names = (idx.tasks ?? []).map((t) => t.name).filter((n): n is string => typeof n === 'string');
    return [...names, 'all'];
  } catch {
    return null; // unreadable: the data stage reports it, naming the file
  }
}

/** Rules across keys, checked before any stage runs; each issue names its key. */
function checkSemantics(
  c: {
    alpha?: number[];
    data?: string;
    out: string;
    bench: { tasks?: string[] };
    datasets?: unknown;
    tasks?: TaskSpec[];
    preset: string;
    privacy?: boolean;
  },
  ctx: z.core.$RefinementCtx,
): void {
  if (c.privacy === true && c.datasets !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['privacy'],
      message:
        'the leakage probes need identity labels, which only the embedded world has; leave privacy out with datasets',
    });
  if (c.datasets !== undefined && c.data !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['data'],
      message: 'give either data (a ppma synth index) or datasets, not both',
    });
  if (c.preset === 'paper' && c.datasets === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['datasets'],
      message:
        'the paper preset runs on your data: give datasets.real and datasets.synthetic (see README "Your own data")',
    });
  const names = (c.tasks ?? []).map((t) => t.task);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) ctx.addIssue({ code: 'custom', path: ['tasks'], message: `task "${twice}" is listed twice` });
  if (c.alpha) {
    const n = SOUP_INGREDIENTS.length;
    if (c.alpha.length !== n)
      ctx.addIssue({
        code: 'custom',
        path: ['alpha'],
        message: `has ${c.alpha.length} values; the soup has ${n} ingredients (${SOUP_INGREDIENTS.join(', ')})`,
      });
    const sum = c.alpha.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > 1e-6)
      ctx.addIssue({ code: 'custom', path: ['alpha'], message: `sums to ${sum}; the proportions must sum to 1` });
  }
  if (c.data !== undefined && path.resolve(c.out) === path.resolve(c.data))
    ctx.addIssue({ code: 'custom', path: ['out'], message: `is the data folder ${c.data}; write the run elsewhere` });
  const known = c.bench.tasks ? (c.tasks ? [...names, 'all'] : knownPipelineTasks(c.data)) : null;
  for (const [i, t] of (c.bench.tasks ?? []).entries()) {
    if (known && !known.includes(t))
      ctx.addIssue({
        code: 'custom',
        path: ['bench', 'tasks', i],
        message: `unknown task "${t}"; known: ${known.join(', ')}`,
      });
  }
}

/** The schema of `ppma.config.json`. */
export const pipelineConfigSchema = z
  .object({
    $schema: z.string().describe('JSON schema reference (ignored)').optional(),
    preset: SCALE_PRESETS.default('tiny').describe('Scale of data, model and training'),
    seed: z.number().int().default(0).describe('Seed of every random choice'),
    seeds: int(
      "Seeds per FT, LP and learned-beta run (each changes head init, data order and augmentation; pre-training stays single-seed); default: the preset's (5 in tiny)",
    ).optional(),
    jobs: BENCH_JOBS.optional(),
    out: z
      .string()
      .refine((o) => o.trim() !== '', 'must not be empty (write "." to use the current folder on purpose)')
      .default('runs/pipeline')
      .describe('Output directory (stages, report)'),
    data: z
      .string()
      .describe('An existing benchmark directory (with index.json from `ppma synth`); default: generate one')
      .optional(),
    datasets: z
      .object({
        real: datasetConfig.describe('Videos with people and action labels (e.g. Kinetics)'),
        synthetic: datasetConfig.describe('Videos of virtual humans with action labels (e.g. SynAPT)'),
        noHuman: datasetSplit
          .describe(
            'The output of `ppma remove-humans` on `real` (run sharded beforehand; its folder holds report.json): the pipeline audits it instead of removing the people again',
          )
          .optional(),
      })
      .strict()
      .describe('Your own pre-training data; default: generate the embedded world')
      .optional(),
    tasks: z
      .array(taskSpec)
      .min(1)
      .describe('Downstream tasks with their data; default: the synthetic tasks of the benchmark')
      .optional(),
    model: z
      .string()
      .describe(
        "ViT variant of every model (vit-ti, vit-s, vit-b, vit-nano, ...; see @ppma/vit); default: the preset's",
      )
      .optional(),
    clip: z
      .object({
        frames: int('Frames per clip (a multiple of the tubelet)').optional(),
        size: int('Clip height and width in pixels (a multiple of the patch)').optional(),
      })
      .strict()
      .describe("Clip geometry; default: the model's")
      .optional(),
    privacy: z
      .boolean()
      .describe(
        "Leakage probes: a linear probe per model on the virtual humans' identity attributes (embedded world only); default: on without `datasets`",
      )
      .optional(),
    audit: z
      .object({
        videos: int('Output videos the privacy audit re-checks (spread evenly)').optional(),
        detectors: z
          .boolean()
          .describe(
            "Re-detect people in the audited videos with detectors the removal did not use; default: on, except in the tiny preset's embedded world, whose 32 px clips are below the detectors' input scale (PSNR/SSIM against the clean plates are kept)",
          )
          .optional(),
      })
      .strict()
      .describe('Privacy audit of the human removal')
      .optional(),
    segmenter: PIPELINE_SEGMENTERS.describe('Segmenter used to remove humans from the real set').optional(),
    pretrain: pretrain.default({}).describe('Stage 1: MAE pre-training'),
    align: align.default({}).describe('Stage 2: alignment'),
    alpha: z
      .array(z.number().nonnegative())
      .min(2)
      .describe('Fixed soup proportions (NH-aligned, synthetic-aligned), summing to 1')
      .optional(),
    bench: bench.default({}).describe('Downstream evaluation'),
  })
  .strict()
  .superRefine(checkSemantics);

/** A parsed pipeline configuration (defaults filled). */
export type PipelineConfig = z.infer<typeof pipelineConfigSchema>;
/** What a user may write in `ppma.config.json`. */
export type PipelineConfigInput = z.input<typeof pipelineConfigSchema>;

/** The JSON schema of `ppma.config.json`. */
export function pipelineJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(pipelineConfigSchema, { io: 'input' }) as Record<string, unknown>;
}

/** Validates a config object; errors name the offending key (and the file, when given). */
export function parsePipelineConfig(input: unknown, file?: string): PipelineConfig {
  const r = pipelineConfigSchema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const key = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? '' : '(root)');
  const where = issue.code === 'unrecognized_keys' ? [key, ...issue.keys].filter(Boolean).join('.') : key;
  const problem = issue.code === 'unrecognized_keys' ? `unknown key${issue.keys.length > 1 ? 's' : ''}` : issue.message;
  throw new ConfigError(where, problem, { file });
}

/** Reads and validates `ppma.config.json`. */
export function loadPipelineConfig(file: string): PipelineConfig {
  let raw: unknown;
  let text: string;
  try {
    if (!fs.statSync(file).isFile()) throw new Error('not a regular file (a folder or a FIFO)');
    text = fs.readFileSync(file, 'utf8');
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError('(file)', `cannot read JSON (${(e as Error).message})`, { file, cause: e });
  }
  const dup = duplicateJsonKeys(text);
  if (dup.length)
    throw new ConfigError(formatJsonKey(dup[0]), 'is given twice (JSON would silently keep the last)', { file });
  return parsePipelineConfig(raw, file);
}
