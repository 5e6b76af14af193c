/**
 * Feature extraction for linear probing (docs/ARCHITECTURE.md §3, §5): the frozen trunk's pooled features
 * `fc_norm(mean over tokens)` of every view, computed once and cached on disk, with TF.js
 * (`VideoViT.features`) or, faster, the exported encoder in onnxruntime-node.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createProgress, readSafetensors, writeSafetensors } from '@ppma/core';
import { skipReason, viewsPerVideo, type Manifest, type SkippedVideo, type ViewSpec } from '@ppma/video-io';

import { exportOnnx, loadOnnx, type VideoViT } from '@ppma/vit';
import { match } from 'ts-pattern';
import { prefetchViews, viewKey, type FeatureMemo, type ViewCache } from './view-cache.js';

export type { SkippedVideo } from '@ppma/video-io';
export type { FeatureMemo, ViewCache } from './view-cache.js';

/** Which engine computes features: `auto` picks onnx when onnxruntime-node loads, else tfjs. */
export type FeatureEngine = 'tfjs' | 'onnx' | 'auto';

/** A hash of the trunk weights (heads excluded): feature caches are only reused for the same trunk. */
export function trunkFingerprint(model: VideoViT): string {
  const h = createHash('sha256');
  for (const [name, t] of [...model.stateDict()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (name.startsWith('head.') || name.startsWith('heads.')) continue;
    h.update(name);
    h.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  }
  return h.digest('hex').slice(0, 16);
}

/** Turns `[count, T, H, W, 3]` pixel clips in [0, 1] into `[count, D]` features. */
export interface FeatureExtractor {
  readonly engine: 'tfjs' | 'onnx';
  readonly dim: number;
  /** {@link trunkFingerprint} of the model it runs. */
  readonly fingerprint: string;
  extract(clips: Float32Array, count: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

function tfjsExtractor(model: VideoViT, batch: number): FeatureExtractor {
  const { frames: T, height: H, width: W, dim } = model.config;
  const per = T * H * W * 3;
  return {
    engine: 'tfjs',
    dim,
    fingerprint: trunkFingerprint(model),
    async extract(clips, count) {
      const out = new Float32Array(count * dim);
      for (let s = 0; s < count; s += batch) {
        const n = Math.min(batch, count - s);
        const f = tf.tidy(() => model.features(tf.tensor5d(clips.subarray(s * per, (s + n) * per), [n, T, H, W, 3]))); // [n, D]
        out.set(await f.data(), s * dim);
        f.dispose();
      }
      return out;
    },
    async dispose() {},
  };
}

/**
 * Builds an extractor over the (frozen) trunk of `model`. The onnx engine exports the encoder to
 * `<workDir>/encoder.onnx` first.
 */
export async function createFeatureExtractor(
  model: VideoViT,
  options: { engine?: FeatureEngine; workDir: string; batch?: number },
): Promise<FeatureExtractor> {
  const batch = options.batch ?? 8;
  const engine = options.engine ?? 'auto';
  const onnx = async (): Promise<FeatureExtractor> => {
    await mkdir(options.workDir, { recursive: true });
    const file = join(options.workDir, 'encoder.onnx');
    await exportOnnx(model, file, { encoderOnly: true });
    const enc = await loadOnnx(file, { batchSize: batch });
    return {
      engine: 'onnx',
      dim: model.config.dim,
      fingerprint: trunkFingerprint(model),
      extract: (clips) => enc.encode(clips),
      async dispose() {
        await enc.dispose();
        await rm(file, { force: true });
      },
    };
  };
  return match(engine)
    .with('tfjs', () => tfjsExtractor(model, batch))
    .with('onnx', () => onnx())
    .with('auto', async () => {
      try {
        return await onnx();
      } catch {
        return tfjsExtractor(model, batch);
      }
    })
    .exhaustive();
}

/** Features of a split: `[videos * views, D]`, with the label of each video. */
export interface SplitFeatures {
  readonly features: Float32Array;
  readonly labels: Int32Array;
  /** The video of each row group, in order (skipped videos left out). */
  readonly paths: readonly string[];
  readonly views: number;
  readonly dim: number;
  readonly skipped: SkippedVideo[];
}

/** Options of {@link extractSplitFeatures}. */
export interface ExtractOptions {
  /** Safetensors file of the split's features (reused when written for the same trunk, videos and views). */
  readonly cacheFile?: string;
  readonly label?: string;
  readonly progress?: boolean;
  /** Decoded views (default: the process-wide cache of `view-cache.ts`). */
  readonly views?: ViewCache;
  /**
   * Per-video features of the same trunk, engine and views computed earlier in the process (a
   * frozen trunk gives the same features for every seed and for the leakage probes): read, and
   * filled with what is computed. Off by default (a fine-tuned model is evaluated once).
   */
  readonly memo?: FeatureMemo;
}

/**
 * Extracts the multi-view features of every video of `manifest` (cached in `cacheFile`; a cache
 * written for another trunk, other videos or other view settings is recomputed). Videos that fail to decode are skipped and listed.
 */
export async function extractSplitFeatures(
  manifest: Manifest,
  extractor: FeatureExtractor,
  spec: ViewSpec,
  options: ExtractOptions = {},
): Promise<SplitFeatures> {
  const views = viewsPerVideo(spec);
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        spec,
        videos: manifest.entries.map((e) => `${e.path}:${e.label}`),
        trunk: extractor.fingerprint,
      }),
    )
    .digest('hex');
  if (options.cacheFile && existsSync(options.cacheFile)) {
    const { tensors, metadata } = await readSafetensors(options.cacheFile);
    const f = tensors.get('features');
    const l = tensors.get('labels');
    if (metadata.key === key && f && l && metadata.paths) {
      return {
        features: f.data as Float32Array,
        labels: l.data as Int32Array,
        paths: JSON.parse(metadata.paths ?? '[]') as string[],
        views,
        dim: extractor.dim,
        skipped: JSON.parse(metadata.skipped ?? '[]') as SkippedVideo[],
      };
    }
  }
  const { frames: T, height: H, width: W } = spec;
  const per = T * H * W * 3;
  const chunks: Float32Array[] = [];
  const labels: number[] = [];
  const paths: string[] = [];
  const skipped: SkippedVideo[] = [];
  const bar = createProgress({
    label: options.label ?? 'features',
    total: manifest.entries.length,
    unit: 'video',
    enabled: options.progress,
  });
  try {
    const memoKeys = manifest.entries.map(
      (e) => `${extractor.engine}\u0000${extractor.fingerprint}\u0000${viewKey(e.path, spec)}`,
    );
    const remembered = memoKeys.map((k) => options.memo?.get(k));
    const decoded = prefetchViews(
      manifest.entries.map((e, i) => (remembered[i] ? null : e.path)),
      spec,
      options.views,
    );
    for (const [i, e] of manifest.entries.entries()) {
      let rows = remembered[i];
      if (!rows) {
        const block = await decoded(i);
        if (block instanceof Error) {
          skipped.push({ path: e.path, reason: skipReason(block) });
          bar.tick();
          continue;
        }
        const pixels = new Float32Array(views * per);
        for (let j = 0; j < pixels.length; j++) pixels[j] = block[j] / 255;
        rows = await extractor.extract(pixels, views); // [views, D]
        options.memo?.set(memoKeys[i], rows);
      }
      chunks.push(rows);
      labels.push(e.label);
      paths.push(e.path);
      bar.tick();
    }
  } finally {
    bar.stop();
  }
  const features = new Float32Array(labels.length * views * extractor.dim);
  chunks.forEach((c, i) => features.set(c, i * c.length));
  const out = { features, labels: Int32Array.from(labels), paths, views, dim: extractor.dim, skipped };
  if (options.cacheFile) {
    await writeSafetensors(
      options.cacheFile,
      {
        features: { dtype: 'F32', shape: [labels.length * views, extractor.dim], data: features },
        labels: { dtype: 'I32', shape: [labels.length], data: out.labels },
      },
      { key, skipped: JSON.stringify(skipped), paths: JSON.stringify(paths) },
    );
  }
  return out;
}
