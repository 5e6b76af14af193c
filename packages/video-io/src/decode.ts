/**
 * Sampled decoding (docs/ARCHITECTURE.md §6 "Clips"): raw RGB24 (or gray) frames over a pipe from an ffmpeg
 * child process that seeks next to the wanted frames, so that 16 frames of a long video never cost
 * a decode of the whole video. Variable-frame-rate videos are sampled by timestamp.
 */
import { readFile } from 'node:fs/promises';
import { VideoInputError } from '@ppma/core';
import { findFfmpeg } from './ffmpeg-bin.js';
import { firstDamagedFrame, frameCodec } from './frame-dir.js';
import { probeCached } from './probe-cache.js';
import type { VideoInfo } from './probe.js';
import { runProcess } from './process.js';

/** Frames decoded by {@link decodeFrames}: `data` is `[frames, height, width, 3]` RGB24, or `[frames, height, width]` when gray. */
export interface DecodedFrames {
  data: Uint8Array;
  frames: number;
  width: number;
  height: number;
}

/** Options of {@link decodeFrames}. */
export interface DecodeOptions {
  /** First frame index (with `count`); default 0. */
  start?: number;
  /** Number of consecutive frames from `start`; default: to the end. */
  count?: number;
  /** Explicit frame indices (any order, repeats allowed); overrides start/count. */
  indices?: number[];
  /** Output width; with only `width` or only `height` the aspect ratio is kept. */
  width?: number;
  /** Output height. */
  height?: number;
  /** Resize so that the shorter side has this length (aspect kept); ignored when width/height are set. */
  shortSide?: number;
  /** One gray channel instead of RGB. */
  gray?: boolean;
  /** Fail with `unreadable-frames` when the decoder reports corrupt data (default true). */
  strict?: boolean;
  /** Probe result to reuse (skips ffprobe). */
  info?: VideoInfo;
}

/** Frame indices further apart than this are read by separate seeks. */
const SEEK_GAP_SEC = 2;
/** stderr lines of ffmpeg that mean the decoder met corrupt data. */
export const DECODE_ERROR =
  /error while decoding|concealing|invalid nal|corrupt|decode_slice_header error|missing picture|invalid data found|partial file|error splitting/i;

/** Output frame size for a probed video and resize options (even sizes are not required). */
export function outputSize(
  info: Pick<VideoInfo, 'width' | 'height'>,
  opts: Pick<DecodeOptions, 'width' | 'height' | 'shortSide'>,
): { width: number; height: number } {
  const { width: w, height: h } = info;
  if (opts.width && opts.height) return { width: opts.width, height: opts.height };
  if (opts.width) return { width: opts.width, height: Math.max(1, Math.round((h * opts.width) / w)) };
  if (opts.height) return { width: Math.max(1, Math.round((w * opts.height) / h)), height: opts.height };
  if (opts.shortSide) {
    const s = opts.shortSide / Math.min(w, h);
    return w <= h
      ? { width: opts.shortSide, height: Math.max(1, Math.round(h * s)) }
      : { width: Math.max(1, Math.round(w * s)), height: opts.shortSide };
  }
  return { width: w, height: h };
}

function segments(sorted: number[], fps: number): number[][] {
  const out: number[][] = [];
  const gap = Math.max(8, Math.round(SEEK_GAP_SEC * fps));
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i - last[last.length - 1] <= gap) last.push(i);
    else out.push([i]);
  }
  return out;
}

function lastLine(stderr: string): string {
  return stderr.trim().split('\n').filter(Boolean).pop() ?? 'no message';
}

