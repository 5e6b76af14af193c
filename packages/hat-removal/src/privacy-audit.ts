/**
 * The privacy audit (docs/ARCHITECTURE.md §7): re-detect people in the output with detectors that the removal
 * did not use (neither its segmenter nor its missed-person catch), and report the residual-person
 * rate per frame and per video, for each detector and for their union; on synthetic data with a
 * known clean background, also score the inpainted region (PSNR, SSIM). Writes a JSON report and a
 * contact sheet (before | mask | after) per video.
 */
import path from 'node:path';
import { atomicWrite, ConfigError } from '@ppma/core';
import { decodeFrames } from '@ppma/video-io';
import { writeContactSheet } from './contact-sheet.js';
import type { FrameBatch, MaskBatch } from './frames.js';
import { createDetector, DETECTORS, type DetectorName, type PersonDetector } from './person-detector.js';
import { maskedPsnr, maskedSsim } from './quality-metrics.js';

/** One input/output pair to audit. */
export interface AuditItem {
  /** Name used for the contact sheet file; default: the output's base name. */
  readonly name?: string;
  readonly input: string;
  readonly output: string;
  /** The removal masks (255 = inpainted), for the sheet and the quality scores. */
  readonly masks?: MaskBatch;
  /**
   * Input frame of each output frame, when the removal dropped frames (default: the same index);
   * the input, the masks and the clean background are matched to the output through it.
   */
  readonly frameMap?: readonly number[];
  /** The true clean background (synthetic data): a video path, frames, or a loader called when the video is audited. */
  readonly clean?: string | FrameBatch | (() => Promise<FrameBatch | null>);
}

/** Options of {@link auditRemoval}. */
export interface AuditOptions {
  readonly items: readonly AuditItem[];
  /** Where `audit.json` and the contact sheets go. */
  readonly outDir: string;
  /**
   * Audit detectors (default: {@link defaultAuditDetectors} of `removalModels`, i.e. `nanodet` and
   * `movenet-multipose` after a removal with rvm and the CenterNet catch). A frame has a residual
   * person when any of them finds one; each is also reported on its own.
   */
  readonly detectors?: readonly DetectorName[];
  /** One audit detector (the same as `detectors: [detector]`). */
  readonly detector?: DetectorName;
  /** Detectors already built (override `detectors`). */
  readonly detectorInstances?: readonly PersonDetector[];
  /** A detector already built (the same as `detectorInstances: [detectorInstance]`). */
  readonly detectorInstance?: PersonDetector;
  /**
   * The models the removal used (segmenter and catch, registry names such as `rvm`, `centernet`),
   * written into the report; an audit detector among them is marked `independent: false`.
   */
  readonly removalModels?: readonly string[];
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
  /** Persons detected per output frame (the most any audit detector found). */
  readonly outputPersons: readonly number[];
  /** The same, per audit detector. */
  readonly byDetector: Readonly<
    Record<string, { readonly inputPersonRate: number; readonly residualFrames: readonly number[] }>
  >;
  readonly hasResidual: boolean;
  /** PSNR / SSIM of the inpainted region against the clean background (synthetic data only). */
  readonly psnr?: number;
  readonly ssim?: number;
  readonly sheet: string;
}

/** One audit detector's figures over all videos. */
export interface DetectorAudit {
  readonly name: string;
  readonly licence: string;
  /** False when the removal used this model too (it then grades its own work). */
  readonly independent: boolean;
  readonly residualFrameRate: number;
  readonly residualVideoRate: number;
  readonly inputPersonRate: number;
}

