/**
 * The fine-tuning (FT) protocol (docs/ARCHITECTURE.md §5): the whole model trains on the task, with the
 * paper's recipe scaled by the preset. Supervised training itself is `@ppma/align`'s `alignModel`
 * run on a single dataset (one head, named after the task); this module maps the settings and
 * hands back the trained model for multi-view evaluation.
 */
import type { Manifest } from '@ppma/video-io';
import type { VideoViT } from '@ppma/vit';
import type { BenchModel } from '../models.js';
import type { EvalSettings, FtSettings } from '../settings.js';
import type { CurvePoint } from './curves.js';

/** What a fine-tuning run receives. */
export interface FinetuneRequest {
  readonly model: BenchModel;
  readonly task: string;
  readonly train: Manifest;
  readonly val: Manifest;
  readonly classes: number;
  readonly settings: FtSettings;
  readonly eval: EvalSettings;
  /** Run folder (checkpoints, metrics). */
  readonly runDir: string;
  readonly seed: number;
  readonly resume: boolean;
  /** Progress bars (default: on unless `PPMA_PROGRESS=0`). */
  readonly progress: boolean | undefined;
}

/** What a fine-tuning run returns: the trained model (caller disposes) and the head to read. */
export interface FinetuneResult {
  readonly model: VideoViT;
  /** Head name in the model (`''` for `head.*`). */
  readonly head: string;
  readonly curve: CurvePoint[];
}

/** A fine-tuning implementation (the default runs `alignModel`; tests may pass their own). */
export type Finetuner = (request: FinetuneRequest) => Promise<FinetuneResult>;
