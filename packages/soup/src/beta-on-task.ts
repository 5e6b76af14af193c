/**
 * The learned-beta soup on a task (PPMA §4.5, Table 6; docs/ARCHITECTURE.md §5 "Soup", "Downstream"): one
 * centred clip per training video through the frozen ingredients while the mixing proportions and
 * a linear head learn ({@link learnBeta}), then the written soup evaluated on the validation split
 * with the protocol every other model gets (`numClips` x `numCrops` views per video, 2 x 3 by
 * default, softmax averaged over the views), with its top-5 per video.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, createProgress } from '@ppma/core';
import {
  averageSoftmax,
  loadViewBlock,
  skipReason,
  top1,
  topK,
  viewsPerVideo,
  type ClipPrediction,
  type Manifest,
  type SkippedVideo,
  type ViewSpec,
} from '@ppma/video-io';
import { VideoViT } from '@ppma/vit';
import type { BetaMode } from './beta-soup.js';
import { learnBeta, type LabelledClips, type LearnBetaResult } from './learn-beta.js';
import { readTrunk } from './trunk-checkpoint.js';

/** Options of {@link learnBetaOnTask}. */
export interface BetaOnTaskOptions {
  /** The ingredient checkpoints (same architecture; heads ignored). */
  readonly models: readonly string[];
  readonly mode?: BetaMode;
  readonly train: Manifest;
  readonly val?: Manifest;
  /** Output folder (`soup.safetensors`, `beta.json`, `beta.md`, run state). */
  readonly out: string;
  readonly seed: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly lr?: number;
  /** Validation views per video (default 2 clips x 3 crops, as every benchmark row). */
  readonly views?: { readonly numClips: number; readonly numCrops: 1 | 3 };
  /** Frame stride inside a window (default 1). */
  readonly stride?: number;
  readonly resume?: boolean;
  readonly progress?: boolean;
  /**
   * The task's clips decoded once by {@link decodeTaskViews} (same ingredients' geometry, manifests,
   * views and stride): reused across seeds instead of decoding again. Results are identical.
   */
  readonly decoded?: TaskViews;
}

/** A task's decoded clips: one centred clip per training video, and the validation views. */
export interface TaskViews {
  /** What the clips were decoded for: checked against each run's options. */
  readonly key: string;
  readonly train: LabelledClips & { readonly paths: string[]; readonly skipped: SkippedVideo[] };
  readonly val: (LabelledClips & { readonly paths: string[]; readonly skipped: SkippedVideo[] }) | null;
  readonly spec: ViewSpec;
}

/** What {@link learnBetaOnTask} returns: the probe's result, validation with the full protocol, and skips. */
export interface BetaOnTaskResult extends LearnBetaResult {
  /** Multi-view top-1 of the soup on the validation split (replaces the probe's single-view figure). */
  readonly valTop1?: number;
  readonly predictions: readonly ClipPrediction[];
  readonly skipped: readonly SkippedVideo[];
}

/** Decodes the views of one video as a `[views, T, H, W, 3]` block (default `@ppma/video-io`'s `loadViewBlock`). */
export type ViewBlockLoader = (path: string, spec: ViewSpec) => Promise<Uint8Array>;

async function viewsOf(
  m: Manifest,
  spec: ViewSpec,
  label: string,
  progress?: boolean,
  load: ViewBlockLoader = loadViewBlock,
) {
  const per = viewsPerVideo(spec) * spec.frames * spec.height * spec.width * 3;
  const blocks: Uint8Array[] = [];
  const labels: number[] = [];
  const paths: string[] = [];
  const skipped: SkippedVideo[] = [];
  const bar = createProgress({ label, total: m.entries.length, unit: 'video', enabled: progress });
  try {
    // The next videos decode (ffmpeg runs in its own process) while this one is read: same blocks, in order.
    const settled = (i: number) =>
      load(m.entries[i].path, spec).then(
        (b) => b,
        (err: unknown) => ({ err }),
      );
    const pending = m.entries.slice(0, 2).map((_, i) => settled(i));
    for (const [i, e] of m.entries.entries()) {
      const r = await pending[i];
      if (i + 2 < m.entries.length) pending.push(settled(i + 2));
      if (r instanceof Uint8Array) {
        blocks.push(r);
        labels.push(e.label);
        paths.push(e.path);
      } else skipped.push({ path: e.path, reason: skipReason(r.err) });
      bar.tick(1);
    }
  } finally {
    bar.stop();
  }
  const clips = new Uint8Array(blocks.length * per);
  blocks.forEach((b, i) => clips.set(b, i * per));
  return { clips, labels: Int32Array.from(labels), paths, skipped };
}

