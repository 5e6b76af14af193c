/**
 * `ppma synth`: generate the embedded mini-benchmark (docs/ARCHITECTURE.md §9) with `@ppma/synth`, or draw its
 * contact sheet (one clip per action in both styles) with `--preview out.png`. Output shapes:
 *  - --json (generation): {"out":"<dir>","index":"<dir>/index.json","clips":n,"files":n,"seconds":s,"clipsPerSecond":r,
 *    "datasets":[{"name","kind","classes":n,"sceneObjectBias","train":n,"val":n}]}
 *  - --json (preview only): {"preview":"<file.png>","bytes":n}
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { z } from 'zod';
import { withFlags } from '../flags.js';
import type { FlagValues } from '../flags.js';
import { SYNTH_PRESETS } from '../enums.js';
import { output, withCommon } from '../options.js';
import type { CommonOptions } from '../options.js';

/** The flags of `ppma synth`, declared once (type, help text, default, choices). */
export const SYNTH_FLAGS = {
  out: z.string().optional().describe('Output folder of the benchmark (videos, manifests, index.json)'),
  preset: SYNTH_PRESETS.default('tiny').describe('Clip size and counts'),
  preview: z.string().optional().describe('Write a contact sheet PNG (one clip per action, both styles) to this file'),
  'preview-size': z.number().default(96).describe('Frame size of the contact sheet, in pixels'),
  datasets: z.array(z.string()).optional().describe('Only these datasets (default: all)'),
};

/** Flags of `ppma synth`. */
export type SynthArgs = CommonOptions & FlagValues<typeof SYNTH_FLAGS>;

function withSynth<T>(y: Argv<T>): Argv<T & SynthArgs> {
  return withFlags(withCommon(y), SYNTH_FLAGS).check((a) =>
    a.out !== undefined || a.preview !== undefined ? true : 'give --out <dir> and/or --preview <file.png>',
  ) as unknown as Argv<T & SynthArgs>;
}

/** The `ppma synth` command. */
export const synthCommand: CommandModule<object, SynthArgs> = {
  command: 'synth',
  describe:
    'Generate the embedded mini-benchmark (virtual humans, masks, clean plates, manifests) or its contact sheet',
  builder: (y) =>
    withSynth(y)
      .example('$0 synth --out data/mini --preset tiny --seed 0', 'the default benchmark')
      .example('$0 synth --preview actions.png', 'one clip per action in both styles') as never,
  handler: async (argv) => {
    const synth = await import('@ppma/synth');
    const result: Record<string, unknown> = {};
    const lines: string[] = [];
    if (argv.preview !== undefined) {
      const png = synth.renderContactSheet({ seed: argv.seed, size: argv['preview-size'] });
      const file = resolve(argv.preview);
      await writeFile(file, png);
      Object.assign(result, { preview: file, bytes: png.length });
      lines.push(`contact sheet: ${file} (${png.length} bytes)`);
    }
    if (argv.out !== undefined) {
      const { createProgress } = await import('@ppma/core');
      let bar: ReturnType<typeof createProgress> | undefined;
      const res = await synth.generateBenchmark({
        preset: argv.preset,
        seed: argv.seed,
        out: argv.out,
        datasets: argv.datasets,
        onProgress: (done, total) => {
          bar ??= createProgress({ label: 'synth', total, unit: 'clip' });
          bar.tick(1);
        },
      });
      bar?.stop();
      const datasets = res.index.datasets.map((d) => ({
        name: d.name,
        kind: d.kind,
        classes: d.classes.length,
        sceneObjectBias: d.sceneObjectBias,
        train: d.clips.train,
        val: d.clips.val,
      }));
      Object.assign(result, {
        out: resolve(argv.out),
        index: res.indexFile,
        clips: res.clips,
        files: res.files,
        seconds: res.seconds,
        clipsPerSecond: res.clipsPerSecond,
        datasets,
      });
      lines.push(
        ...datasets.map(
          (d) =>
            `${d.name.padEnd(20)} ${d.kind.padEnd(19)} ${String(d.classes).padStart(2)} classes  bias ${d.sceneObjectBias.toFixed(2)}  ${d.train} train / ${d.val} val`,
        ),
        `${res.clips} clips (${res.files} files) in ${res.seconds.toFixed(1)} s, ${res.clipsPerSecond.toFixed(1)} clips/s -> ${res.indexFile}`,
      );
    }
    output(argv, result, lines.join('\n'));
  },
};
