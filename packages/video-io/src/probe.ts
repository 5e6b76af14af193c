/**
 * Probing videos and frame folders with ffprobe (docs/ARCHITECTURE.md §6): size, rate, frame count, codec,
 * rotation; every failure becomes a {@link VideoInputError} that names the file and the reason.
 */
import { open, stat } from 'node:fs/promises';
import { VideoInputError } from '@ppma/core';
import { findFfmpeg } from './ffmpeg-bin.js';
import { listFrameFiles } from './frame-dir.js';
import { runProcess } from './process.js';

/** What {@link probeVideo} reports about a video file or a folder of frames. */
export interface VideoInfo {
  /** The path as given. */
  path: string;
  /** Display width (after rotation), in pixels. */
  width: number;
  /** Display height (after rotation), in pixels. */
  height: number;
  /** Frames per second (the average rate; frame folders: {@link FRAME_DIR_FPS}). */
  fps: number;
  /** Number of frames. */
  frameCount: number;
  /** Duration in seconds. */
  durationSec: number;
  /** ffmpeg codec name (`h264`, `vp9`, `mjpeg`, …). */
  codec: string;
  /** Pixel format as stored (`yuv420p`, `yuv420p10le`, `gray`, …). */
  pixFmt: string;
  /** Rotation from the display matrix in degrees (0, 90, 180 or 270); decoding applies it. */
  rotation: number;
  /** True for a folder of frame images. */
  isFrameDir: boolean;
  /** True when the frame rate is variable: frames are then sampled by timestamp. */
  vfr: boolean;
  /** Presentation time of the first frame, in seconds. */
  startTime: number;
  /** Frame folders only: the frame image files in order. */
  frameFiles?: string[];
}

/** Frame rate assumed for folders of frames (the rawframes convention). */
export const FRAME_DIR_FPS = 30;

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  nb_frames?: string;
  nb_read_packets?: string;
  duration?: string;
  start_time?: string;
  tags?: Record<string, string>;
  side_data_list?: { rotation?: number }[];
  disposition?: { attached_pic?: number };
  has_b_frames?: number;
}
interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string; start_time?: string };
}

function rate(s: string | undefined): number {
  if (!s) return 0;
  const [a, b] = s.split('/').map(Number);
  const v = b === undefined ? a : a / b;
  return Number.isFinite(v) && v > 0 ? v : 0;
}

function num(s: string | undefined): number {
  const v = s === undefined ? NaN : Number(s);
  return Number.isFinite(v) ? v : NaN;
}

/** True when the first bytes are the signature of a video container (MP4/MOV, Matroska/WebM, AVI, FLV, MPEG, Ogg). */
async function looksLikeContainer(path: string): Promise<boolean> {
  const fh = await open(path, 'r').catch(() => undefined);
  if (!fh) return false;
  try {
    const b = Buffer.alloc(12);
    await fh.read(b, 0, 12, 0);
    const at = (o: number, text: string): boolean => b.toString('latin1', o, o + text.length) === text;
    return (
      at(4, 'ftyp') ||
      at(4, 'moov') ||
      at(4, 'mdat') ||
      at(4, 'free') ||
      at(4, 'wide') ||
      b.readUInt32BE(0) === 0x1a45dfa3 ||
      (at(0, 'RIFF') && at(8, 'AVI ')) ||
      at(0, 'FLV') ||
      at(0, 'OggS') ||
      b.readUInt32BE(0) === 0x000001ba
    );
  } finally {
    await fh.close();
  }
}

/** Runs ffprobe and parses its JSON; classifies failures. */
async function ffprobeJson(path: string, extra: string[]): Promise<FfprobeOutput> {
  const { ffprobe } = findFfmpeg();
  const res = await runProcess(ffprobe, ['-v', 'error', '-print_format', 'json', ...extra, path], {
    timeoutMs: 120_000,
  });
  if (res.code !== 0) {
    const msg = (res.stderr.trim().split('\n').pop() ?? '').split(`${path}: `).join('');
    // A file that starts like a video container but cannot be parsed is cut off; anything else is not a video.
    const truncated =
      (await looksLikeContainer(path)) &&
      /moov atom not found|partial file|end of file|truncat|invalid data/i.test(res.stderr);
    throw new VideoInputError(path, truncated ? 'truncated' : 'not-a-video', `ffprobe failed: ${msg}`);
  }
  try {
    return JSON.parse(res.stdout.toString('utf8')) as FfprobeOutput;
  } catch (e) {
    throw new VideoInputError(path, 'decoder-failed', 'ffprobe printed unreadable JSON', { cause: e });
  }
}

function rotationOf(s: FfprobeStream): number {
  const side = s.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation;
  const r = side ?? num(s.tags?.rotate);
  if (!Number.isFinite(r)) return 0;
  return (((Math.round(r / 90) * 90) % 360) + 360) % 360;
}

async function probeFrameDir(path: string): Promise<VideoInfo> {
  const files = await listFrameFiles(path);
  if (files.length === 0) throw new VideoInputError(path, 'empty', 'folder holds no frame images');
  const first = await stat(files[0]);
  if (first.size === 0) throw new VideoInputError(path, 'unreadable-frames', `${files[0]} is empty`);
  const out = await ffprobeJson(files[0], ['-show_streams']).catch((e: unknown) => {
    throw new VideoInputError(path, 'unreadable-frames', `cannot read ${files[0]}`, { cause: e });
  });
  const s = out.streams?.find((x) => x.codec_type === 'video');
  if (!s?.width || !s.height) throw new VideoInputError(path, 'unreadable-frames', `${files[0]} is not an image`);
  return {
    path,
    width: s.width,
    height: s.height,
    fps: FRAME_DIR_FPS,
    frameCount: files.length,
    durationSec: files.length / FRAME_DIR_FPS,
    codec: s.codec_name ?? 'unknown',
    pixFmt: s.pix_fmt ?? 'unknown',
    rotation: 0,
    isFrameDir: true,
    vfr: false,
    startTime: 0,
    frameFiles: files,
  };
}

