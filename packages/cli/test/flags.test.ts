/**
 * Command flags derive from one zod declaration per command (`src/flags.ts`): the yargs options
 * (type, choices, default, demanded) and the argv values come from the same schemas, and the CLI's
 * enums equal the lists of the packages that own them.
 */
import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { z } from 'zod';
import { MAE_PRESETS } from '@ppma/mae';
import { DETECTORS as HR_DETECTORS, SEGMENTERS as HR_SEGMENTERS } from '@ppma/hat-removal';
import { MANIFEST_FORMATS as VIO_FORMATS } from '@ppma/video-io';
import { ALIGN_PRESETS as ALIGN_RECIPES } from '@ppma/align';
import {
  ALIGN_PRESETS,
  BENCH_JOBS,
  DETECTORS,
  MANIFEST_FORMATS,
  PIPELINE_SEGMENTERS,
  SCALE_PRESETS,
  SEGMENTERS,
} from '../src/enums.js';
import { withFlags, yargsOption } from '../src/flags.js';
import { PRETRAIN_FLAGS } from '../src/commands/pretrain.js';
import { BENCH_FLAGS } from '../src/commands/bench.js';
import { PIPELINE_FLAGS } from '../src/commands/pipeline.js';
import { parsePipelineConfig, pipelineConfigSchema } from '../src/pipeline/config.js';

describe('flag schemas', () => {
  it('give yargs the type, choices, default and demand of each flag', () => {
    expect(yargsOption('a', z.string().describe('text'))).toEqual({
      type: 'string',
      describe: 'text',
      demandOption: true,
    });
    expect(yargsOption('b', z.number().default(0.5).describe('ratio'))).toEqual({
      type: 'number',
      describe: 'ratio',
      default: 0.5,
    });
    expect(yargsOption('c', z.enum(['x', 'y']).optional().describe('pick'))).toEqual({
      choices: ['x', 'y'],
      describe: 'pick',
    });
    expect(yargsOption('d', z.array(z.enum(['p', 'q'])).optional())).toEqual({ array: true, choices: ['p', 'q'] });
    expect(yargsOption('e', z.literal([1, 3]).default(1))).toEqual({ choices: [1, 3], default: 1 });
    expect(() => yargsOption('f', z.object({}))).toThrow(/flag --f: schema kind "object"/);
  });

  it('parse a command line into the declared values', async () => {
    const argv = await withFlags(yargs(['--data', 'a.csv', '--mask-ratio', '0.8', '--masking', 'tube']), PRETRAIN_FLAGS)
      .strict()
      .parseAsync();
    expect(argv.data).toBe('a.csv');
    expect(argv['mask-ratio']).toBe(0.8);
    expect(argv.masking).toBe('tube');
    expect(argv.preset).toBe('tiny');
    expect(argv['decoder-ratio']).toBe(0.5);
    expect(argv.epochs).toBeUndefined();
    const bench = await withFlags(
      yargs(['--models', 'a', 'b', '--tasks', 'all', '--out', 'o']),
      BENCH_FLAGS,
    ).parseAsync();
    expect(bench.models).toEqual(['a', 'b']);
    expect(bench.resume).toBe(true);
    expect(bench.crops).toBeUndefined();
  });

  it('refuse a value outside the choices and a missing demanded flag', async () => {
    const fail = async (args: string[]) =>
      withFlags(yargs(args), PRETRAIN_FLAGS)
        .exitProcess(false)
        .fail((msg) => {
          throw new Error(msg);
        })
        .parseAsync();
    await expect(fail(['--data', 'a.csv', '--masking', 'grid'])).rejects.toThrow(/Invalid values/);
    await expect(fail(['--masking', 'tube'])).rejects.toThrow(/Missing required argument: data/);
  });
});

describe('CLI enums', () => {
  it('equal the lists of the packages that own them', () => {
    expect(SCALE_PRESETS.options).toEqual([...MAE_PRESETS]);
    expect(SEGMENTERS.options).toEqual([...HR_SEGMENTERS]);
    expect(DETECTORS.options).toEqual([...HR_DETECTORS]);
    expect(MANIFEST_FORMATS.options).toEqual([...VIO_FORMATS]);
    expect([...ALIGN_PRESETS.options].sort()).toEqual(Object.keys(ALIGN_RECIPES).sort());
  });

  it('are the ones the pipeline schema accepts', () => {
    const { shape } = pipelineConfigSchema;
    expect(shape.preset.def.innerType.options).toEqual(SCALE_PRESETS.options);
    expect(shape.segmenter.unwrap().options).toEqual(PIPELINE_SEGMENTERS.options);
  });

  it('--jobs of bench and pipeline and the config key jobs are the one BENCH_JOBS schema', async () => {
    expect(pipelineConfigSchema.shape.jobs.unwrap()).toBe(BENCH_JOBS);
    expect(PIPELINE_FLAGS.jobs.unwrap()).toBe(BENCH_JOBS);
    expect(BENCH_FLAGS.jobs.unwrap()).toBe(BENCH_JOBS);
    expect(yargsOption('jobs', PIPELINE_FLAGS.jobs)).toMatchObject({ type: 'number' });
    const argv = await withFlags(yargs(['--jobs', '1']), PIPELINE_FLAGS).parseAsync();
    expect(argv.jobs).toBe(1);
    expect((await withFlags(yargs([]), PIPELINE_FLAGS).parseAsync()).jobs).toBeUndefined();
    expect(parsePipelineConfig({ jobs: 2 }).jobs).toBe(2);
    expect(() => parsePipelineConfig({ jobs: 0 })).toThrow(/jobs/);
    expect(() => parsePipelineConfig({ jobs: 1.5 })).toThrow(/jobs/);
  });
});
