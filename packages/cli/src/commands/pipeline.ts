/**
 * `ppma pipeline`: the whole PPMA protocol on the embedded mini-benchmark (or your data), with
 * stage caching: a re-run, or `--resume` after a kill, skips finished stages.
 */
import fs from 'node:fs';
import type { CommandModule } from 'yargs';
import { z } from 'zod';
import { BENCH_JOBS, PIPELINE_SEGMENTERS, SCALE_PRESETS } from '../enums.js';
import { withFlags } from '../flags.js';
import type { FlagValues } from '../flags.js';
import { output, startBackend, withCommon } from '../options.js';
import type { CommonOptions } from '../options.js';
import type { PipelineConfigInput } from '../pipeline/config.js';

/** The flags of `ppma pipeline`, declared once; `preset` and `segmenter` take the config schema's enums. */
export const PIPELINE_FLAGS = {
  config: z.string().optional().describe('ppma.config.json (default: ./ppma.config.json when it exists)'),
  preset: SCALE_PRESETS.optional().describe('Scale (default tiny: minutes on 2 cores)'),
  out: z.string().optional().describe('Output directory (default runs/pipeline)'),
  data: z.string().optional().describe('Use an existing benchmark (folder with index.json from ppma synth)'),
  segmenter: PIPELINE_SEGMENTERS.optional().describe('Segmenter for human removal'),
  jobs: BENCH_JOBS.optional(),
  resume: z
    .boolean()
    .default(true)
    .describe('Skip finished stages and continue unfinished ones (--no-resume starts over)'),
  'dry-run': z
    .boolean()
    .default(false)
    .describe('Validate every dataset, print the stages (cached or not) with compute estimates, and exit'),
  'print-schema': z.boolean().default(false).describe('Print the JSON schema of ppma.config.json and exit'),
};

/** Flags of `ppma pipeline`. */
export type PipelineArgs = CommonOptions & FlagValues<typeof PIPELINE_FLAGS>;

/** The `ppma pipeline` command. */
export const pipelineCommand: CommandModule<object, PipelineArgs> = {
  command: 'pipeline',
  describe: 'Run the whole PPMA protocol (data → human removal → MAE → align → soups → FT/LP → report)',
  builder: (y) =>
    withFlags(withCommon(y), PIPELINE_FLAGS)
      .example('$0 pipeline', 'the embedded tiny benchmark, report in runs/pipeline/report.md')
      .example('$0 pipeline --preset small --out runs/small', 'a longer study')
      .example('$0 pipeline --config ppma.config.json --dry-run', 'check your datasets and see the plan') as never,
  handler: async (argv) => {
    const { loadPipelineConfig, parsePipelineConfig, pipelineJsonSchema } = await import('../pipeline/config.js');
    if (argv['print-schema']) {
      process.stdout.write(JSON.stringify(pipelineJsonSchema(), null, 2) + '\n');
      return;
    }
    const file = argv.config ?? (fs.existsSync('ppma.config.json') ? 'ppma.config.json' : undefined);
    const base = file ? loadPipelineConfig(file) : parsePipelineConfig({});
    const flags: Partial<PipelineConfigInput> = {
      ...(argv.preset ? { preset: argv.preset } : {}),
      ...(argv.out ? { out: argv.out } : {}),
      ...(argv.data ? { data: argv.data } : {}),
      ...(argv.segmenter ? { segmenter: argv.segmenter } : {}),
      ...(argv.jobs !== undefined ? { jobs: argv.jobs } : {}),
      ...(argv.seed !== 0 || !file ? { seed: argv.seed } : {}),
    };
    const config = parsePipelineConfig({ ...base, ...flags }, file);
    if (argv['dry-run']) {
      await startBackend(argv);
      const { planPipeline } = await import('../pipeline/run-pipeline.js');
      const { planLines } = await import('../pipeline/plan-text.js');
      const plan = await planPipeline(config);
      output(argv, plan, planLines(plan, config.out).join('\n') + '\n');
      return;
    }
    // Only a folder that carries the run marker is deleted; anything else is refused, naming it.
    if (!argv.resume) (await import('@ppma/core')).removeRunFolder(config.out);
    await startBackend(argv);
    const { runPipeline } = await import('../pipeline/run-pipeline.js');
    const res = await runPipeline(config, { progress: !argv.json });
    const md = fs.readFileSync(res.report, 'utf8');
    output(argv, res, md);
  },
};
