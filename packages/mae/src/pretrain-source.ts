/**
 * Where MAE pre-training gets its clips (docs/ARCHITECTURE.md §5, §6): a manifest through `@ppma/video-io`'s
 * {@link BatchFeeder} (each video decoded once per run when the set fits in memory), or clips
 * already in memory. Both give the batch of (epoch, step in epoch) in a (seed, epoch) order.
 */
import path from 'node:path';
import { match } from 'ts-pattern';
import { Rng } from '@ppma/core';
import { BatchFeeder, resolveManifest, type ClipLike, type SkippedVideo } from '@ppma/video-io';
import type { MaeData } from './pretrain.js';

/** The clips of a pre-training run. */
export interface MaeSource {
  /** Videos in the data set. */
  readonly count: number;
  /** Provenance for the checkpoint metadata. */
  readonly info: Record<string, unknown>;
  /** The clips of step `k` of `epoch` (null when the epoch has no full batch left). */
  next(epoch: number, k: number): Promise<ClipLike[] | null>;
  close(): Promise<void>;
  readonly skipped: SkippedVideo[];
}

/** The geometry and order of the batches. */
export interface MaeSourceOptions {
  readonly frames: number;
  /** Side of the square clips. */
  readonly size: number;
  /** Videos per batch. */
  readonly videos: number;
  readonly seed: number;
  readonly progress?: boolean;
}

/** Opens the clips of `data`. */
export async function openMaeSource(data: MaeData, s: MaeSourceOptions): Promise<MaeSource> {
  return match(data)
    .with({ kind: 'manifest' }, async (d) => {
      const manifest = await resolveManifest(d.manifest, { allowOutsideRoot: d.allowOutsideRoot });
      const feeder = await BatchFeeder.open({
        manifest,
        batchSize: s.videos,
        frames: s.frames,
        size: s.size,
        mode: 'train',
        seed: s.seed,
        cache: d.cache,
        policy: d.policy,
        memoryBudget: d.memoryBudget,
        concurrency: d.concurrency,
        progress: s.progress,
        label: 'mae: load clips',
      });
      return {
        count: manifest.entries.length,
        info: {
          manifest: typeof d.manifest === 'string' ? path.resolve(d.manifest) : '(in memory)',
          videos: manifest.entries.length,
        },
        next: async (epoch: number, k: number) => feeder.get(epoch, k).then((b) => (b ? clipsOfBatch(b) : null)),
        close: () => feeder.close(),
        skipped: feeder.skipped,
      };
    })
    .with({ kind: 'clips' }, async (d) => {
      const next = async (epoch: number, k: number): Promise<ClipLike[] | null> => {
        const order = new Rng(s.seed).split('order', epoch).permutation(d.clips.length);
        const pick = order.slice(k * s.videos, (k + 1) * s.videos);
        return pick.length === s.videos ? pick.map((i) => d.clips[i]) : null;
      };
      return {
        count: d.clips.length,
        info: { manifest: '(in-memory clips)', videos: d.clips.length },
        next,
        close: async () => undefined,
        skipped: [] as SkippedVideo[],
      };
    })
    .exhaustive();
}

function clipsOfBatch(b: {
  clips: Uint8Array;
  batchSize: number;
  frames: number;
  height: number;
  width: number;
}): ClipLike[] {
  const per = b.frames * b.height * b.width * 3;
  return Array.from({ length: b.batchSize }, (_, i) => ({
    data: b.clips.subarray(i * per, (i + 1) * per),
    frames: b.frames,
    height: b.height,
    width: b.width,
  }));
}
