/**
 * `review.json`: the reviewer's verdicts, kept in the removal output folder and rewritten
 * atomically (temp file, fsync, rename: `atomicWrite` of @ppma/core) after every mark, so a closed
 * tab or a killed server loses nothing and a restarted review continues where it stopped. It also
 * stores the sample (`--sample N --seed S`), so the reviewed set stays the same across restarts
 * even when more shards finish in the meantime.
 */
import fs from 'node:fs';
import path from 'node:path';
import { atomicWrite, ConfigError, ManifestError } from '@ppma/core';
import { z } from 'zod';
import { spreadSample } from './spread-sample.js';

/** The three verdicts. `residual-person`: someone is still visible; `artifact`: no person, but the fill is visibly wrong. */
export const VERDICTS = ['clean', 'residual-person', 'artifact'] as const;
/** A reviewer's verdict on one video. */
export type Verdict = (typeof VERDICTS)[number];

const markSchema = z.object({
  verdict: z.enum(VERDICTS),
  note: z.string().default(''),
  /** ISO time of the mark. */
  at: z.string(),
});
/** One stored verdict. */
export type Mark = z.infer<typeof markSchema>;

const fileSchema = z.object({
  format: z.literal('ppma-review/1'),
  sample: z.object({ size: z.number().int().positive(), seed: z.number(), videos: z.array(z.string()) }).nullable(),
  verdicts: z.record(z.string(), markSchema),
});
/** The content of `review.json`. */
export type ReviewFile = z.infer<typeof fileSchema>;

/** The file name inside the output folder. */
export const REVIEW_FILE = 'review.json';

/** Options of {@link ReviewStore.open}. */
export interface ReviewStoreOptions {
  /** Review a spread, seeded sample of this many videos (stored on first use). */
  readonly sample?: number;
  /** Seed of the sample (default 0). */
  readonly seed?: number;
}

/** The verdicts of one review, backed by `review.json`. */
export class ReviewStore {
  private data: ReviewFile;
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    /** Path of `review.json`. */
    readonly file: string,
    data: ReviewFile,
    /** The ids under review, in dataset order. */
    readonly ids: readonly string[],
  ) {
    this.data = data;
  }

  /**
   * Opens (or starts) the review of `allIds` in `dir`.
   * @throws ManifestError when `review.json` is malformed; ConfigError when `--sample`/`--seed`
   *   differ from the sample the review was started with.
   */
  static async open(dir: string, allIds: readonly string[], opts: ReviewStoreOptions = {}): Promise<ReviewStore> {
    const file = path.join(path.resolve(dir), REVIEW_FILE);
    let data: ReviewFile = { format: 'ppma-review/1', sample: null, verdicts: {} };
    if (fs.existsSync(file)) {
      let raw: unknown;
      try {
        raw = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (e) {
        throw new ManifestError(file, `not readable JSON (${(e as Error).message})`, { cause: e });
      }
      const r = fileSchema.safeParse(raw);
      if (!r.success) throw new ManifestError(file, `not a review file: ${z.prettifyError(r.error)}`);
      data = r.data;
    }
    const seed = opts.seed ?? 0;
    let fresh = false;
    if (opts.sample !== undefined) {
      const s = data.sample;
      if (s && (s.size !== opts.sample || s.seed !== seed))
        throw new ConfigError(
          'sample',
          `${file} was started with --sample ${s.size} --seed ${s.seed}; rerun with those (or without --sample), or move review.json away to start a new review`,
        );
      if (!s) {
        data = { ...data, sample: { size: opts.sample, seed, videos: spreadSample(allIds, opts.sample, seed) } };
        fresh = true;
      }
    }
    const known = new Set(allIds);
    const ids = data.sample ? data.sample.videos.filter((id) => known.has(id)) : [...allIds];
    const store = new ReviewStore(file, data, ids);
    if (fresh) await store.flush();
    return store;
  }

  /** The stored sample, or null when every video is reviewed. */
  get sample(): ReviewFile['sample'] {
    return this.data.sample;
  }

  /** The verdict of `id`, if marked. */
  get(id: string): Mark | undefined {
    return this.data.verdicts[id];
  }

  /** Every verdict, by id. */
  verdicts(): Readonly<Record<string, Mark>> {
    return this.data.verdicts;
  }

  /**
   * Sets (or, with `null`, clears) the verdict of `id` and writes `review.json` before resolving.
   * @throws ConfigError when `id` is not under review.
   */
  async mark(id: string, verdict: Verdict | null, note = ''): Promise<Mark | undefined> {
    if (!this.ids.includes(id)) throw new ConfigError('video', `${id} is not a video of this review`);
    const verdicts = { ...this.data.verdicts };
    let m: Mark | undefined;
    if (verdict === null) delete verdicts[id];
    else verdicts[id] = m = { verdict, note, at: new Date().toISOString() };
    this.data = { ...this.data, verdicts };
    await this.flush();
    return m;
  }

  /** Writes the current state (writes are queued, so they land in the order of the marks). */
  private flush(): Promise<void> {
    const text = JSON.stringify(this.data, null, 2) + '\n';
    const next = this.queue.then(() => atomicWrite(this.file, [text]));
    this.queue = next.catch(() => undefined);
    return next;
  }
}
