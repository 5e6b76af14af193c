/**
 * `ppma bench`: downstream evaluation (docs/ARCHITECTURE.md §8, §10): fine-tune (FT) and/or linear-probe (LP)
 * checkpoints on task plugins, then write `results.json`, `results.md` (Table 1 layout) and SVG
 * charts. Finished runs are skipped, so an interrupted benchmark resumes where it stopped.
 */
import type { CommandModule } from 'yargs';
import { z } from 'zod';
import { BENCH_JOBS, BENCH_MODE_CHOICES, ENGINES, EVAL_CROPS, SCALE_PRESETS } from '../enums.js';
import { withFlags } from '../flags.js';
import type { FlagValues } from '../flags.js';
import { output, startBackend, withCommon } from '../options.js';
import type { CommonOptions } from '../options.js';
import { UsageError } from '../usage-error.js';

/** The flags of `ppma bench`, declared once (type, help text, default, choices). */
export const BENCH_FLAGS = {
  jobs: BENCH_JOBS.optional(),
  models: z.array(z.string()).describe('Checkpoints (.safetensors), or scratch:<variant> for a random-init baseline'),
  tasks: z
    .array(z.string())
    .describe(
      'Task names: ucf101 hmdb51 mini-ssv2 diving48 ikea-fa uav-human, synthetic or plugin tasks; "all" = every synthetic and plugin task',
    ),
  mode: BENCH_MODE_CHOICES.default('both').describe('Fine-tuning, linear probe on the frozen trunk, or both'),
  out: z.string().describe('Output folder (<model>/<task>/<ft|lp>.safetensors, results.json, results.md, *.svg)'),
  plugin: z.array(z.string()).optional().describe('Task plugin: an npm package name or a module path (repeatable)'),
  synth: z.string().optional().describe('Benchmark index.json (or its folder) from `ppma synth`: its downstream tasks'),
  data: z.string().optional().describe('Data root: each task reads <data>/<task name> (default: the current folder)'),
  root: z.array(z.string()).optional().describe('Data folder of one task, <task>=<folder> (repeatable)'),
  preset: SCALE_PRESETS.default('paper').describe(
    'Protocol preset: paper = 30 FT epochs, batch 32, 2 clips x 3 crops; small and tiny scale it down',
  ),
  engine: ENGINES.default('auto').describe(
    'Feature engine for LP and evaluation (auto: onnxruntime-node when it loads)',
  ),
  resume: z
    .boolean()
    .default(true)
    .describe('Skip finished runs and continue interrupted ones (--no-resume starts over)'),
  'ft-epochs': z.number().optional().describe('Override the preset FT epochs'),
  'lp-epochs': z.number().optional().describe('Override the preset LP epochs'),
  clips: z.number().optional().describe('Evaluation clips per video (paper 2)'),
  crops: EVAL_CROPS.optional().describe('Evaluation crops per clip (paper 3)'),
  seeds: z
    .number()
    .default(1)
    .describe('Seeds per FT/LP run (--seed, --seed + 1, ...): each cell is their mean with a 95% interval'),
  privacy: z
    .boolean()
    .default(false)
    .describe('Also probe each model for private attributes (leakage vs chance, privacy/utility chart)'),
  'privacy-plugin': z
    .array(z.string())
    .optional()
    .describe('Privacy task plugin (clips with attribute labels): an npm package or a module path (repeatable)'),
  'privacy-seeds': z.number().default(2).describe('Seeds per leakage probe'),
};

/** Flags of `ppma bench`. */
export type BenchArgs = CommonOptions & FlagValues<typeof BENCH_FLAGS>;

/**
 * `--privacy`: leakage probes of the same models (issue 17 §3) on the privacy tasks of `--synth`
 * (its identity labels, written first for a benchmark made before they existed) and of every
 * `--privacy-plugin`, beside each model's action accuracy from this benchmark.
 */
