/**
 * `ppma review`: a local web page for signing off human removal (docs/ARCHITECTURE.md §7 "Privacy
 * audit"). Serves the review of a remove-humans output folder on 127.0.0.1 until interrupted;
 * every verdict is in `<in>/review.json` as soon as it is marked. `--summary` prints the summary
 * without a browser. Output shape of `--summary --json`: the ReviewSummary {"videos","reviewed",
 * "counts":{"clean","residual-person","artifact"},"manualClean":{"k","n","rate","lo","hi","level",
 * "method":"wilson"},"artifact","manualCleanAudited","auditClean","auditDetectors","notAudited",
 * "disagreements":[{"id","manual","audit","note"}],"next"}.
 */
import type { CommandModule } from 'yargs';
import { z } from 'zod';
import { withFlags } from '../flags.js';
import type { FlagValues } from '../flags.js';
import { output, withCommon } from '../options.js';
import type { CommonOptions } from '../options.js';

/** The flags of `ppma review`, declared once (type, help text, default). */
export const REVIEW_FLAGS = {
  in: z.string().describe('Output folder of a remove-humans run'),
  port: z.number().default(7317).describe('Port on 127.0.0.1 (0: any free port)'),
  sample: z
    .number()
    .optional()
    .describe('Review a spread, seeded sample of N videos (stored in review.json; --seed picks it)'),
  summary: z
    .boolean()
    .default(false)
    .describe('Print the summary (manual clean rate, audit rate, disagreements) and exit'),
};

/** Flags of `ppma review`. */
export type ReviewArgs = CommonOptions & FlagValues<typeof REVIEW_FLAGS>;

/** The `ppma review` command. */
export const reviewCommand: CommandModule<object, ReviewArgs> = {
  command: 'review',
  describe: 'Review human removal in the browser: input and output side by side, verdicts saved to review.json',
  builder: (y) =>
    withFlags(withCommon(y), REVIEW_FLAGS)
      .example('$0 review --in nh/ --sample 150', 'review a spread sample of 150 videos')
      .example('$0 review --in nh/ --summary', 'print the manual clean rate beside the audit') as never,
  handler: async (argv) => {
    const review = await import('@ppma/review');
    const { definedOnly } = await import('@ppma/core');
    const sampleOpts = { ...definedOnly({ sample: argv.sample }), seed: argv.seed };
    if (argv.summary) {
      const s = await review.reviewSummary(argv.in, sampleOpts);
      output(argv, s, review.formatSummary(s));
      return;
    }
    const srv = await review.startReviewServer({ dir: argv.in, port: argv.port, ...sampleOpts });
    output(
      argv,
      { url: srv.url, videos: srv.videos.length, reviewFile: srv.store.file },
      `reviewing ${srv.videos.length} videos at ${srv.url} (verdicts in ${srv.store.file}); Ctrl-C stops`,
    );
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void srv.close().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  },
};
