/**
 * The review summary (docs/ARCHITECTURE.md §7 "Privacy audit"): the manual clean rate with its 95%
 * Wilson interval, beside the automatic audit's clean rate on the same videos, and the videos where
 * the two disagree. "Clean" here means "no residual person", the quantity the audit measures: a
 * video marked `artifact` is person-free (its visible fill errors are counted separately).
 */
import { match } from 'ts-pattern';
import type { ReviewVideo } from './removal-output.js';
import type { Mark, Verdict } from './review-file.js';
import { formatRate, wilsonInterval, type RateInterval } from './wilson-interval.js';

/** A video where the reviewer and the audit disagree. */
export interface Disagreement {
  readonly id: string;
  readonly manual: Verdict;
  /** What the audit said: `residual` (flagged) or `clean`. */
  readonly audit: 'residual' | 'clean';
  readonly note: string;
}

/** What {@link summarizeReview} reports. */
export interface ReviewSummary {
  /** Videos under review (the sample, or all). */
  readonly videos: number;
  readonly reviewed: number;
  readonly counts: Readonly<Record<Verdict, number>>;
  /** Reviewed videos with no residual person (`clean` or `artifact`) / reviewed. */
  readonly manualClean: RateInterval;
  /** Reviewed videos marked `artifact` / reviewed. */
  readonly artifact: RateInterval;
  /** On the reviewed videos that have an audit: the manual clean rate... */
  readonly manualCleanAudited: RateInterval;
  /** ...and the audit's clean rate (not flagged with a residual person). */
  readonly auditClean: RateInterval;
  /** The audit's detector(s). */
  readonly auditDetectors: readonly string[];
  /** The models that removed the people, as the audits name them. */
  readonly removalModels: readonly string[];
  /** The audits' own warnings (e.g. detectors that hardly see the input's people). */
  readonly auditCaveats: readonly string[];
  /** Reviewed videos with no audit. */
  readonly notAudited: readonly string[];
  readonly disagreements: readonly Disagreement[];
  /** The first video without a verdict (where the review continues), or null when done. */
  readonly next: string | null;
}

const personFree = (v: Verdict): boolean =>
  match(v)
    .with('clean', 'artifact', () => true)
    .with('residual-person', () => false)
    .exhaustive();

/** Summarises the verdicts on `videos` (the videos under review, in order). */
export function summarizeReview(
  videos: readonly ReviewVideo[],
  verdicts: Readonly<Record<string, Mark>>,
): ReviewSummary {
  const counts: Record<Verdict, number> = { clean: 0, 'residual-person': 0, artifact: 0 };
  const reviewed = videos.filter((v) => verdicts[v.id] !== undefined);
  for (const v of reviewed) counts[verdicts[v.id]!.verdict]++;
  const audited = reviewed.filter((v) => v.audit !== undefined);
  const free = (vs: readonly ReviewVideo[]): number => vs.filter((v) => personFree(verdicts[v.id]!.verdict)).length;
  const disagreements: Disagreement[] = audited.flatMap((v) => {
    const m = verdicts[v.id]!;
    const flagged = v.audit!.hasResidual;
    return personFree(m.verdict) === !flagged
      ? []
      : [{ id: v.id, manual: m.verdict, audit: flagged ? ('residual' as const) : ('clean' as const), note: m.note }];
  });
  return {
    videos: videos.length,
    reviewed: reviewed.length,
    counts,
    manualClean: wilsonInterval(free(reviewed), reviewed.length),
    artifact: wilsonInterval(counts.artifact, reviewed.length),
    manualCleanAudited: wilsonInterval(free(audited), audited.length),
    auditClean: wilsonInterval(audited.filter((v) => !v.audit!.hasResidual).length, audited.length),
    auditDetectors: [...new Set(audited.map((v) => v.audit!.detector))],
    removalModels: [...new Set(audited.flatMap((v) => v.audit!.removalModels ?? []))],
    auditCaveats: [...new Set(audited.flatMap((v) => (v.audit!.caveat ? [v.audit!.caveat] : [])))],
    notAudited: reviewed.filter((v) => v.audit === undefined).map((v) => v.id),
    disagreements,
    next: videos.find((v) => verdicts[v.id] === undefined)?.id ?? null,
  };
}

/** The summary as the lines `ppma review --summary` prints. */
export function formatSummary(s: ReviewSummary): string {
  const lines = [
    `reviewed ${s.reviewed} of ${s.videos} videos: ${s.counts.clean} clean, ${s.counts['residual-person']} residual person, ${s.counts.artifact} artifact`,
    `manual clean rate (no residual person; 95% Wilson interval): ${formatRate(s.manualClean)}`,
    `artifact rate: ${formatRate(s.artifact)}`,
    `on the ${s.auditClean.n} reviewed videos with an audit (${s.auditDetectors.join(', ') || 'none'}): manual ${formatRate(s.manualCleanAudited)}, audit ${formatRate(s.auditClean)}`,
  ];
  if (s.removalModels.length) lines.push(`removed by: ${s.removalModels.join(', ')}`);
  for (const c of s.auditCaveats) lines.push(`audit caveat: ${c}`);
  if (s.notAudited.length) lines.push(`not audited: ${s.notAudited.join(', ')}`);
  lines.push(`disagreements: ${s.disagreements.length}`);
  for (const d of s.disagreements)
    lines.push(`  ${d.id}: reviewer ${d.manual}, audit ${d.audit}${d.note ? ` (${d.note})` : ''}`);
  lines.push(
    s.videos === 0 ? 'no videos to review' : s.next === null ? 'review complete' : `next to review: ${s.next}`,
  );
  return lines.join('\n');
}
