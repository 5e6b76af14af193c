/**
 * `ppma review`: a local web page for signing off human removal (docs/ARCHITECTURE.md §7 "Privacy
 * audit"). Serves the review of a remove-humans output folder on 127.0.0.1 until interrupted;
 * every verdict is in `<in>/review.json` as soon as it is marked. `--summary` prints the summary
 * without a browser. Output shape of `--summary --json`: the ReviewSummary {"videos","reviewed",
 * "counts":{"clean","residual-person","artifact"},"manualClean":{"k","n","rate","lo","hi","level",
 * "method":"wilson"},"artifact","manualCleanAudited","auditClean","auditDetectors","notAudited",
 * "disagreements":[{"id","manual","audit","note"}],"next"}.
 */
import type { Argv, CommandModule } from 'yargs';
import { output, withCommon } from '../options.js';
import type { CommonOptions } from '../options.js';

/** Flags of `ppma review`. */
export interface ReviewArgs extends CommonOptions {
  readonly in: string;
  readonly port: number;
  readonly sample: number | undefined;
  readonly summary: boolean;
}

function withReview<T>(y: Argv<T>): Argv<T & ReviewArgs> {
  return withCommon(y)
    .option('in', { type: 'string', demandOption: true, describe: 'Output folder of a remove-humans run' })
    .option('port', { type: 'number', default: 7317, describe: 'Port on 127.0.0.1 (0: any free port)' })
    .option('sample', {
      type: 'number',
      describe: 'Review a spread, seeded sample of N videos (stored in review.json; --seed picks it)',
    })
    .option('summary', {
      type: 'boolean',
      default: false,
      describe: 'Print the summary (manual clean rate, audit rate, disagreements) and exit',
    }) as unknown as Argv<T & ReviewArgs>;
}

/** The `ppma review` command. */
export const reviewCommand: CommandModule<object, ReviewArgs> = {
  command: 'review',
  describe: 'Review human removal in the browser: input and output side by side, verdicts saved to review.json',
  builder: (y) =>
    withReview(y)
      .example('$0 review --in nh/ --sample 150', 'review a spread sample of 150 videos')
      .example('$0 review --in nh/ --summary', 'print the manual clean rate beside the audit') as never,
  handler: async (argv) => {
    const review = await import('@ppma/review');
    const sampleOpts = { ...(argv.sample !== undefined ? { sample: argv.sample } : {}), seed: argv.seed };
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
