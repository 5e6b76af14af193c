/**
 * One video of a dataset run (docs/ARCHITECTURE.md §7 "Scale"): its removal, its audit and its
 * done-marker; a failure removes whatever it wrote (fail closed) and is recorded with its reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import { atomicWrite, isPpmaError, type Progress } from '@ppma/core';
import { createSegmenter } from './create-segmenter.js';
import type { RunEntry } from './dataset-inputs.js';
import type { MaskBatch } from './frames.js';
import { auditVideo, type VideoAudit } from './privacy-audit.js';
import { emptyProfile, PROFILE_PARTS, type RemovalProfile } from './removal-profile.js';
import { removeHumansFromVideo, type RemoveVideoOptions, type RemoveVideoResult } from './remove-video.js';
import type { RunAuditConfig, RunModels } from './run-models.js';
import type { Segmenter } from './segmenter.js';
import { loadOracleMasks, loadSynthClean } from './synth-companions.js';

/** A video that failed. */
export interface RunFailure {
  readonly input: string;
  readonly reason: string;
  readonly code: string;
}

/** One processed video in the run summary. */
export interface RunOutput {
  readonly input: string;
  readonly output: string;
  readonly frames: number;
  /** Frames in the output (unrecoverable frames dropped). */
  readonly framesWritten: number;
  /** Input index of each output frame (what `ppma review` pairs output frames with). */
  readonly writtenFrames: readonly number[];
  readonly maskedFraction: number;
  readonly cuts: number;
  readonly unrecoverable: number;
}

/** What the videos of a run added up to so far. */
export interface RunTally {
  readonly failed: RunFailure[];
  readonly outputs: RunOutput[];
  readonly audits: VideoAudit[];
  readonly auditErrors: RunFailure[];
  frames: number;
  cuts: number;
  lost: number;
  /** The unrecoverable-frame policy each video applied (oracle runs keep such frames). */
  readonly policies: Set<string>;
  readonly profile: RemovalProfile;
  segLicence: string;
}

/** An empty tally. */
export function emptyTally(segLicence: string): RunTally {
  return {
    failed: [],
    outputs: [],
    audits: [],
    auditErrors: [],
    frames: 0,
    cuts: 0,
    lost: 0,
    policies: new Set(),
    profile: emptyProfile(),
    segLicence,
  };
}

/** Where the done-marker of the video with relative path `rel` goes. */
export const doneMarker = (out: string, rel: string): string => path.join(out, '.done', `${rel}.json`);

/** Where the mask video of the video with relative path `rel` goes (the layout `ppma review` reads). */
export const maskVideoPath = (out: string, rel: string): string =>
  path.join(out, 'masks', `${rel.replace(/\.[^./\\]+$/, '')}.mkv`);

/** The per-video context of a run. */
export interface VideoRunContext {
  readonly out: string;
  readonly models: RunModels;
  readonly auditCfg: RunAuditConfig | null;
  /** Write the mask video of each output. */
  readonly masks: boolean;
  readonly video?: Omit<RemoveVideoOptions, 'segmenter' | 'catchDetector' | 'onFrame' | 'keepMasks' | 'masksOutput'>;
  readonly bar: Progress;
  readonly log: (line: string) => void;
}

