/**
 * Top-1 evaluation with multi-view testing (docs/ARCHITECTURE.md §5 "Downstream": 2 clips x 3 crops, softmax
 * averaged over the views of a video).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createProgress } from '@ppma/core';
import { toTensor, type ClipLike, type ClipStore } from '@ppma/video-io';
import type { VideoViT } from '@ppma/vit';
import { evalViews } from './augment.js';

/** Options of {@link evaluateTop1}. */
export interface EvalOptions {
  /** Temporal clips per video (paper 2; default 1). */
  readonly numClips?: number;
  /** Spatial crops per clip: 1 (centre) or 3 (paper; default 1). */
  readonly numCrops?: 1 | 3;
  /** Views per forward pass (default 16). */
  readonly batchSize?: number;
  /** Head to evaluate (default: the model's first). */
  readonly head?: string;
  readonly progress?: boolean;
}

/** What {@link evaluateTop1} returns. */
export interface EvalResult {
  /** Top-1 accuracy in [0, 1] over the videos that decoded. */
  readonly top1: number;
  /** Videos evaluated. */
  readonly count: number;
  /** Videos that failed to decode (listed in the store's `skipped`). */
  readonly failed: number;
  /** Predicted label id per evaluated video (store order). */
  readonly predictions: number[];
}

/** Top-1 accuracy of `model` on every video of `store`. */
export async function evaluateTop1(model: VideoViT, store: ClipStore, options: EvalOptions = {}): Promise<EvalResult> {
  const numClips = options.numClips ?? 1;
  const crops = options.numCrops ?? 1;
  const perVideo = numClips * crops;
  const batchVideos = Math.max(1, Math.floor((options.batchSize ?? 16) / perVideo));
  const size = { height: model.config.height, width: model.config.width };
  let correct = 0;
  let count = 0;
  let failed = 0;
  const predictions: number[] = [];
  const bar = createProgress({ label: 'eval', total: store.size, unit: 'video', enabled: options.progress });
  try {
    for (let i0 = 0; i0 < store.size; i0 += batchVideos) {
      const views: ClipLike[] = [];
      const ids: number[] = [];
      for (let i = i0; i < Math.min(store.size, i0 + batchVideos); i++) {
        const clips = await store.evalClips(i, numClips);
        if (!clips) {
          failed++;
          continue;
        }
        for (const c of clips) views.push(...evalViews(c, size, crops));
        ids.push(i);
      }
      if (ids.length === 0) continue;
      const x = toTensor(views); // [V, T, H, W, 3]
      const pred = tf.tidy(() => {
        const logits = model.forward(x, { head: options.head }).logits; // [V, K]
        const probs = tf.reshape(tf.softmax(logits), [ids.length, perVideo, -1]); // [n, views, K]
        return tf.argMax(tf.mean(probs, 1), 1); // [n]
      });
      x.dispose();
      const p = Array.from(await pred.data());
      pred.dispose();
      ids.forEach((i, k) => {
        predictions.push(p[k]);
        if (p[k] === store.label(i)) correct++;
        count++;
      });
      bar.tick(ids.length);
    }
  } finally {
    bar.stop();
  }
  return { top1: count ? correct / count : NaN, count, failed, predictions };
}

/** Evaluates every validation store with its dataset's head; results by dataset index. */
export async function evaluateAll(
  model: VideoViT,
  valStores: ReadonlyMap<number, ClipStore>,
  datasets: readonly { readonly name: string }[],
  options: EvalOptions = {},
): Promise<Map<number, EvalResult>> {
  const out = new Map<number, EvalResult>();
  for (const [i, vs] of valStores) out.set(i, await evaluateTop1(model, vs, { ...options, head: datasets[i].name }));
  return out;
}
