/**
 * The files stored beside a "real"-style pre-training video: its person masks and its clean plate
 * (the same video with nobody in it), both lossless.
 *  - `<name>.mask.png`: a gray PNG film strip, the T masks stacked top to bottom (`[T*H, W]`,
 *    255 = person); written in-process, exact.
 *  - `<name>.clean.png`: an RGB PNG film strip of the clean frames (`[T*H, W, 3]`), exact.
 * PNG strips cost no ffmpeg process (process start-up dominates encoding such short clips) and
 * are exact by construction; {@link readSynthMasks} and {@link readSynthClean} read them back.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, basename, join } from 'node:path';
import { atomicWrite, VideoInputError } from '@ppma/core';
import { probeCached } from '@ppma/video-io';
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
  const clean = `${s}.clean.png`;
  return { mask: `${s}.mask.png`, clean: existsSync(clean) ? clean : null };
}

/** Encodes masks `[T, H, W]` as a gray PNG film strip. */
export function encodeMaskStrip(masks: Uint8Array, frames: number, width: number, height: number): Buffer {
  const png = new PNG({
    width,
    height: frames * height,
    colorType: 0,
    inputColorType: 0,
    bitDepth: 8,
    inputHasAlpha: false,
  });
  png.data = Buffer.from(masks.buffer, masks.byteOffset, masks.byteLength);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
}

/** Encodes RGB frames `[T, H, W, 3]` as an RGB PNG film strip. */
export function encodeRgbStrip(rgb: Uint8Array, frames: number, width: number, height: number): Buffer {
  const png = new PNG({
    width,
    height: frames * height,
    colorType: 2,
    inputColorType: 2,
    bitDepth: 8,
    inputHasAlpha: false,
  });
  png.data = Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength);
  return PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false, bitDepth: 8 });
}

/** Writes the clean plate of a video atomically. */
export async function writeSynthClean(
  videoPath: string,
  rgb: Uint8Array,
  frames: number,
  width: number,
  height: number,
): Promise<string> {
  const file = `${stem(videoPath)}.clean.png`;
  await atomicWrite(file, [encodeRgbStrip(rgb, frames, width, height)]);
  return file;
}

async function readStrip(
  file: string,
  videoPath: string,
  what: string,
): Promise<{ png: PNG; frames: number; width: number; height: number }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new VideoInputError(file, 'missing', `no ${what} beside the video (only pretrain-real clips have them)`, {
      cause: e,
    });
  }
  let png: PNG;
  try {
    png = PNG.sync.read(bytes);
  } catch (e) {
    throw new VideoInputError(file, 'unreadable-frames', `not a ${what} PNG strip: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const info = await probeCached(videoPath);
  if (png.width !== info.width || png.height % info.height !== 0)
    throw new VideoInputError(
      file,
      'unreadable-frames',
      `${what} strip ${png.width}x${png.height} does not fit ${info.width}x${info.height} frames`,
    );
  return { png, frames: png.height / info.height, width: info.width, height: info.height };
}

/** Writes the mask strip of a video atomically. */
export async function writeSynthMasks(
  videoPath: string,
  masks: Uint8Array,
  frames: number,
  width: number,
  height: number,
): Promise<string> {
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
  const { png, frames, width, height } = await readStrip(synthCompanions(videoPath).mask, videoPath, 'person masks');
  const data = new Uint8Array(frames * height * width);
  for (let i = 0; i < data.length; i++) data[i] = png.data[4 * i] >= 128 ? 255 : 0;
  return { data, frames, width, height };
}

/**
 * Reads the clean plate of a video (`data` is `[T, H, W, 3]` RGB): the same clip with nobody in
 * it, the ground truth for scoring human removal.
 * @throws VideoInputError naming the file when the video has no clean plate.
 */
export async function readSynthClean(
  videoPath: string,
): Promise<{ data: Uint8Array; frames: number; width: number; height: number }> {
  const { png, frames, width, height } = await readStrip(`${stem(videoPath)}.clean.png`, videoPath, 'clean plate');
  const data = new Uint8Array(frames * height * width * 3);
  for (let i = 0; i < frames * height * width; i++) {
    data[3 * i] = png.data[4 * i];
    data[3 * i + 1] = png.data[4 * i + 1];
    data[3 * i + 2] = png.data[4 * i + 2];
  }
  return { data, frames, width, height };
}
