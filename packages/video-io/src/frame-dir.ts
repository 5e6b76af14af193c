/**
 * Folders of frame images used as videos (rawframes layout: `img_00001.jpg`, `000001.png`, …).
 */
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** Image extensions recognised as frames, with the ffmpeg decoder that reads them from a pipe. */
export const FRAME_CODECS: Readonly<Record<string, string>> = Object.freeze({
  '.jpg': 'mjpeg',
  '.jpeg': 'mjpeg',
  '.png': 'png',
  '.bmp': 'bmp',
  '.webp': 'webp',
  '.tif': 'tiff',
  '.tiff': 'tiff',
});

const collator = new Intl.Collator('en', { numeric: true });

/** The frame images of `dir` in natural order (`img_2` before `img_10`). */
export async function listFrameFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names
    .filter((n) => !n.startsWith('.') && extname(n).toLowerCase() in FRAME_CODECS)
    .sort(collator.compare)
    .map((n) => join(dir, n));
}

/** The ffmpeg decoder for one frame file. */
export function frameCodec(file: string): string {
  return FRAME_CODECS[extname(file).toLowerCase()] ?? 'image2';
}
