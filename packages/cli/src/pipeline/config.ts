/**
 * The one schema of `ppma.config.json` (and of `runPipeline` options). The TypeScript types and the
 * JSON schema both derive from it; unknown keys and wrong types get a message that names the key.
 * Every field has a description and a default; presets fill the defaults by scale.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '@ppma/core';

const int = (d: string) => z.number().int().positive().describe(d);

/** Stage 1 (MAE) settings. */
const pretrain = z
  .object({
    epochs: int('MAE pre-training epochs').optional(),
    batchSize: int('Videos per batch (before repeated augmentation)').optional(),
    repeats: int('Repeated augmentation: masks drawn per video in a batch').optional(),
    maskRatio: z.number().gt(0).lt(1).describe('Fraction of tokens hidden from the encoder (paper: 0.9)').optional(),
    masking: z.enum(['random', 'tube']).describe('Masking strategy').optional(),
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
    modes: z
      .array(z.enum(['ft', 'lp']))
      .min(1)
      .describe('Protocols to run')
      .optional(),
    tasks: z.array(z.string()).describe('Downstream task names (default: every generated task)').optional(),
  })
  .strict();

/** The schema of `ppma.config.json`. */
export const pipelineConfigSchema = z
  .object({
    $schema: z.string().describe('JSON schema reference (ignored)').optional(),
    preset: z.enum(['tiny', 'small', 'paper']).default('tiny').describe('Scale of data, model and training'),
    seed: z.number().int().default(0).describe('Seed of every random choice'),
    seeds: int(
      "Seeds per FT, LP and learned-beta run (each changes head init, data order and augmentation; pre-training stays single-seed); default: the preset's (3 in tiny)",
    ).optional(),
    out: z.string().default('runs/pipeline').describe('Output directory (stages, report)'),
    data: z
      .string()
      .describe('An existing benchmark directory (with index.json from `ppma synth`); default: generate one')
      .optional(),
    model: z.string().describe('ViT variant (see @ppma/vit presets)').optional(),
    segmenter: z
      .enum(['oracle', 'rvm', 'selfie-crops'])
      .describe('Segmenter used to remove humans from the real set')
      .optional(),
    pretrain: pretrain.default({}).describe('Stage 1: MAE pre-training'),
    align: align.default({}).describe('Stage 2: alignment'),
    alpha: z
      .array(z.number().nonnegative())
      .min(2)
      .describe('Fixed soup proportions (NH-aligned, synthetic-aligned)')
      .optional(),
    bench: bench.default({}).describe('Downstream evaluation'),
  })
  .strict();

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
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError('(file)', `cannot read JSON (${(e as Error).message})`, { file, cause: e });
  }
  return parsePipelineConfig(raw, file);
}