async function decodeSegment(
  info: VideoInfo,
  seg: number[],
  w: number,
  h: number,
  gray: boolean,
  strict: boolean,
  dst: Uint8Array,
  dstOffset: number,
): Promise<void> {
  const { ffmpeg } = findFfmpeg();
  const frameBytes = w * h * (gray ? 1 : 3);
  const half = 0.5 / info.fps;
  const times = seg.map((i) => info.startTime + i / info.fps);
  const seekTo = Math.max(0, (seg[0] - 0.5) / info.fps - (info.vfr ? 1 : 0));
  const filters: string[] = [];
  if (info.vfr) filters.push(`fps=${info.fps}:start_time=${info.startTime}`);
  if (seg.length > 1 || seg[0] !== 0) {
    const lo = times[0] - half;
    const hi = times[times.length - 1] + half;
    const contiguous = seg[seg.length - 1] - seg[0] === seg.length - 1;
    const terms = contiguous
      ? [`between(t\\,${lo.toFixed(6)}\\,${hi.toFixed(6)})`]
      : times.map((t) => `lt(abs(t-${t.toFixed(6)})\\,${half.toFixed(6)})`);
    filters.push(`select='${terms.join('+')}'`);
  }
  filters.push(`scale=${w}:${h}:flags=bilinear`, `format=${gray ? 'gray' : 'rgb24'}`);
  const args = ['-hide_banner', '-nostdin', '-v', 'error', '-threads', '0'];
  if (seekTo > 0) args.push('-ss', seekTo.toFixed(6));
  // Never read past the window, even if the selection should miss a frame (else ffmpeg would decode to the end).
  const readFor = Math.max(0, info.startTime) + seg[seg.length - 1] / info.fps - seekTo + 2;
  args.push(
    '-t',
    readFor.toFixed(6),
    '-copyts',
    '-i',
    info.path,
    '-an',
    '-sn',
    '-dn',
    '-vf',
    filters.join(','),
    '-vsync',
    'passthrough',
  );
  args.push('-frames:v', String(seg.length), '-f', 'rawvideo', 'pipe:1');
  const res = await runProcess(ffmpeg, args, { expectedBytes: seg.length * frameBytes, timeoutMs: 600_000 });
  const got = Math.floor(res.stdout.length / frameBytes);
  if (res.code !== 0 && got < seg.length) {
    throw new VideoInputError(
      info.path,
      DECODE_ERROR.test(res.stderr) ? 'unreadable-frames' : 'decoder-failed',
      `ffmpeg exited with ${res.code ?? res.signal}: ${lastLine(res.stderr)}`,
    );
  }
  if (got < seg.length && !/partial file/i.test(res.stderr) && DECODE_ERROR.test(res.stderr)) {
    throw new VideoInputError(
      info.path,
      'unreadable-frames',
      `decoded ${got} of ${seg.length} frames from ${seg[0]}: ${lastLine(res.stderr)}`,
    );
  }
  if (got < seg.length) {
    throw new VideoInputError(
      info.path,
      'truncated',
      `frame ${seg[got]} of ${info.frameCount} could not be decoded (got ${got} of ${seg.length} frames from ${seg[0]})${res.stderr ? `: ${lastLine(res.stderr)}` : ''}`,
    );
  }
  if (strict && DECODE_ERROR.test(res.stderr)) {
    throw new VideoInputError(
      info.path,
      'unreadable-frames',
      `decoder reported corrupt data near frames ${seg[0]}-${seg[seg.length - 1]}: ${lastLine(res.stderr)}`,
    );
  }
  dst.set(res.stdout.subarray(0, seg.length * frameBytes), dstOffset);
}

async function decodeFrameFiles(
  info: VideoInfo,
  files: string[],
  w: number,
  h: number,
  gray: boolean,
  strict: boolean,
  dst: Uint8Array,
  dstOffset: number,
): Promise<void> {
  const { ffmpeg } = findFfmpeg();
  const frameBytes = w * h * (gray ? 1 : 3);
  // Runs of files with the same image codec go through one ffmpeg process as an image pipe.
  let k = 0;
  while (k < files.length) {
    const codec = frameCodec(files[k]);
    let e = k + 1;
    while (e < files.length && frameCodec(files[e]) === codec) e++;
    const run = files.slice(k, e);
    const source = (async function* () {
      for (const f of run) {
        const bytes = await readFile(f).catch((err: unknown) => {
          throw new VideoInputError(info.path, 'unreadable-frames', `cannot read ${f}`, { cause: err });
        });
        if (bytes.length === 0) throw new VideoInputError(info.path, 'unreadable-frames', `${f} is empty`);
        yield bytes;
      }
    })();
    const args = [
      '-hide_banner',
      '-v',
      'error',
      '-f',
      'image2pipe',
      '-c:v',
      codec,
      '-i',
      'pipe:0',
      '-vf',
      `scale=${w}:${h}:flags=bilinear,format=${gray ? 'gray' : 'rgb24'}`,
      '-vsync',
      'passthrough',
      '-f',
      'rawvideo',
      'pipe:1',
    ];
    const res = await runProcess(ffmpeg, args, {
      stdin: source,
      expectedBytes: run.length * frameBytes,
      timeoutMs: 600_000,
    });
    const got = Math.floor(res.stdout.length / frameBytes);
    // ffmpeg exits 0 on a truncated JPEG ("overread"), printing an error and a half-grey frame:
    // at `-v error` any message means a damaged frame.
    if (got < run.length || res.code !== 0 || (strict && res.stderr.trim() !== '')) {
      const bad = await firstDamagedFrame(run);
      throw new VideoInputError(
        info.path,
        'unreadable-frames',
        bad
          ? `frame ${bad.file}: ${bad.why}`
          : `decoded ${got} of ${run.length} frame images (${run[Math.min(got, run.length - 1)]} .. ${run[run.length - 1]}): ${lastLine(res.stderr)}`,
      );
    }
    dst.set(res.stdout.subarray(0, run.length * frameBytes), dstOffset + k * frameBytes);
    k = e;
  }
}

