/**
 * The privacy audit (docs/ARCHITECTURE.md §7): re-detect people in the output with a detector that is not the
 * segmenter, and report the residual-person rate per frame and per video; on synthetic data with a
 * known clean background, also score the inpainted region (PSNR, SSIM). Writes a JSON report and a
 * contact sheet (before | mask | after) per video.
 */
import path from 'node:path';
import { atomicWrite } from '@ppma/core';
import { decodeFrames } from '@ppma/video-io';
import { writeContactSheet } from './contact-sheet.js';
import type { FrameBatch, MaskBatch } from './frames.js';
import { createDetector, type DetectorName, type PersonDetector } from './person-detector.js';
import { maskedPsnr, maskedSsim } from './quality-metrics.js';

/** One input/output pair to audit. */
export interface AuditItem {
  /** Name used for the contact sheet file; default: the output's base name. */
  readonly name?: string;
  readonly input: string;
  readonly output: string;
  /** The removal masks (255 = inpainted), for the sheet and the quality scores. */
  readonly masks?: MaskBatch;
  /** The true clean background (synthetic data): a video path, frames, or a loader called when the video is audited. */
  readonly clean?: string | FrameBatch | (() => Promise<FrameBatch | null>);
}

/** Options of {@link auditRemoval}. */
export interface AuditOptions {
  readonly items: readonly AuditItem[];
  /** Where `audit.json` and the contact sheets go. */
  readonly outDir: string;
  /** Detector (default `centernet`); must not be the model that produced the masks. */
  readonly detector?: DetectorName;
  /** A detector already built (overrides `detector`). */
  readonly detectorInstance?: PersonDetector;
  /** Score at which a detection counts as a person (default 0.5). */
  readonly minScore?: number;
  /** A video has a residual person when more than this fraction of its frames do (default 0.05). */
  readonly videoFrameRate?: number;
  /** Audit every `inputStride`-th input frame (default 1); output frames are always all audited. */
  readonly inputStride?: number;
  /** Frames shown on the contact sheet (default 4 evenly spaced). */
  readonly sheetFrames?: readonly number[];
}

/** The audit of one video. */
export interface VideoAudit {
  readonly name: string;
  readonly input: string;
  readonly output: string;
  readonly frames: number;
  /** Fraction of audited input frames with at least one person. */
  readonly inputPersonRate: number;
  /** Fraction of output frames with at least one person: the residual-person rate. */
  readonly residualRate: number;
  /** Output frames with a residual person. */
  readonly residualFrames: readonly number[];
  /** Persons detected per output frame. */
  readonly outputPersons: readonly number[];
  readonly hasResidual: boolean;
  /** PSNR / SSIM of the inpainted region against the clean background (synthetic data only). */
  readonly psnr?: number;
  readonly ssim?: number;
  readonly sheet: string;
}

/** The whole audit. */
export interface AuditReport {
  readonly detector: string;
  readonly detectorLicence: string;
  readonly minScore: number;
  readonly videoFrameRate: number;
  readonly videos: readonly VideoAudit[];
  readonly summary: {
    readonly videos: number;
    readonly frames: number;
    /** Output frames with a residual person / all output frames. */
    readonly residualFrameRate: number;
    /** Videos with a residual person / all videos. */
    readonly residualVideoRate: number;
    /** Mean over videos of the fraction of audited input frames with a person (is the detector seeing people at all?). */
    readonly inputPersonRate: number;
    readonly meanPsnr?: number;
    readonly meanSsim?: number;
  };
}

