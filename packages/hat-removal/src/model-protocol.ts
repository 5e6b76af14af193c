/**
 * The messages between the main thread and a model worker (docs/ARCHITECTURE.md §7 "Throughput").
 * Every request carries an id; a reply names the request it answers.
 */
import type { BackendName } from '@ppma/core';
import type { SegmenterConfigs } from './create-segmenter.js';
import type { DetectionBox, FrameBatch, MaskBatch } from './frames.js';
import type { DetectorConfig, DetectorName, PersonDetector } from './person-detector.js';
import type { SegmenterInfo, SegmenterName } from './segmenter.js';

/** What a worker runs: a segmenter or a person detector, by name and (structured-clonable) config. */
export type WorkerModel =
  | { readonly kind: 'segmenter'; readonly name: SegmenterName; readonly config: SegmenterConfigs[SegmenterName] }
  | { readonly kind: 'detector'; readonly name: DetectorName; readonly config: DetectorConfig };

/** A request to a model worker. */
export type WorkerRequest =
  | {
      readonly type: 'init';
      readonly id: number;
      readonly model: WorkerModel;
      /** The main thread's backend, or null when it has none yet (the worker then picks as `initBackend()` does). */
      readonly backend: { readonly backend: BackendName; readonly threads: number } | null;
      /**
       * When present, `backend` is only a preference: if it fails to start, the worker uses this one
       * (the main thread's; null: as `initBackend()` picks).
       */
      readonly fallback?: { readonly backend: BackendName; readonly threads: number } | null;
    }
  | { readonly type: 'segment'; readonly id: number; readonly frames: FrameBatch }
  | { readonly type: 'detect'; readonly id: number; readonly frames: FrameBatch }
  | { readonly type: 'reset'; readonly id: number }
  | { readonly type: 'dispose'; readonly id: number };

/** A request as the caller writes it (the worker proxy adds the id). */
export type UnsentRequest = {
  [K in WorkerRequest['type']]: Omit<Extract<WorkerRequest, { type: K }>, 'id'>;
}[WorkerRequest['type']];

/** A reply of a model worker. */
export type WorkerReply =
  | {
      readonly type: 'ready';
      readonly id: number;
      readonly info: SegmenterInfo | PersonDetector['info'];
      /** The backend the worker runs on, as `formatBackend` prints it. */
      readonly backend: string;
    }
  | { readonly type: 'frame'; readonly id: number }
  | { readonly type: 'masks'; readonly id: number; readonly masks: MaskBatch; readonly warmupSeconds: number }
  | { readonly type: 'boxes'; readonly id: number; readonly boxes: DetectionBox[][] }
  | { readonly type: 'error'; readonly id: number; readonly message: string; readonly code: string };
