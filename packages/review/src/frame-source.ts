/**
 * Frames for the review page: one frame of the input, the output or the mask overlay of a video,
 * as PNG (lossless, so the reviewer sees the pixels the removal wrote). Frames are decoded with
 * @ppma/video-io's ffmpeg decoder in chunks of 16 consecutive frames, kept in a small cache
 * bounded by bytes, so stepping and playback cost one decode per 16 frames.
 *
 * The overlay shows the removal masks when the run wrote them; otherwise the pixels that changed
 * between input and output (more than 24 levels in a channel), which is where the removal painted.
 *
 * Frame `t` is an output frame index. A run that dropped unrecoverable frames wrote fewer frames
 * than the input has, so the input frame shown beside output frame `t` is the one it was made from,
 * `frameMap[t]` (the report's `writtenFrames`); the mask video has one frame per output frame.
 */
import { decodeFrames, probeCached, type DecodedFrames } from '@ppma/video-io';
import { PNG } from 'pngjs';
import { match } from 'ts-pattern';
import type { ReviewVideo } from './removal-output.js';

/** Which picture of a video. */
export type FrameKind = 'input' | 'output' | 'mask';

const CHUNK = 16;
const OVERLAY = [255, 32, 96, 150] as const; // RGBA of a removed pixel

/** Size, rate and length of a video's output. */
export interface FrameInfo {
  readonly frames: number;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
}

/** Decodes and encodes review frames, with a byte-bounded cache of decoded chunks. */
export class FrameSource {
  private readonly cache = new Map<string, Promise<DecodedFrames>>();
  private readonly sizes = new Map<string, number>();
  private bytes = 0;

  /** @param maxBytes decoded bytes kept in the cache (default 256 MiB). */
  constructor(private readonly maxBytes = 256 * 2 ** 20) {}

  /** The output's frame count, rate and size. */
  async info(v: ReviewVideo): Promise<FrameInfo> {
    const i = await probeCached(v.output);
    return { frames: i.frameCount, fps: i.fps, width: i.width, height: i.height };
  }

  /** Frame `t` as PNG, or null when `t` is past the end of the output. */
  async png(v: ReviewVideo, kind: FrameKind, t: number): Promise<Buffer | null> {
    const { frames, width, height } = await this.info(v);
    if (!Number.isInteger(t) || t < 0 || t >= frames) return null;
    return match(kind)
      .with('output', async () => rgbPng(await this.frame(v.output, t, false), width, height))
      .with('input', async () => {
        const src = await inputFrame(v, t);
        if (src === null) return null;
        return rgbPng(await this.frame(v.input, src, false, { width, height }), width, height);
      })
      .with('mask', async () => overlayPng(await this.mask(v, t, width, height), width, height))
      .exhaustive();
  }

  private async mask(v: ReviewVideo, t: number, width: number, height: number): Promise<Uint8Array> {
    if (v.masks) return this.frame(v.masks, t, true, { width, height });
    const src = await inputFrame(v, t);
    if (src === null) return new Uint8Array(width * height); // no input frame to compare with
    const a = await this.frame(v.input, src, false, { width, height });
    const b = await this.frame(v.output, t, false);
    const m = new Uint8Array(width * height);
    for (let i = 0; i < m.length; i++) {
      const d = Math.max(
        Math.abs(a[3 * i] - b[3 * i]),
        Math.abs(a[3 * i + 1] - b[3 * i + 1]),
        Math.abs(a[3 * i + 2] - b[3 * i + 2]),
      );
      m[i] = d > 24 ? 255 : 0;
    }
    return m;
  }

  /** The pixels of frame `t` of `file` (RGB, or gray), resized to `size` when given. */
  private async frame(
    file: string,
    t: number,
    gray: boolean,
    size?: { width: number; height: number },
  ): Promise<Uint8Array> {
    const info = await probeCached(file);
    const start = Math.floor(t / CHUNK) * CHUNK;
    const count = Math.min(CHUNK, info.frameCount - start);
    const key = `${file}\0${start}\0${gray}\0${size?.width ?? ''}x${size?.height ?? ''}`;
    let p = this.cache.get(key);
    if (p) {
      this.cache.delete(key); // refresh its place in the LRU order
      this.cache.set(key, p);
    } else {
      p = decodeFrames(file, { start, count, gray, info, ...(size ?? {}) });
      this.cache.set(key, p);
      p.then(
        (d) => this.account(key, d.data.length),
        () => this.cache.delete(key),
      );
    }
    const d = await p;
    const bytes = d.width * d.height * (gray ? 1 : 3);
    return d.data.subarray((t - start) * bytes, (t - start + 1) * bytes);
  }

  private account(key: string, n: number): void {
    this.sizes.set(key, n);
    this.bytes += n;
    for (const k of this.cache.keys()) {
      if (this.bytes <= this.maxBytes || k === key) break;
      this.bytes -= this.sizes.get(k) ?? 0;
      this.sizes.delete(k);
      this.cache.delete(k);
    }
  }
}

/** The input frame index that output frame `t` was made from, or null when the input has no such frame. */
async function inputFrame(v: ReviewVideo, t: number): Promise<number | null> {
  const src = v.frameMap ? v.frameMap[t] : t;
  if (src === undefined) return null;
  const inInfo = await probeCached(v.input);
  return src < inInfo.frameCount ? src : null;
}

function rgbPng(rgb: Uint8Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height, inputColorType: 2, colorType: 2, inputHasAlpha: false });
  png.data = Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength);
  return PNG.sync.write(png, { inputColorType: 2, colorType: 2, inputHasAlpha: false, deflateLevel: 1 });
}

function overlayPng(mask: Uint8Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] < 128) continue;
    png.data[4 * i] = OVERLAY[0];
    png.data[4 * i + 1] = OVERLAY[1];
    png.data[4 * i + 2] = OVERLAY[2];
    png.data[4 * i + 3] = OVERLAY[3];
  }
  return PNG.sync.write(png, { deflateLevel: 1 });
}
