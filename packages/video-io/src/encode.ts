/**
 * Encoding RGB24 (or gray) frames to a video file with ffmpeg, atomically (temp file + rename).
 * Lossy: H.264 (yuv420p; yuv444p when a side is odd) in the container named by the extension.
 * Lossless: FFV1 in .mkv/.avi/.nut, or lossless H.264 (libx264rgb / gray, qp 0) in .mp4, so that
 * masks and clean plates round-trip bit-exactly.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { IoError, publishFile } from '@ppma/core';
import { findFfmpeg } from './ffmpeg-bin.js';
import { runProcess } from './process.js';

/** Options of {@link encodeVideo}. */
export interface EncodeOptions {
  width: number;
  height: number;
  fps: number;
  /** x264 constant rate factor for lossy output (default 18). */
  crf?: number;
  /** Write an exactly decodable file. */
  lossless?: boolean;
  /** Frames are one gray channel (`[T, H, W]`). */
  gray?: boolean;
}

function codecArgs(ext: string, opts: EncodeOptions): string[] {
  const gray = opts.gray ?? false;
  if (opts.lossless) {
    if (ext === '.mp4' || ext === '.mov') {
      return gray
        ? ['-c:v', 'libx264', '-qp', '0', '-preset', 'veryfast', '-pix_fmt', 'gray', '-color_range', 'pc']
        : ['-c:v', 'libx264rgb', '-qp', '0', '-preset', 'veryfast', '-pix_fmt', 'rgb24'];
    }
    return ['-c:v', 'ffv1', '-level', '3', '-pix_fmt', gray ? 'gray' : 'rgb24'];
  }
  if (ext === '.webm')
    return ['-c:v', 'libvpx-vp9', '-crf', String(opts.crf ?? 32), '-b:v', '0', '-pix_fmt', gray ? 'gray' : 'yuv420p'];
  const odd = opts.width % 2 === 1 || opts.height % 2 === 1;
  return [
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    String(opts.crf ?? 18),
    '-pix_fmt',
    odd ? 'yuv444p' : 'yuv420p',
  ];
}

async function* frameChunks(
  frames: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  frameBytes: number,
  file: string,
): AsyncGenerator<Uint8Array> {
  if (frames instanceof Uint8Array) {
    if (frames.length % frameBytes !== 0)
      throw new IoError(file, `frame data has ${frames.length} bytes, not a multiple of ${frameBytes} (one frame)`);
    for (let o = 0; o < frames.length; o += frameBytes * 16)
      yield frames.subarray(o, Math.min(frames.length, o + frameBytes * 16));
    return;
  }
  for await (const f of frames) {
    if (f.length !== frameBytes) throw new IoError(file, `a frame has ${f.length} bytes, expected ${frameBytes}`);
    yield f;
  }
}

/**
 * Encodes frames (`[T, H, W, 3]` RGB24 concatenated, or one array per frame; `[T, H, W]` when gray)
 * to `path`. The file appears only when complete.
 * @throws IoError naming the file when ffmpeg fails or the frame sizes are wrong.
 */
export async function encodeVideo(
  path: string,
  frames: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  opts: EncodeOptions,
): Promise<void> {
  const { ffmpeg } = findFfmpeg();
  const { width, height, fps } = opts;
  if (!(width > 0 && height > 0 && fps > 0))
    throw new IoError(path, `invalid encode size/rate ${width}x${height}@${fps}`);
  const ext = extname(path).toLowerCase() || '.mp4';
  const frameBytes = width * height * (opts.gray ? 1 : 3);
  await mkdir(dirname(path), { recursive: true }).catch((e: unknown) => {
    throw new IoError(path, `cannot create its folder (${(e as NodeJS.ErrnoException).code ?? String(e)})`, {
      cause: e,
    });
  });
  const tmp = join(
    dirname(path),
    `.${basename(path, extname(path))}.tmp-${process.pid}-${randomBytes(4).toString('hex')}${ext}`,
  );
  const args = [
    '-hide_banner',
    '-v',
    'error',
    '-y',
    '-f',
    'rawvideo',
    '-pix_fmt',
    opts.gray ? 'gray' : 'rgb24',
    '-s',
    `${width}x${height}`,
    '-r',
    String(fps),
    '-i',
    'pipe:0',
    ...codecArgs(ext, opts),
    ...(ext === '.mp4' || ext === '.mov' ? ['-movflags', '+faststart'] : []),
    tmp,
  ];
  try {
    const res = await runProcess(ffmpeg, args, { stdin: frameChunks(frames, frameBytes, path) });
    if (res.code !== 0)
      throw new IoError(
        path,
        `ffmpeg encode failed (${res.code ?? res.signal}): ${res.stderr.trim().split('\n').pop() ?? ''}`,
      );
    await publishFile(tmp, path); // fsync, rename, fsync the folder: a done-marker never points at a lost file
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