/**
 * Decodes selected frames of a video file or frame folder into one `Uint8Array`
 * (`[frames, height, width, 3]` RGB24, or `[frames, height, width]` with `gray`).
 * Only the neighbourhood of the wanted frames is decoded (one seek per cluster of indices).
 * @throws VideoInputError naming the file: missing/empty/not-a-video/audio-only from probing,
 *   `too-short` for indices past the end, `truncated`/`unreadable-frames`/`decoder-failed` from decoding.
 */
export async function decodeFrames(path: string, opts: DecodeOptions = {}): Promise<DecodedFrames> {
  const info = opts.info ?? (await probeCached(path));
  const gray = opts.gray ?? false;
  const start = opts.start ?? 0;
  const indices =
    opts.indices ?? Array.from({ length: opts.count ?? Math.max(0, info.frameCount - start) }, (_, i) => start + i);
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0) throw new RangeError(`${path}: invalid frame index ${i}`);
    if (i >= info.frameCount)
      throw new VideoInputError(path, 'too-short', `frame ${i} requested but the video has ${info.frameCount} frames`);
  }
  const { width, height } = outputSize(info, opts);
  const frameBytes = width * height * (gray ? 1 : 3);
  const unique = [...new Set(indices)].sort((a, b) => a - b);
  const buf = new Uint8Array(unique.length * frameBytes);
  if (info.isFrameDir) {
    const files = info.frameFiles ?? [];
    await decodeFrameFiles(
      info,
      unique.map((i) => files[i]),
      width,
      height,
      gray,
      opts.strict ?? true,
      buf,
      0,
    );
  } else {
    let offset = 0;
    for (const seg of segments(unique, info.fps)) {
      await decodeSegment(info, seg, width, height, gray, opts.strict ?? true, buf, offset);
      offset += seg.length * frameBytes;
    }
  }
  const same = unique.length === indices.length && indices.every((v, i) => v === unique[i]);
  if (same) return { data: buf, frames: indices.length, width, height };
  const pos = new Map(unique.map((v, i) => [v, i]));
  const data = new Uint8Array(indices.length * frameBytes);
  indices.forEach((v, i) =>
    data.set(buf.subarray((pos.get(v) ?? 0) * frameBytes, ((pos.get(v) ?? 0) + 1) * frameBytes), i * frameBytes),
  );
  return { data, frames: indices.length, width, height };
}

/**
 * The practical limit for {@link decodeFrames}: a bare ffmpeg decode of frames `start .. start+count-1`
 * to the null muxer, with the same seek and no scaling, conversion or pipe (benchmarks compare to it).
 */
export async function runBareDecode(info: VideoInfo, start: number, count: number): Promise<void> {
  const seekTo = Math.max(0, (start - 0.5) / info.fps);
  const args = ['-hide_banner', '-nostdin', '-v', 'error', '-threads', '0'];
  if (seekTo > 0) args.push('-ss', seekTo.toFixed(6));
  args.push('-i', info.path, '-an', '-sn', '-dn', '-frames:v', String(count), '-f', 'null', '-');
  const res = await runProcess(findFfmpeg().ffmpeg, args);
  if (res.code !== 0) throw new VideoInputError(info.path, 'decoder-failed', lastLine(res.stderr));
}
