/**
 * Folders of frame images used as videos (rawframes layout: `img_00001.jpg`, `000001.png`, …).
 */
import { open, readdir } from 'node:fs/promises';
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

/**
 * Why a frame image is cut off, or null when its end looks intact: a JPEG must end with the EOI
 * marker (`FF D9`, allowing a little padding), a PNG with its `IEND` chunk. Reads only the tail.
 */
export async function frameFileDamage(file: string): Promise<string | null> {
  const codec = frameCodec(file);
  if (codec !== 'mjpeg' && codec !== 'png') return null;
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const n = Math.min(size, 64);
    const tail = Buffer.alloc(n);
    await fh.read(tail, 0, n, size - n);
    if (codec === 'mjpeg') {
      for (let i = n - 2; i >= 0; i--) if (tail[i] === 0xff && tail[i + 1] === 0xd9) return null;
      return 'JPEG without its end marker (truncated)';
    }
    return tail.includes('IEND', 0, 'latin1') ? null : 'PNG without its IEND chunk (truncated)';
  } finally {
    await fh.close();
  }
}

/** The first damaged frame file of `files` with the reason, or null (see {@link frameFileDamage}). */
export async function firstDamagedFrame(files: readonly string[]): Promise<{ file: string; why: string } | null> {
  for (const file of files) {
    const why = await frameFileDamage(file);
    if (why) return { file, why };
  }
  return null;
}