/** The whole audit. */
export interface AuditReport {
  /** The audit detectors, `+`-joined (e.g. `nanodet+movenet-multipose`). */
  readonly detector: string;
  readonly detectorLicence: string;
  /** Which models removed the people and which audited the result. */
  readonly models: { readonly removal: readonly string[]; readonly audit: readonly string[] };
  readonly detectors: readonly DetectorAudit[];
  /**
   * Set when the detectors hardly see the people of the input (fewer than 20% of the audited input
   * frames with a person, as on small synthetic clips): the residual rates say little there, and the
   * PSNR/SSIM against the known clean plates are the measure to read.
   */
  readonly caveat?: string;
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

/** Audit detectors that the removal did not use: the first two of nanodet, movenet-multipose, centernet not in `removalModels`. */
export function defaultAuditDetectors(removalModels: readonly string[] = []): DetectorName[] {
  const order: readonly DetectorName[] = ['nanodet', 'movenet-multipose', 'centernet'];
  return order.filter((d) => !removalModels.includes(d)).slice(0, 2);
}

/** Audits one input/output pair with built detectors; writes its contact sheet into `outDir`. */
export async function auditVideo(
  item: AuditItem,
  dets: PersonDetector | readonly PersonDetector[],
  opts: Pick<AuditOptions, 'outDir' | 'minScore' | 'videoFrameRate' | 'inputStride' | 'sheetFrames'>,
): Promise<VideoAudit> {
  const detectors = Array.isArray(dets) ? (dets as readonly PersonDetector[]) : [dets as PersonDetector];
  const minScore = opts.minScore ?? 0.5;
  const videoFrameRate = opts.videoFrameRate ?? 0.05;
  const stride = Math.max(1, opts.inputStride ?? 1);
  const name = item.name ?? path.basename(item.output, path.extname(item.output));
  const map = item.frameMap;
  const before = pick(await decodeFrames(item.input), map);
  const after = await decodeFrames(item.output);
  const masks = item.masks ? (pick(item.masks, map) as MaskBatch) : undefined;
  const persons = (boxes: { score: number }[][]): number[] =>
    boxes.map((b) => b.filter((x) => x.score >= minScore).length);
  const inIdx = Array.from({ length: Math.ceil(before.frames / stride) }, (_, k) => k * stride);
  const inFrames = stride === 1 ? before : pick(before, inIdx);
  const byDetector: Record<string, { inputPersonRate: number; residualFrames: number[] }> = {};
  const outPersons = new Array<number>(after.frames).fill(0);
  const inAny = new Array<boolean>(inFrames.frames).fill(false);
  for (const det of detectors) {
    const inP = persons(await det.detect(inFrames));
    const outP = persons(await det.detect(after));
    outP.forEach((c, t) => (outPersons[t] = Math.max(outPersons[t], c)));
    inP.forEach((c, t) => (inAny[t] ||= c > 0));
    byDetector[det.info.name] = {
      inputPersonRate: inP.filter((c) => c > 0).length / Math.max(1, inP.length),
      residualFrames: outP.flatMap((c, t) => (c > 0 ? [t] : [])),
    };
  }
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
    const c = pick(clean, map);
    psnr = maskedPsnr(after, c, masks ?? null);
    ssim = maskedSsim(after, c, masks ?? null);
  }
  const sheet = path.join(opts.outDir, `${name}.sheet.png`);
  await writeContactSheet(
    sheet,
    before,
    masks ?? changedPixels(before, after),
    after,
    opts.sheetFrames ? { frames: opts.sheetFrames } : {},
  );
  return {
    name,
    input: item.input,
    output: item.output,
    frames: after.frames,
    inputPersonRate: inAny.filter(Boolean).length / Math.max(1, inAny.length),
    residualRate,
    residualFrames,
    outputPersons: outPersons,
    byDetector,
    hasResidual: residualRate > videoFrameRate,
    ...(psnr !== undefined ? { psnr, ssim } : {}),
    sheet,
  };
}