async function runPrivacy(argv: BenchArgs, averages: Record<string, { ft?: unknown; lp?: unknown }>): Promise<string> {
  const bench = await import('@ppma/bench');
  const { ConfigError } = await import('@ppma/core');
  const { join } = await import('node:path');
  const out = join(argv.out, 'privacy');
  const tasks: import('@ppma/bench').PrivacyTaskPlugin[] = [];
  if (argv.synth) {
    const found = await bench.syntheticPrivacyTasks(argv.synth);
    if (found.length) tasks.push(...found);
    else {
      const { labelIdentities } = await import('@ppma/synth');
      const { writeFile } = await import('node:fs/promises');
      const entry = await labelIdentities(argv.synth, join(out, 'labels'));
      const index = join(out, 'labels', 'index.json');
      await writeFile(index, JSON.stringify({ format: 'ppma-synth-benchmark', tasks: [], privacy: [entry] }) + '\n');
      tasks.push(...(await bench.syntheticPrivacyTasks(index)));
    }
  }
  for (const p of argv['privacy-plugin'] ?? []) tasks.push(...(await bench.loadPrivacyPlugin(p)));
  if (!tasks.length)
    throw new ConfigError('privacy', 'no privacy task: give --synth (identity labels) or --privacy-plugin <module>');
  const utility = Object.fromEntries(
    Object.entries(averages).flatMap(([m, a]) => {
      const v = (a.ft ?? a.lp) as import('@ppma/bench').Interval | undefined;
      return v ? [[m, v]] : [];
    }),
  );
  const res = await bench.runPrivacyProbes({
    models: argv.models,
    tasks,
    out,
    preset: argv.preset,
    engine: argv.engine,
    seed: argv.seed,
    seeds: argv['privacy-seeds'],
    roots: parseRoots(argv.root),
    resume: argv.resume,
    utility,
    utilityLabel: 'avg top-1 (%)',
    log: (l) => process.stderr.write(`ppma: ${l}\n`),
  });
  return join(out, res.files.table);
}

function parseRoots(list: readonly string[] | undefined): Record<string, string> {
  const roots: Record<string, string> = {};
  for (const r of list ?? []) {
    const cut = r.indexOf('=');
    if (cut <= 0) throw new UsageError(`--root expects <task>=<folder>, got "${r}"`);
    roots[r.slice(0, cut)] = r.slice(cut + 1);
  }
  return roots;
}

/** The `ppma bench` command. */
export const benchCommand: CommandModule<object, BenchArgs> = {
  command: 'bench',
  describe: 'Fine-tune and linear-probe checkpoints on downstream tasks; write the results table and charts',
  builder: (y) =>
    withFlags(withCommon(y), BENCH_FLAGS)
      .example(
        '$0 bench --models ppma.safetensors scratch:vit-nano --synth bench-data --tasks all --mode both --preset tiny --out results',
        'FT and LP on the embedded mini-benchmark',
      )
      .example(
        '$0 bench --models ppma.safetensors --tasks ucf101 hmdb51 --data /datasets --mode lp --preset paper --out results',
        'LP on the official UCF101 and HMDB51 split 1',
      )
      .example(
        '$0 bench --models a.safetensors --plugin ./my-task.mjs --tasks my-task --out results',
        'a downstream task from a plugin',
      ),
  handler: async (argv) => {
    if (argv.privacy && !argv.synth && !argv['privacy-plugin']?.length)
      throw new UsageError(
        '--privacy needs a privacy task: --synth <benchmark> (identity labels) or --privacy-plugin <module>',
      );
    await startBackend(argv);
    const bench = await import('@ppma/bench');
    const { definedOnly } = await import('@ppma/core');
    const lines: string[] = [];
    const results = await bench.runBenchmark({
      models: argv.models,
      tasks: argv.tasks,
      modes: argv.mode,
      out: argv.out,
      preset: argv.preset,
      plugins: argv.plugin,
      synthIndex: argv.synth,
      dataRoot: argv.data,
      roots: parseRoots(argv.root),
      engine: argv.engine,
      seed: argv.seed,
      seeds: argv.seeds,
      resume: argv.resume,
      ...definedOnly({ jobs: argv.jobs }),
      settings: {
        ft: definedOnly({ epochs: argv['ft-epochs'] }),
        lp: definedOnly({ epochs: argv['lp-epochs'] }),
        eval: definedOnly({ numClips: argv.clips, numCrops: argv.crops }),
      },
      log: (l) => {
        lines.push(l);
        process.stderr.write(`ppma: ${l}\n`);
      },
    });
    const { readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const table = await readFile(join(argv.out, results.files.table), 'utf8');
    const privacy = argv.privacy ? await runPrivacy(argv, results.averages) : null;
    const files = [results.files.json, results.files.table, ...results.files.charts].map((f) => join(argv.out, f));
    output(argv, results, `${table}\nWrote ${[...files, ...(privacy ? [privacy] : [])].join(', ')}`);
  },
};