/** Audits one input/output pair with a built detector; writes its contact sheet into `outDir`. */
export async function auditVideo(
  item: AuditItem,
  det: PersonDetector,
  opts: Pick<AuditOptions, 'outDir' | 'minScore' | 'videoFrameRate' | 'inputStride' | 'sheetFrames'>,
): Promise<VideoAudit> {
  const minScore = opts.minScore ?? 0.5;
  const videoFrameRate = opts.videoFrameRate ?? 0.05;
  const stride = Math.max(1, opts.inputStride ?? 1);
  const name = item.name ?? path.basename(item.output, path.extname(item.output));
  const before = await decodeFrames(item.input);
  const after = await decodeFrames(item.output);
  const persons = (boxes: { score: number }[][]): number[] =>
    boxes.map((b) => b.filter((x) => x.score >= minScore).length);
  const inIdx = Array.from({ length: Math.ceil(before.frames / stride) }, (_, k) => k * stride);
  const inPersons = persons(
    await det.detect(stride === 1 ? before : await decodeFrames(item.input, { indices: inIdx })),
  );
  const outPersons = persons(await det.detect(after));
  const residualFrames = outPersons.flatMap((c, t) => (c > 0 ? [t] : []));
  const residualRate = after.frames ? residualFrames.length / after.frames : 0;
  let psnr: number | undefined;
  let ssim: number | undefined;
  const clean =
    typeof item.clean === 'string'
      ? await decodeFrames(item.clean)
      : typeof item.clean === 'function'
        ? await item.clean()
        : item.clean;
  if (clean) {
    psnr = maskedPsnr(after, clean, item.masks ?? null);
    ssim = maskedSsim(after, clean, item.masks ?? null);
  }
  const sheet = path.join(opts.outDir, `${name}.sheet.png`);
  await writeContactSheet(
    sheet,
    before,
    item.masks ?? changedPixels(before, after),
    after,
    opts.sheetFrames ? { frames: opts.sheetFrames } : {},
  );
  return {
    name,
    input: item.input,
    output: item.output,
    frames: after.frames,
    inputPersonRate: inPersons.filter((c) => c > 0).length / Math.max(1, inPersons.length),
    residualRate,
    residualFrames,
    outputPersons: outPersons,
    hasResidual: residualRate > videoFrameRate,
    ...(psnr !== undefined ? { psnr, ssim } : {}),
    sheet,
  };
}

/** Aggregates per-video audits into a report. */
export function summarizeAudit(
  videos: readonly VideoAudit[],
  det: PersonDetector,
  opts: Pick<AuditOptions, 'minScore' | 'videoFrameRate'> = {},
): AuditReport {
  const frames = videos.reduce((s, v) => s + v.frames, 0);
  const scored = videos.filter((v) => v.psnr !== undefined && Number.isFinite(v.psnr));
  return {
    detector: det.info.name,
    detectorLicence: det.info.licence,
    minScore: opts.minScore ?? 0.5,
    videoFrameRate: opts.videoFrameRate ?? 0.05,
    videos,
    summary: {
      videos: videos.length,
      frames,
      residualFrameRate: frames ? videos.reduce((s, v) => s + v.residualFrames.length, 0) / frames : 0,
      residualVideoRate: videos.length ? videos.filter((v) => v.hasResidual).length / videos.length : 0,
      inputPersonRate: videos.length ? videos.reduce((s, v) => s + v.inputPersonRate, 0) / videos.length : 0,
      ...(scored.length
        ? {
            meanPsnr: scored.reduce((s, v) => s + v.psnr!, 0) / scored.length,
            meanSsim: scored.reduce((s, v) => s + v.ssim!, 0) / scored.length,
          }
        : {}),
    },
  };
}

/** Runs the audit and writes `<outDir>/audit.json` plus `<outDir>/<name>.sheet.png` per video. */
export async function auditRemoval(opts: AuditOptions): Promise<AuditReport> {
  const minScore = opts.minScore ?? 0.5;
  const det =
    opts.detectorInstance ??
    (await createDetector(opts.detector ?? 'centernet', { minScore: Math.min(0.3, minScore) }));
  const videos: VideoAudit[] = [];
  try {
    for (const item of opts.items) videos.push(await auditVideo(item, det, opts));
  } finally {
    if (!opts.detectorInstance) det.dispose();
  }
  const report = summarizeAudit(videos, det, opts);
  await atomicWrite(path.join(opts.outDir, 'audit.json'), [Buffer.from(JSON.stringify(report, null, 2) + '\n')]);
  return report;
}

/** Where no masks were kept: the pixels the removal changed (more than 12 levels in any channel). */
function changedPixels(a: FrameBatch, b: FrameBatch): MaskBatch {
  const n = a.width * a.height;
  const T = Math.min(a.frames, b.frames);
  const data = new Uint8Array(T * n);
  for (let i = 0; i < T * n; i++) {
    const d = Math.max(
      Math.abs(a.data[i * 3] - b.data[i * 3]),
      Math.abs(a.data[i * 3 + 1] - b.data[i * 3 + 1]),
      Math.abs(a.data[i * 3 + 2] - b.data[i * 3 + 2]),
    );
    if (d > 12) data[i] = 255;
  }
  return { data, frames: T, width: a.width, height: a.height };
}