/** Aggregates per-video audits into a report. */
export function summarizeAudit(
  videos: readonly VideoAudit[],
  dets: PersonDetector | readonly PersonDetector[],
  opts: Pick<AuditOptions, 'minScore' | 'videoFrameRate' | 'removalModels'> = {},
): AuditReport {
  const detectors = Array.isArray(dets) ? (dets as readonly PersonDetector[]) : [dets as PersonDetector];
  const removal = opts.removalModels ?? [];
  const videoFrameRate = opts.videoFrameRate ?? 0.05;
  const frames = videos.reduce((s, v) => s + v.frames, 0);
  const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);
  const scored = videos.filter((v) => v.psnr !== undefined && Number.isFinite(v.psnr));
  const perDetector: DetectorAudit[] = detectors.map((d) => {
    const mine = videos.map((v) => v.byDetector[d.info.name] ?? { inputPersonRate: 0, residualFrames: [] });
    return {
      name: d.info.name,
      licence: d.info.licence,
      independent: !removal.includes(d.info.name),
      residualFrameRate: frames ? mine.reduce((s, m) => s + m.residualFrames.length, 0) / frames : 0,
      residualVideoRate: videos.length
        ? videos.filter((v, k) => mine[k].residualFrames.length / Math.max(1, v.frames) > videoFrameRate).length /
          videos.length
        : 0,
      inputPersonRate: mean(mine.map((m) => m.inputPersonRate)),
    };
  });
  const inputPersonRate = mean(videos.map((v) => v.inputPersonRate));
  const blind = videos.length > 0 && inputPersonRate < 0.2;
  const size = videos.length ? `${videos.length} videos` : '';
  return {
    detector: detectors.map((d) => d.info.name).join('+'),
    detectorLicence: detectors.map((d) => d.info.licence).join('+'),
    models: { removal, audit: detectors.map((d) => d.info.name) },
    detectors: perDetector,
    ...(blind
      ? {
          caveat:
            `the audit detectors find a person in only ${(100 * inputPersonRate).toFixed(1)}% of the audited input frames (${size}): ` +
            'they are blind at this clip size or style, so the residual rates say little; rely on the PSNR/SSIM against the known clean plates',
        }
      : {}),
    minScore: opts.minScore ?? 0.5,
    videoFrameRate,
    videos,
    summary: {
      videos: videos.length,
      frames,
      residualFrameRate: frames ? videos.reduce((s, v) => s + v.residualFrames.length, 0) / frames : 0,
      residualVideoRate: videos.length ? videos.filter((v) => v.hasResidual).length / videos.length : 0,
      inputPersonRate,
      ...(scored.length
        ? {
            meanPsnr: mean(scored.map((v) => v.psnr!)),
            meanSsim: mean(scored.map((v) => v.ssim!)),
          }
        : {}),
    },
  };
}

/** Builds the audit detectors of `opts` (scores down to 0.3 are kept; `minScore` is applied when counting). */
export async function createAuditDetectors(
  opts: Pick<AuditOptions, 'detectors' | 'detector' | 'removalModels' | 'minScore'>,
): Promise<PersonDetector[]> {
  const names = opts.detectors ?? (opts.detector ? [opts.detector] : defaultAuditDetectors(opts.removalModels));
  if (names.length === 0) throw new ConfigError('audit.detectors', 'needs at least one detector');
  for (const n of names)
    if (!(DETECTORS as readonly string[]).includes(n))
      throw new ConfigError('audit.detectors', `unknown detector "${n}"; known: ${DETECTORS.join(', ')}`);
  const minScore = Math.min(0.3, opts.minScore ?? 0.5);
  const out: PersonDetector[] = [];
  try {
    for (const n of names) out.push(await createDetector(n, { minScore }));
  } catch (err) {
    out.forEach((d) => d.dispose());
    throw err;
  }
  return out;
}

/** Runs the audit and writes `<outDir>/audit.json` plus `<outDir>/<name>.sheet.png` per video. */
export async function auditRemoval(opts: AuditOptions): Promise<AuditReport> {
  const given = opts.detectorInstances ?? (opts.detectorInstance ? [opts.detectorInstance] : null);
  const dets = given ?? (await createAuditDetectors(opts));
  const videos: VideoAudit[] = [];
  try {
    for (const item of opts.items) videos.push(await auditVideo(item, dets, opts));
  } finally {
    if (!given) dets.forEach((d) => d.dispose());
  }
  const report = summarizeAudit(videos, dets, opts);
  await atomicWrite(path.join(opts.outDir, 'audit.json'), [Buffer.from(JSON.stringify(report, null, 2) + '\n')]);
  return report;
}

/** Frames `idx` of a batch (the batch itself when no index is given). */
function pick<B extends FrameBatch | MaskBatch>(b: B, idx: readonly number[] | undefined): B {
  if (!idx) return b;
  const per = b.data.length / Math.max(1, b.frames);
  const data = new Uint8Array(idx.length * per);
  idx.forEach((t, k) => data.set(b.data.subarray(t * per, (t + 1) * per), k * per));
  return { ...b, data, frames: idx.length };
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