/** Multi-view evaluation of a VideoViT checkpoint on views `[videos * views, T, H, W, 3]`. */
function evaluate(vit: VideoViT, v: LabelledClips & { paths: string[] }, spec: ViewSpec, classes: number) {
  const views = viewsPerVideo(spec);
  const per = spec.frames * spec.height * spec.width * 3;
  const rows = v.labels.length * views;
  const logits = new Float32Array(rows * classes);
  for (let i = 0; i < rows; i += 16) {
    const j = Math.min(rows, i + 16);
    const out = tf.tidy(() => {
      const x = tf.div(
        tf.tensor(v.clips.subarray(i * per, j * per), [j - i, spec.frames, spec.height, spec.width, 3], 'float32'),
        255,
      ) as tf.Tensor5D; // [b, T, H, W, 3]
      return vit.forward(x).logits; // [b, C]
    });
    logits.set(out.dataSync(), i * classes);
    out.dispose();
  }
  const probs = averageSoftmax(logits, v.labels.length, views, classes);
  const top = topK(probs, v.labels.length, classes, 5);
  return {
    top1: top1(probs, v.labels, classes).top1,
    predictions: v.paths.map((clip, k) => ({ clip, label: v.labels[k], top5: top[k] })),
  };
}

type DecodeOptions = Pick<BetaOnTaskOptions, 'models' | 'train' | 'val' | 'views' | 'stride' | 'progress'> & {
  /**
   * How a video's views are decoded (default `loadViewBlock`). Pass a caching loader (e.g.
   * `@ppma/bench`'s `cachedViewBlock`) to reuse the views the benchmark decoded: the blocks are
   * the same, so are the results.
   */
  readonly loadBlock?: ViewBlockLoader;
};

async function viewsKey(o: DecodeOptions): Promise<{ key: string; geometry: Omit<ViewSpec, 'numClips' | 'numCrops'> }> {
  const { config: c } = await readTrunk(o.models[0]);
  const geometry = { frames: c.frames, height: c.height, width: c.width, stride: o.stride ?? 1 };
  const paths = (m?: Manifest) => (m ? m.entries.map((e) => `${e.path}:${e.label}`) : null);
  const key = JSON.stringify({ geometry, views: o.views ?? null, train: paths(o.train), val: paths(o.val) });
  return { key, geometry };
}

/**
 * Decodes a task's clips for {@link learnBetaOnTask} once (docs/ARCHITECTURE.md §5 "Soup"): one
 * centred clip per training video and the validation views, at the first ingredient's geometry.
 * Pass the result as `decoded` to every seed's run.
 */
export async function decodeTaskViews(o: DecodeOptions): Promise<TaskViews> {
  const { key, geometry } = await viewsKey(o);
  const one = { ...geometry, numClips: 1, numCrops: 1 } as const;
  const train = await viewsOf(o.train, one, 'beta soup: load train', o.progress, o.loadBlock);
  const spec: ViewSpec = { ...geometry, numClips: o.views?.numClips ?? 2, numCrops: o.views?.numCrops ?? 3 };
  const val = o.val ? await viewsOf(o.val, spec, 'beta soup: load val', o.progress, o.loadBlock) : null;
  return { key, train, val, spec };
}

/** Learns the soup's proportions on `train` and evaluates the soup on `val` with the common protocol. */
export async function learnBetaOnTask(o: BetaOnTaskOptions): Promise<BetaOnTaskResult> {
  const classes = o.train.labels.length;
  if (o.val && o.val.labels.length !== classes)
    throw new ConfigError('val', `has ${o.val.labels.length} classes, the training split ${classes}`);
  if (o.decoded && o.decoded.key !== (await viewsKey(o)).key)
    throw new ConfigError('decoded', 'was decoded for other manifests, views or geometry than this run');
  const views = o.decoded ?? (await decodeTaskViews(o));
  const train = views.train;
  const r = await learnBeta({
    models: o.models,
    mode: o.mode,
    train,
    numClasses: classes,
    out: o.out,
    epochs: o.epochs,
    batchSize: o.batchSize,
    lr: o.lr,
    seed: o.seed,
    resume: o.resume,
    progress: o.progress,
  });
  const val = views.val;
  if (!o.val || !val) return { ...r, predictions: [], skipped: train.skipped };
  const spec = views.spec;
  const vit = await VideoViT.load(r.checkpoint);
  try {
    const e = evaluate(vit, val, spec, classes);
    return { ...r, valTop1: e.top1, predictions: e.predictions, skipped: [...train.skipped, ...val.skipped] };
  } finally {
    vit.dispose();
  }
}
