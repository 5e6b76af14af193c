/**
 * @ppma/video-io: probing, decoding and encoding video with ffmpeg; clip sampling; frame transforms
 * and augmentations; dataset manifests; the decoded-clip cache; the data loader.
 */
export { bundledFfmpeg, findFfmpeg } from './ffmpeg-bin.js';
export type { FfmpegBinaries } from './ffmpeg-bin.js';
export { probeVideo, FRAME_DIR_FPS } from './probe.js';
export type { VideoInfo } from './probe.js';
export { probeCached, clearProbeCache } from './probe-cache.js';
export { decodeFrames, outputSize, runBareDecode } from './decode.js';
export type { DecodedFrames, DecodeOptions } from './decode.js';
export { encodeVideo } from './encode.js';
export type { EncodeOptions } from './encode.js';
export { listFrameFiles } from './frame-dir.js';
export { liveProcessCount } from './process.js';

export { windowSpan, trainWindow, evalWindows, decodeClip, sampleTrainClip, sampleEvalClips } from './clip-sampling.js';
export type { Clip, ShortVideoMode, WindowOptions, ClipDecodeOptions } from './clip-sampling.js';
export { loadViews, loadViewBlock, viewsPerVideo, averageSoftmax, top1, topK, skipReason } from './eval-views.js';
export type { ViewSpec } from './eval-views.js';
export { toTensor, batchToTensor, clipToFloat32 } from './to-tensor.js';
export type { ClipLike, BatchLike, Normalize } from './to-tensor.js';

export {
  cropClip,
  resizeClip,
  resizeShortSide,
  centerBox,
  centerCrop,
  threeCropBoxes,
  threeCrop,
  hflipClip,
  randomHflip,
  randomResizedCropBox,
  randomResizedCrop,
} from './clip-geometry.js';
export type { Box, RandomResizedCropOptions } from './clip-geometry.js';
export { RAND_AUGMENT_OPS, randAugment, drawRandAugment, applyOp, opArg } from './rand-augment.js';
export type { RandAugmentOp, RandAugmentOpName, RandAugmentOptions } from './rand-augment.js';
export { randomErasing } from './random-erasing.js';
export type { RandomErasingOptions } from './random-erasing.js';
export { mixupCutmix, smoothOneHot, sampleBeta, sampleGamma } from './mixup-cutmix.js';
export type { MixupOptions, MixedBatch } from './mixup-cutmix.js';

export type { Manifest, ManifestEntry } from './manifest.js';
export { readPpmaCsv, writePpmaCsv, readLabelsFile } from './ppma-csv.js';
export type { ReadPpmaCsvOptions } from './ppma-csv.js';
export { MAX_IMPLICIT_CLASSES, parseLabelId } from './manifest-strict.js';
export type { StrictManifestOptions } from './manifest-strict.js';
export { readManifest, MANIFEST_FORMATS } from './manifest-formats.js';
export type { ManifestFormat, ReadManifestOptions, Split } from './manifest-formats.js';
export { validateVideo, validatePaths, validateManifest } from './validate.js';
export type { ValidationProblem, ValidationReport, ValidateOptions } from './validate.js';
export { listDataset, validateDataset } from './dataset.js';
export type { DatasetListing, ValidateDatasetOptions } from './dataset.js';

export { buildClipCache, openClipCache, cachedWindows } from './clip-cache.js';
export type { ClipCache, ClipCacheIndex, ClipCacheOptions, CachedVideo, CachedClipRef } from './clip-cache.js';
export { createDataLoader } from './data-loader.js';
export type { DataLoader, DataLoaderOptions, Batch, BatchTiming } from './data-loader.js';
export { ClipStore, resolveManifest, DEFAULT_MEMORY_BUDGET } from './clip-store.js';
export type { ClipCachePolicy, ClipSampling } from './clip-store.js';
export { setDecodedCacheBudget, clearDecodedCache } from './decoded-cache.js';
export { BatchFeeder } from './batch-feeder.js';
export type { BatchFeederOptions } from './batch-feeder.js';
export { skippedVideo } from './skipped-video.js';
export type { SkippedVideo } from './skipped-video.js';
export type { ClipPrediction } from './clip-prediction.js';