/** What kind of non-regular file `st` is, for messages. */
export function fileKind(st: import('node:fs').Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isDirectory()) return 'a folder';
  return 'not a regular file';
}

/**
 * Time of the first decoded frame. AVI stores no presentation times: ffmpeg derives them from the
 * decode order, so with B-frames the first frame comes out `has_b_frames` frames late (an H.264
 * AVI at 10 fps starts at 0.2 s, not at the stream's start 0). Sampling by time must use that
 * origin, or every frame is off by two and the last ones are never found ("truncated").
 */
async function firstFrameTime(
  path: string,
  formatName: string,
  video: FfprobeStream,
  streamStart: number,
): Promise<number> {
  const delay = video.has_b_frames ?? 0;
  if (!/(^|,)avi(,|$)/.test(formatName) || delay <= 0) return streamStart;
  const out = (await ffprobeJson(path, [
    '-select_streams',
    'v:0',
    '-read_intervals',
    `%+#${delay + 6}`,
    '-show_entries',
    'frame=best_effort_timestamp_time',
  ])) as { frames?: { best_effort_timestamp_time?: string }[] };
  const first = (out.frames ?? []).map((f) => num(f.best_effort_timestamp_time)).find((t) => Number.isFinite(t));
  return first ?? streamStart;
}

/**
 * Probes a video file or a folder of frame images.
 * @throws VideoInputError (`missing`, `empty`, `not-a-video`, `audio-only`, `truncated`) naming the file.
 */
export async function probeVideo(path: string): Promise<VideoInfo> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    throw new VideoInputError(path, 'missing', 'no such file or folder', { cause: e });
  }
  if (st.isDirectory()) return probeFrameDir(path);
  // Opening a FIFO (or a device) would block until a writer appears, or read forever.
  if (!st.isFile()) throw new VideoInputError(path, 'not-a-video', `${fileKind(st)}, not a regular file`);
  if (st.size === 0) throw new VideoInputError(path, 'empty', 'file has 0 bytes');
  const out = await ffprobeJson(path, ['-show_streams', '-show_format']);
  const streams = out.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  if (!video) {
    if (streams.some((s) => s.codec_type === 'audio'))
      throw new VideoInputError(path, 'audio-only', 'no video stream, only audio');
    throw new VideoInputError(path, 'not-a-video', 'no video stream');
  }
  const formatName = out.format?.format_name ?? '';
  if (/(^|,)(image2|[a-z0-9]+_pipe)(,|$)/.test(formatName)) {
    throw new VideoInputError(path, 'not-a-video', `a still image (${formatName}), not a video`);
  }
  if (!video.width || !video.height) throw new VideoInputError(path, 'not-a-video', 'video stream has no frame size');
  const avg = rate(video.avg_frame_rate);
  const real = rate(video.r_frame_rate);
  const fps = avg || real;
  if (!fps) throw new VideoInputError(path, 'not-a-video', 'video stream has no frame rate');
  const streamStart = Number.isFinite(num(video.start_time))
    ? num(video.start_time)
    : Number.isFinite(num(out.format?.start_time))
      ? num(out.format?.start_time)
      : 0;
  const startTime = await firstFrameTime(path, formatName, video, streamStart);
  let duration = num(video.duration);
  // The container duration stands for the video's only when there is no other stream.
  const durationIsVideo = Number.isFinite(duration) || streams.length === 1;
  if (!Number.isFinite(duration)) duration = num(out.format?.duration);
  let frameCount = Math.round(num(video.nb_frames));
  if (!(frameCount > 0)) {
    // Containers without a frame count (webm, mkv, some avi): count packets, which reads but does not decode.
    const counted = await ffprobeJson(path, [
      '-select_streams',
      'v:0',
      '-count_packets',
      '-show_entries',
      'stream=nb_read_packets',
    ]);
    frameCount = Math.round(num(counted.streams?.[0]?.nb_read_packets));
  }
  if (!(frameCount > 0)) throw new VideoInputError(path, 'unreadable-frames', 'video stream holds no frames');
  if (!Number.isFinite(duration) || duration <= 0) duration = frameCount / fps;
  // Variable rate: the stated rates disagree, or the frames do not fill the duration at the stated
  // rate (Matroska/WebM only state a guess). Such videos are sampled by timestamp at the average rate.
  const measured = frameCount / duration;
  const vfr =
    (real > 0 && avg > 0 && Math.abs(real - avg) / real > 0.01) ||
    (durationIsVideo && Math.abs(measured - fps) / fps > 0.02);
  const sampleFps = vfr && durationIsVideo ? measured : fps;
  const rotation = rotationOf(video);
  const swap = rotation === 90 || rotation === 270;
  return {
    path,
    width: swap ? video.height : video.width,
    height: swap ? video.width : video.height,
    fps: sampleFps,
    frameCount,
    durationSec: duration,
    codec: video.codec_name ?? 'unknown',
    pixFmt: video.pix_fmt ?? 'unknown',
    rotation,
    isFrameDir: false,
    vfr,
    startTime,
  };
}
