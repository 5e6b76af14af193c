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
import type { AuditItem, AuditOptions, AuditReport, VideoAudit } from './audit-types.js';
import { summarizeAudit } from './audit-summary.js';

export type { AuditItem, AuditOptions, AuditReport, DetectorAudit, VideoAudit } from './audit-types.js';
export { summarizeAudit } from './audit-summary.js';

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
