/**
 * One batch per training step from a manifest (docs/ARCHITECTURE.md §6): the videos are loaded once per
 * run into a {@link ClipStore} (decoded whole into memory when the set fits the budget, each window
 * decoded on demand otherwise), and each epoch's data loader cuts its random windows from that
 * store while the loader prefetches the next batches. The order is a function of (seed, epoch),
 * so after a resume the feeder re-opens the epoch and skips to the step the loop asks for: a
 * resumed run sees exactly the batches of an uninterrupted one.
 */
import { ClipStore, type ClipCachePolicy } from './clip-store.js';
import { createDataLoader, type Batch, type DataLoaderOptions } from './data-loader.js';
import type { SkippedVideo } from './skipped-video.js';

/** Options of {@link BatchFeeder.open}. */
export interface BatchFeederOptions extends Omit<DataLoaderOptions, 'epoch' | 'store' | 'onSkip'> {
  /** How decoded videos are kept (default `auto`: in memory when they fit `memoryBudget`). */
  readonly policy?: ClipCachePolicy;
  /** Bytes of decoded video the `auto` policy may hold (default 2 GiB). */
  readonly memoryBudget?: number;
  readonly progress?: boolean;
  readonly label?: string;
}

/** Returns the batch of a (epoch, step in epoch); steps must be asked for in order within an epoch. */
export class BatchFeeder {
  private epoch = -1;
  private position = 0;
  private iterator: AsyncIterator<Batch> | null = null;
  /** Inputs skipped by the loader, summed over epochs. */
  readonly skipped: SkippedVideo[] = [];

  private constructor(
    private readonly options: BatchFeederOptions,
    /** The run's clip store (null when a disk clip cache serves every clip). */
    readonly store: ClipStore | null,
  ) {}

  /** Loads the run's clip store (probing every video, and decoding it when the policy keeps it in memory). */
  static async open(o: BatchFeederOptions): Promise<BatchFeeder> {
    const shortSide = o.shortSide ?? (o.mode === 'train' ? Math.round((o.size * 8) / 7) : o.size);
    const store = o.cache
      ? null
      : await ClipStore.load(
          o.manifest,
          { frames: o.frames, stride: o.stride, shortSide },
          {
            cache: o.policy,
            memoryBudget: o.memoryBudget,
            concurrency: o.concurrency,
            progress: o.progress,
            label: o.label ?? 'load clips',
          },
        );
    return new BatchFeeder({ ...o, shortSide }, store);
  }

  async get(epoch: number, stepInEpoch: number): Promise<Batch | null> {
    if (epoch !== this.epoch || stepInEpoch < this.position) await this.open(epoch);
    while (this.position < stepInEpoch) {
      const r = await this.iterator!.next(); // fast-forward after a resume
      this.position++;
      if (r.done) return null;
    }
    const r = await this.iterator!.next();
    this.position++;
    return r.done ? null : r.value;
  }

  private async open(epoch: number): Promise<void> {
    await this.close();
    const loader = createDataLoader({
      ...this.options,
      epoch,
      store: this.store ?? undefined,
      onSkip: (p) => this.skipped.push({ path: p.path, reason: p.reason }),
    });
    this.iterator = loader[Symbol.asyncIterator]();
    this.epoch = epoch;
    this.position = 0;
  }

  async close(): Promise<void> {
    await this.iterator?.return?.();
    this.iterator = null;
  }
}
