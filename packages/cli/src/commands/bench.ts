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
    output(
      argv,
      results,
      `${table}\nWrote ${[results.files.json, results.files.table, ...results.files.charts].map((f) => join(argv.out, f)).join(', ')}`,
    );
  },
};
