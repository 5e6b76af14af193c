/**
 * `ppma bench`: downstream evaluation (docs/ARCHITECTURE.md §8, §10): fine-tune (FT) and/or linear-probe (LP)
 * checkpoints on task plugins, then write `results.json`, `results.md` (Table 1 layout) and SVG
 * charts. Finished runs are skipped, so an interrupted benchmark resumes where it stopped.
 */
import type { CommandModule } from 'yargs';
import { output, startBackend, withCommon } from '../options.js';
import type { CommonOptions } from '../options.js';
import { UsageError } from '../usage-error.js';

/** Flags of `ppma bench`. */
export interface BenchArgs extends CommonOptions {
  readonly models: string[];
  readonly tasks: string[];
  readonly mode: 'ft' | 'lp' | 'both';
  readonly out: string;
  readonly plugin: string[] | undefined;
  readonly synth: string | undefined;
  readonly data: string | undefined;
  readonly root: string[] | undefined;
  readonly preset: 'tiny' | 'small' | 'paper';
  readonly engine: 'auto' | 'tfjs' | 'onnx';
  readonly resume: boolean;
  readonly 'ft-epochs': number | undefined;
  readonly 'lp-epochs': number | undefined;
  readonly clips: number | undefined;
  readonly crops: 1 | 3 | undefined;
  readonly seeds: number;
  readonly privacy: boolean;
  readonly 'privacy-plugin': string[] | undefined;
  readonly 'privacy-seeds': number;
}

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
    withCommon(y)
      .option('models', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'Checkpoints (.safetensors), or scratch:<variant> for a random-init baseline',
      })
      .option('tasks', {
        type: 'string',
        array: true,
        demandOption: true,
        describe:
          'Task names: ucf101 hmdb51 mini-ssv2 diving48 ikea-fa uav-human, synthetic or plugin tasks; "all" = every synthetic and plugin task',
      })
      .option('mode', {
        choices: ['ft', 'lp', 'both'] as const,
        default: 'both' as const,
        describe: 'Fine-tuning, linear probe on the frozen trunk, or both',
      })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'Output folder (<model>/<task>/<ft|lp>.safetensors, results.json, results.md, *.svg)',
      })
      .option('plugin', {
        type: 'string',
        array: true,
        describe: 'Task plugin: an npm package name or a module path (repeatable)',
      })
      .option('synth', {
        type: 'string',
        describe: 'Benchmark index.json (or its folder) from `ppma synth`: its downstream tasks',
      })
      .option('data', {
        type: 'string',
        describe: 'Data root: each task reads <data>/<task name> (default: the current folder)',
      })
      .option('root', {
        type: 'string',
        array: true,
        describe: 'Data folder of one task, <task>=<folder> (repeatable)',
      })
      .option('preset', {
        choices: ['tiny', 'small', 'paper'] as const,
        default: 'paper' as const,
        describe: 'Protocol preset: paper = 30 FT epochs, batch 32, 2 clips x 3 crops; small and tiny scale it down',
      })
      .option('engine', {
        choices: ['auto', 'tfjs', 'onnx'] as const,
        default: 'auto' as const,
        describe: 'Feature engine for LP and evaluation (auto: onnxruntime-node when it loads)',
      })
      .option('resume', {
        type: 'boolean',
        default: true,
        describe: 'Skip finished runs and continue interrupted ones (--no-resume starts over)',
      })
      .option('ft-epochs', { type: 'number', describe: 'Override the preset FT epochs' })
      .option('lp-epochs', { type: 'number', describe: 'Override the preset LP epochs' })
      .option('clips', { type: 'number', describe: 'Evaluation clips per video (paper 2)' })
      .option('crops', { choices: [1, 3] as const, describe: 'Evaluation crops per clip (paper 3)' })
      .option('seeds', {
        type: 'number',
        default: 1,
        describe: 'Seeds per FT/LP run (--seed, --seed + 1, ...): each cell is their mean with a 95% interval',
      })
      .option('privacy', {
        type: 'boolean',
        default: false,
        describe: 'Also probe each model for private attributes (leakage vs chance, privacy/utility chart)',
      })
      .option('privacy-plugin', {
        type: 'string',
        array: true,
        describe: 'Privacy task plugin (clips with attribute labels): an npm package or a module path (repeatable)',
      })
      .option('privacy-seeds', { type: 'number', default: 2, describe: 'Seeds per leakage probe' })
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
      settings: {
        ft: argv['ft-epochs'] === undefined ? {} : { epochs: argv['ft-epochs'] },
        lp: argv['lp-epochs'] === undefined ? {} : { epochs: argv['lp-epochs'] },
        eval: {
          ...(argv.clips === undefined ? {} : { numClips: argv.clips }),
          ...(argv.crops === undefined ? {} : { numCrops: argv.crops }),
        },
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
