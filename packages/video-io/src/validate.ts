/**
 * Checking that every video of a dataset is usable (docs/ARCHITECTURE.md §6 "Bad input"): each is probed and its
 * first and last frames decoded; every problem is reported at once, with counts per reason.
 */
import { InterruptedError, isPpmaError, VideoInputError } from '@ppma/core';
import type { VideoProblem } from '@ppma/core';
import { DECODE_ERROR, decodeFrames } from './decode.js';
import { findFfmpeg } from './ffmpeg-bin.js';
import { firstDamagedFrame } from './frame-dir.js';
import { runProcess } from './process.js';
import type { Manifest } from './manifest.js';
import { mapPool } from './pool.js';
import { probeVideo } from './probe.js';
import type { VideoInfo } from './probe.js';

/** One unusable input. */
export interface ValidationProblem {
  path: string;
  /** `<problem>: <detail>`, e.g. `truncated: frame 40 of 50 could not be decoded`. */
  reason: string;
  /** The {@link VideoProblem} kind (`'error'` for unexpected failures). */
  problem: VideoProblem | 'error';
}

/** Result of a validation run. */
export interface ValidationReport {
  /** Number of usable inputs. */
  ok: number;
  problems: ValidationProblem[];
  /** Problems per kind. */
  counts: Partial<Record<VideoProblem | 'error', number>>;
}

/** Options of {@link validateVideo} / {@link validateManifest}. */
export interface ValidateOptions {
  /** Inputs with fewer frames are `too-short` (default 1). */
  minFrames?: number;
  /** Parallel ffmpeg processes (default 2). */
  concurrency?: number;
  /** Called after each input. */
  onProgress?: (done: number, total: number) => void;
  /** Decode every frame (slower; catches corruption in the middle of a video). */
  deep?: boolean;
}

/** Decodes every frame to nowhere and fails on any decoder complaint. */
async function decodeAll(info: VideoInfo): Promise<void> {
  const res = await runProcess(findFfmpeg().ffmpeg, [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-i',
    info.path,
    '-map',
    '0:v:0',
    '-f',
    'null',
    '-',
  ]);
  const last = res.stderr.trim().split('\n').filter(Boolean).pop() ?? '';
  if (res.code !== 0)
    throw new VideoInputError(info.path, 'decoder-failed', `ffmpeg exited with ${res.code ?? res.signal}: ${last}`);
  if (DECODE_ERROR.test(res.stderr))
    throw new VideoInputError(info.path, 'unreadable-frames', `decoder reported corrupt data: ${last}`);
}

/**
 * Probes `path` and decodes its first and last frames (at a tiny size); with `deep`, every frame.
 * @throws VideoInputError naming the file and the reason.
 */
export async function validateVideo(path: string, opts: ValidateOptions = {}): Promise<VideoInfo> {
  const info = await probeVideo(path);
  const minFrames = opts.minFrames ?? 1;
  if (info.frameCount < minFrames)
    throw new VideoInputError(path, 'too-short', `${info.frameCount} frames, at least ${minFrames} needed`);
  await decodeFrames(path, {
    info,
    indices: info.frameCount > 1 ? [0, info.frameCount - 1] : [0],
    width: 16,
    height: 16,
  });
  if (info.isFrameDir) {
    // Every frame is its own file: check that none is cut off (reads only the tails), naming it.
    const bad = await firstDamagedFrame(info.frameFiles ?? []);
    if (bad) throw new VideoInputError(path, 'unreadable-frames', `frame ${bad.file}: ${bad.why}`);
    if (opts.deep) await decodeFrames(path, { info, width: 16, height: 16 });
  } else if (opts.deep) await decodeAll(info);
  return info;
}

/** Turns a thrown error into a problem record. */
export function toProblem(path: string, e: unknown): ValidationProblem {
  // An interruption (Ctrl-C, kill) is not a problem of the input: never report it as a skip.
  if (e instanceof InterruptedError) throw e;
  if (e instanceof VideoInputError) {
    const prefix = `${e.file ?? path}: `;
    return {
      path,
      reason: e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message,
      problem: e.problem,
    };
  }
  return { path, reason: isPpmaError(e) || e instanceof Error ? e.message : String(e), problem: 'error' };
}

/** Validates paths (video files or frame folders); never throws for a bad input. */
export async function validatePaths(paths: readonly string[], opts: ValidateOptions = {}): Promise<ValidationReport> {
  let done = 0;
  const results = await mapPool(paths, opts.concurrency ?? 2, async (p) => {
    let problem: ValidationProblem | undefined;
    try {
      await validateVideo(p, opts);
    } catch (e) {
      problem = toProblem(p, e);
    }
    opts.onProgress?.(++done, paths.length);
    return problem;
  });
  const problems = results.filter((r): r is ValidationProblem => r !== undefined);
  const counts: ValidationReport['counts'] = {};
  for (const p of problems) counts[p.problem] = (counts[p.problem] ?? 0) + 1;
  return { ok: paths.length - problems.length, problems, counts };
}

/** Validates every entry of a manifest (see {@link validateVideo}); reports all problems at once. */
export async function validateManifest(manifest: Manifest, opts: ValidateOptions = {}): Promise<ValidationReport> {
  return validatePaths(
    manifest.entries.map((e) => e.path),
    opts,
  );
}
