/**
 * The batches of stage 2 (docs/ARCHITECTURE.md §5 "Stage 2"): step `s` belongs to epoch `s / stepsPerEpoch`,
 * whose single-dataset schedule comes from the (seed, epoch) stream; its windows and augmentation
 * come from the (seed, step) stream, so a resumed run replays the same batches. The next step's
 * batch is prepared while the current step trains.
 */
import type { Rng } from '@ppma/core';
import type { ClipLike, ClipStore } from '@ppma/video-io';
import type { AlignRecipe } from './align-options.js';
import { mixBatch, trainView, type FrameSize, type TrainBatch } from './augment.js';
import { epochSchedule, type ScheduledBatch } from './batch-schedule.js';

/** One prepared step: the batch (null when every clip of it failed to decode) and its dataset. */
export interface PreparedBatch {
  readonly batch: TrainBatch | null;
  readonly dataset: number;
}

/** Prepares the batch of any step, with one step of look-ahead. */
export class AlignBatches {
  private readonly schedules = new Map<number, ScheduledBatch[]>();
  private readonly pending = new Map<number, Promise<PreparedBatch>>();

  constructor(
    private readonly stores: readonly ClipStore[],
    private readonly recipe: AlignRecipe,
    private readonly size: FrameSize,
    private readonly root: Rng,
    readonly stepsPerEpoch: number,
    private readonly totalSteps: number,
  ) {}

  /** The batch of `step`; starts preparing `step + 1`. */
  async take(step: number): Promise<PreparedBatch> {
    const p = this.fetch(step);
    this.pending.delete(step);
    if (step + 1 < this.totalSteps) void this.fetch(step + 1);
    return p;
  }

  private fetch(step: number): Promise<PreparedBatch> {
    let p = this.pending.get(step);
    if (!p) {
      p = this.prepare(step);
      p.catch(() => undefined);
      this.pending.set(step, p);
    }
    return p;
  }

  private scheduleAt(step: number): ScheduledBatch {
    const epoch = Math.floor(step / this.stepsPerEpoch);
    let s = this.schedules.get(epoch);
    if (!s) {
      s = epochSchedule(
        this.stores.map((x) => x.size),
        this.recipe.batchSize,
        this.root.split('epoch', epoch),
      );
      this.schedules.clear();
      this.schedules.set(epoch, s);
    }
    return s[step % this.stepsPerEpoch];
  }

  private async prepare(step: number): Promise<PreparedBatch> {
    const b = this.scheduleAt(step);
    const store = this.stores[b.dataset];
    const rng = this.root.split('step', step);
    // Windows are read two at a time (each from its own random stream, so the order of
    // completion does not matter); views are built in batch order.
    const clips: (ClipLike | null)[] = new Array(b.indices.length).fill(null);
    let next = 0;
    const worker = async () => {
      while (next < b.indices.length) {
        const k = next++;
        clips[k] = await store.trainClip(b.indices[k], rng.split('window', k));
      }
    };
    await Promise.all([worker(), worker()]);
    const views: ClipLike[] = [];
    const labels: number[] = [];
    for (const [k, idx] of b.indices.entries()) {
      const clip = clips[k];
      if (!clip) continue;
      views.push(trainView(clip, this.size, this.recipe.augment, rng.split('view', k)));
      labels.push(store.label(idx));
    }
    if (views.length === 0) return { batch: null, dataset: b.dataset };
    const aug = this.recipe.augment;
    return {
      batch: mixBatch(views, Int32Array.from(labels), store.numClasses, aug, rng.split('mix')),
      dataset: b.dataset,
    };
  }
}
