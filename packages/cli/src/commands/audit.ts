/**
 * `ppma audit`: re-detect people in the output of a removal run with detectors that the removal did
 * not use (by default two of nanodet, movenet-multipose and centernet, chosen from the run's
 * `removalModels`; docs/ARCHITECTURE.md §7). `--in <dir>` audits every video listed in `<dir>/report.json` (or the
 * shard reports); `--input a.mp4 --output b.mp4` audits one pair. Writes `audit.json` and a contact
 * sheet per video. Output shape with --json: the AuditReport {"detector","detectorLicence","minScore",
 * "videoFrameRate","videos":[{"name","input","output","frames","inputPersonRate","residualRate",
 * "residualFrames","outputPersons","hasResidual","psnr"?,"ssim"?,"sheet"}],"summary":{...}}.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { z } from 'zod';
import { withFlags } from '../flags.js';
import type { FlagValues } from '../flags.js';
import { DETECTORS } from '../enums.js';
import { output, startBackend, withCommon } from '../options.js';
import type { CommonOptions } from '../options.js';

/** The flags of `ppma audit`, declared once (type, help text, default, choices). */
export const AUDIT_FLAGS = {
  in: z.string().optional().describe('Output folder of a remove-humans run (reads its report.json)'),
  input: z.string().optional().describe('One original video (with --output)'),
  output: z.string().optional().describe('Its human-removed version (with --input)'),
  out: z.string().optional().describe('Where audit.json and the contact sheets go (default <in>/audit)'),
  detector: z
    .array(DETECTORS)
    .optional()
    .describe(
      'Audit detector(s), repeatable; default: two the removal did not use (nanodet and movenet-multipose after rvm + the CenterNet catch)',
    ),
  'min-score': z.number().default(0.5).describe('Detector score at which a person counts'),
};

/** Flags of `ppma audit`. */
export type AuditArgs = CommonOptions & FlagValues<typeof AUDIT_FLAGS>;

function withAudit<T>(y: Argv<T>): Argv<T & AuditArgs> {
  return withFlags(withCommon(y), AUDIT_FLAGS).check((a) =>
    a.in !== undefined || (a.input !== undefined && a.output !== undefined)
      ? true
      : 'give --in <dir>, or --input and --output',
  );
}

interface RunReport {
  readonly outputs: readonly { readonly input: string; readonly output: string }[];
  readonly removalModels?: readonly string[];
}

/** The `ppma audit` command. */
export const auditCommand: CommandModule<object, AuditArgs> = {
  command: 'audit',
  describe: 'Privacy audit: re-detect people in human-removed videos; residual rates, PSNR/SSIM, contact sheets',
  builder: (y) =>
    withAudit(y)
      .example('$0 audit --in nh/', 'audit a remove-humans run')
      .example('$0 audit --input clip.mp4 --output nh/clip.mp4 --out audit/', 'one pair') as never,
  handler: async (argv) => {
    await startBackend(argv, 'convolution');
    const { auditRemoval } = await import('@ppma/hat-removal');
    const { readSynthClean, synthCompanions } = await import('@ppma/synth');
    const { ConfigError } = await import('@ppma/core');
    let pairs: { name?: string; input: string; output: string }[];
    let removalModels: string[] = [];
    if (argv.in !== undefined) {
      const dir = path.resolve(argv.in);
      const reports = fs.existsSync(dir)
        ? fs.readdirSync(dir).filter((f) => /^report(\.shard-\d+-of-\d+)?\.json$/.test(f))
        : [];
      if (reports.length === 0) throw new ConfigError('in', `${dir} has no report.json of a remove-humans run`);
      const runs = reports.map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as RunReport);
      removalModels = [...new Set(runs.flatMap((r) => r.removalModels ?? ['rvm', 'centernet']))];
      const { auditItemName } = await import('../pipeline/stage-runs.js');
      // Named by the path under the run folder: same-named videos in different folders keep apart.
      pairs = runs.flatMap((r) =>
        r.outputs.map((o) => ({ name: auditItemName(o.output), input: o.input, output: path.join(dir, o.output) })),
      );
    } else pairs = [{ input: path.resolve(argv.input!), output: path.resolve(argv.output!) }];
    const outDir = path.resolve(argv.out ?? (argv.in !== undefined ? path.join(argv.in, 'audit') : '.'));
    const report = await auditRemoval({
      outDir,
      ...(argv.detector?.length ? { detectors: argv.detector } : {}),
      removalModels,
      minScore: argv['min-score'],
      items: pairs.map((p) => ({
        ...p,
        clean: async () => (synthCompanions(p.input).clean !== null ? readSynthClean(p.input) : null),
      })),
    });
    const s = report.summary;
    output(
      argv,
      report,
      [
        `${s.videos} videos, ${s.frames} frames: residual person (${report.detector} >= ${report.minScore}) in ${(100 * s.residualFrameRate).toFixed(1)}% of frames, ${(100 * s.residualVideoRate).toFixed(1)}% of videos`,
        `removed by: ${report.models.removal.join(', ') || 'unknown'}; audited by: ${report.models.audit.join(', ')}`,
        ...report.detectors.map(
          (d) =>
            `  ${d.name}${d.independent ? '' : ' (also used by the removal: not independent)'}: residual ${(100 * d.residualFrameRate).toFixed(1)}% of frames, person in ${(100 * d.inputPersonRate).toFixed(1)}% of input frames`,
        ),
        ...(report.caveat ? [`caveat: ${report.caveat}`] : []),
        ...(s.meanPsnr !== undefined
          ? [`inpainted region vs clean background: PSNR ${s.meanPsnr.toFixed(2)} dB, SSIM ${s.meanSsim!.toFixed(4)}`]
          : []),
        `report: ${path.join(outDir, 'audit.json')}`,
      ].join('\n'),
    );
  },
};
