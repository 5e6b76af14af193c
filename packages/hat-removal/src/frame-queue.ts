/**
 * A push-fed async iterable of frames: lets one loop feed a second encoder (the mask video) while
 * it yields into the first (docs/ARCHITECTURE.md §7, step 5). `fail` makes the reader throw, so an
 * encoder fed from it never publishes a partial file.
 */
export class FrameQueue implements AsyncIterable<Uint8Array> {
  private readonly items: Uint8Array[] = [];
  private wake: (() => void) | null = null;
  private closed = false;
  private error: unknown = null;

  /** Queues one frame (copied, so the caller may reuse its buffer). */
  push(frame: Uint8Array): void {
    this.items.push(frame.slice());
    this.signal();
  }

  /** No more frames: the reader ends after the queued ones. */
  close(): void {
    this.closed = true;
    this.signal();
  }

  /** The reader throws `err` at its next read. */
  fail(err: unknown): void {
    this.error = err ?? new Error('frame queue failed');
    this.signal();
  }

  private signal(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      if (this.error !== null) throw this.error;
      const f = this.items.shift();
      if (f) yield f;
      else if (this.closed) return;
      else await new Promise<void>((r) => (this.wake = r));
    }
  }
}
