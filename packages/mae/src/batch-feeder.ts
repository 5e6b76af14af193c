/**
 * Feeds the training loop one batch per step from the video-io data loader. The loader's order is
 * a function of (seed, epoch), so after a resume the feeder re-opens the epoch and skips to the
 * step the loop asks for: a resumed run sees exactly the batches of an uninterrupted one.
 */
import { createDataLoader, type Batch, type DataLoaderOptions } from '@ppma/video-io';

/** Returns the batch of a (epoch, step in epoch); steps must be asked for in order within an epoch. */
export class BatchFeeder {
  private epoch = -1;
  private position = 0;
  private iterator: AsyncIterator<Batch> | null = null;
  /** Inputs skipped by the loader, summed over epochs. */
  readonly skipped: string[] = [];

  constructor(private readonly options: Omit<DataLoaderOptions, 'epoch'>) {}

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
      onSkip: (p) => this.skipped.push(`${p.path}: ${p.reason}`),
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
