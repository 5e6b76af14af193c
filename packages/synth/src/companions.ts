/**
 * The files stored beside a "real"-style pre-training video: its person masks and its clean plate
 * (the same video with nobody in it), both lossless.
 *  - `<name>.mask.png`: a gray PNG film strip, the T masks stacked top to bottom (`[T*H, W]`,
 *    255 = person); written in-process, exact.
 *  - `<name>.clean.mp4`: lossless H.264 RGB (libx264rgb, qp 0), decodable by any ffmpeg.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, basename, join } from 'node:path';
import { atomicWrite, VideoInputError } from '@ppma/core';
import { decodeFrames, probeCached } from '@ppma/video-io';
import { PNG } from 'pngjs';

/** Person masks of a clip: `data` is `[frames, height, width]`, 255 = person. */
export interface SynthMasks {
  data: Uint8Array;
  frames: number;
  width: number;
  height: number;
}

function stem(videoPath: string): string {
  return join(dirname(videoPath), basename(videoPath, extname(videoPath)));
}

/** The mask and clean-plate files of a video (clean is null when the video has none on disk). */
export function synthCompanions(videoPath: string): { mask: string; clean: string | null } {
  const s = stem(videoPath);
  const clean = `${s}.clean.mp4`;
  return { mask: `${s}.mask.png`, clean: existsSync(clean) ? clean : null };
}

/** Encodes masks `[T, H, W]` as a gray PNG film strip. */
export function encodeMaskStrip(masks: Uint8Array, frames: number, width: number, height: number): Buffer {
  const png = new PNG({ width, height: frames * height, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  png.data = Buffer.from(masks.buffer, masks.byteOffset, masks.byteLength);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
}

/** Writes the mask strip of a video atomically. */
export async function writeSynthMasks(videoPath: string, masks: Uint8Array, frames: number, width: number, height: number): Promise<string> {
  const file = synthCompanions(videoPath).mask;
  await atomicWrite(file, [encodeMaskStrip(masks, frames, width, height)]);
  return file;
}

/**
 * Reads the person masks stored beside a video written by `generateBenchmark` (for the `oracle`
 * segmenter of `@ppma/hat-removal`). The frame count and size come from the video.
 * @throws VideoInputError naming the mask file when it is missing or does not match the video.
 */
export async function readSynthMasks(videoPath: string): Promise<SynthMasks> {
  const file = synthCompanions(videoPath).mask;
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new VideoInputError(file, 'missing', 'no person masks beside the video (only pretrain-real clips have them)', { cause: e });
  }
  let png: PNG;
  try {
    png = PNG.sync.read(bytes);
  } catch (e) {
    throw new VideoInputError(file, 'unreadable-frames', `not a mask PNG: ${(e as Error).message}`, { cause: e });
  }
  const info = await probeCached(videoPath);
  const width = png.width;
  const height = info.height;
  if (width !== info.width || png.height % height !== 0) throw new VideoInputError(file, 'unreadable-frames', `mask strip ${png.width}x${png.height} does not fit ${info.width}x${info.height} frames`);
  const frames = png.height / height;
  const data = new Uint8Array(frames * height * width);
  for (let i = 0; i < data.length; i++) data[i] = png.data[4 * i] >= 128 ? 255 : 0;
  return { data, frames, width, height };
}

/** Decodes the clean plate of a video (`[T, H, W, 3]` RGB), or throws if it has none. */
export async function readSynthClean(videoPath: string): Promise<{ data: Uint8Array; frames: number; width: number; height: number }> {
  const { clean } = synthCompanions(videoPath);
  if (clean === null) throw new VideoInputError(`${stem(videoPath)}.clean.mp4`, 'missing', 'no clean plate beside the video');
  const d = await decodeFrames(clean);
  return { data: d.data, frames: d.frames, width: d.width, height: d.height };
}
