/**
 * @ppma/video-io: probing, decoding and encoding video with ffmpeg; clip sampling; frame transforms
 * and augmentations; dataset manifests; the decoded-clip cache; the data loader.
 */
export { findFfmpeg } from './ffmpeg-bin.js';
export type { FfmpegBinaries } from './ffmpeg-bin.js';
export { probeVideo, FRAME_DIR_FPS } from './probe.js';
export type { VideoInfo } from './probe.js';
export { probeCached, clearProbeCache } from './probe-cache.js';
export { decodeFrames, outputSize } from './decode.js';
export type { DecodedFrames, DecodeOptions } from './decode.js';
export { encodeVideo } from './encode.js';
export type { EncodeOptions } from './encode.js';
export type { Manifest, ManifestEntry } from './manifest.js';
export { readPpmaCsv, writePpmaCsv, readLabelsFile } from './ppma-csv.js';
export { listFrameFiles } from './frame-dir.js';
export { liveProcessCount } from './process.js';