/** Removes the people from one video, audits it and writes its marker; failures go into `tally.failed`. */
export async function runVideo(e: RunEntry, expected: number, ctx: VideoRunContext, tally: RunTally): Promise<void> {
  const target = path.join(ctx.out, e.rel);
  const marker = doneMarker(ctx.out, e.rel);
  const maskFile = maskVideoPath(ctx.out, e.rel);
  fs.rmSync(marker, { force: true });
  let seg: Segmenter | null = ctx.models.baseSeg;
  let ticked = 0;
  const tick = (k: number): void => {
    ticked += k;
    ctx.bar.tick(k);
  };
  try {
    if (!seg) seg = await createSegmenter('oracle', { masks: await loadOracleMasks(e.input) });
    tally.segLicence = seg.info.licence;
    const res = await removeVideo(e, target, ctx.masks ? maskFile : null, seg, ctx, () => tick(1));
    if (expected > ticked) tick(expected - ticked); // a segmenter that reports no frames still moves the bar
    addToTally(tally, e, res);
    if (ctx.auditCfg && ctx.models.auditDets) await auditOne(e, target, res, ctx, tally);
    const { masks: _m, maskVideo, ...summary } = res;
    const masks = maskVideo ? { maskVideo: path.relative(ctx.out, maskVideo).split(path.sep).join('/') } : {};
    await atomicWrite(marker, [Buffer.from(JSON.stringify({ ...summary, ...masks, output: e.rel }, null, 2) + '\n')]);
  } catch (err) {
    // fail closed: nothing of this video stays in the output
    fs.rmSync(target, { force: true });
    fs.rmSync(marker, { force: true });
    fs.rmSync(maskFile, { force: true });
    const reason = err instanceof Error ? err.message : String(err);
    tally.failed.push({ input: e.input, reason, code: isPpmaError(err) ? err.code : 'PPMA_IO' });
    const k = tally.outputs.findIndex((o) => o.input === e.input);
    if (k >= 0) tally.outputs.splice(k, 1);
    ctx.log(`failed: ${e.input}: ${reason}`);
    if (expected > ticked) tick(expected - ticked);
  } finally {
    if (seg && seg !== ctx.models.baseSeg) seg.dispose();
  }
}

function removeVideo(
  e: RunEntry,
  target: string,
  maskFile: string | null,
  seg: Segmenter,
  ctx: VideoRunContext,
  onFrame: () => void,
): Promise<RemoveVideoResult> {
  const oracle = ctx.models.segName === 'oracle';
  return removeHumansFromVideo(e.input, target, {
    // rvm on every 3rd frame (the frames between take the union of their neighbours' masks)
    segmentStride: ctx.models.segName === 'rvm' ? 3 : 1,
    // exact oracle masks: a spatially filled hole shows nothing of the person, so keep (and count) those frames
    unrecoverable: oracle ? 'keep' : 'drop',
    ...ctx.video,
    segmenter: seg,
    ...(ctx.models.catchDet ? { catchDetector: ctx.models.catchDet } : {}),
    keepMasks: Boolean(ctx.auditCfg),
    ...(maskFile ? { masksOutput: maskFile } : {}),
    onFrame,
  });
}

function addToTally(tally: RunTally, e: RunEntry, res: RemoveVideoResult): void {
  tally.frames += res.frames;
  tally.cuts += res.cuts.length;
  tally.lost += res.unrecoverable.frames.length;
  if (res.unrecoverable.frames.length) tally.policies.add(res.unrecoverable.policy);
  for (const k of [...PROFILE_PARTS, 'total'] as const) tally.profile[k] += res.seconds[k];
  tally.outputs.push({
    input: e.input,
    output: e.rel,
    frames: res.frames,
    framesWritten: res.framesWritten,
    writtenFrames: res.writtenFrames,
    maskedFraction: res.maskedFraction,
    cuts: res.cuts.length,
    unrecoverable: res.unrecoverable.frames.length,
  });
}

/** The audit of one output; a failure is reported, but does not undo a finished removal. */
async function auditOne(
  e: RunEntry,
  target: string,
  res: RemoveVideoResult,
  ctx: VideoRunContext,
  tally: RunTally,
): Promise<void> {
  try {
    const clean = await loadSynthClean(e.input);
    tally.audits.push(
      await auditVideo(
        {
          name: e.rel
            .replace(/\.mp4$/, '')
            .split('/')
            .join('__'),
          input: e.input,
          output: target,
          masks: res.masks as MaskBatch,
          frameMap: res.writtenFrames,
          ...(clean ? { clean } : {}),
        },
        ctx.models.auditDets!,
        {
          outDir: path.join(ctx.out, 'audit'),
          minScore: ctx.auditCfg?.minScore ?? 0.5,
          inputStride: ctx.auditCfg?.inputStride ?? 4,
        },
      ),
    );
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    tally.auditErrors.push({ input: e.input, reason, code: isPpmaError(err) ? err.code : 'PPMA_IO' });
    ctx.log(`audit failed: ${e.input}: ${reason}`);
  }
}
