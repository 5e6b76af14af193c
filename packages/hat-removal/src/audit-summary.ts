/** The privacy audit's report (docs/ARCHITECTURE.md §7): per detector, their union, and the blind-detector caveat. */
import type { AuditOptions, AuditReport, DetectorAudit, VideoAudit } from './audit-types.js';
import type { PersonDetector } from './person-detector.js';

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
