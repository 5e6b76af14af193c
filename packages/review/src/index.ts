/**
 * @ppma/review: `ppma review`, a local web page for signing off human removal
 * (docs/ARCHITECTURE.md §7 "Privacy audit"): the input and output of each video side by side, the
 * audit's per-frame strip, verdicts saved to `review.json`, and the manual clean rate with its
 * Wilson interval beside the audit's.
 */
export { startReviewServer } from './review-server.js';
export type { ReviewServer, ReviewServerOptions } from './review-server.js';
export { loadRemovalOutput } from './removal-output.js';
export type { ReviewVideo, VideoAuditView } from './removal-output.js';
export { ReviewStore, VERDICTS, REVIEW_FILE } from './review-file.js';
export type { Verdict, Mark, ReviewFile, ReviewStoreOptions } from './review-file.js';
export { summarizeReview, formatSummary } from './review-summary.js';
export type { ReviewSummary, Disagreement } from './review-summary.js';
export { reviewSummary } from './review-cli.js';
export { wilsonInterval, formatRate } from './wilson-interval.js';
export type { RateInterval } from './wilson-interval.js';
export { spreadSample } from './spread-sample.js';
export { resolveInside, isInside } from './path-guard.js';
export type { GuardResult } from './path-guard.js';
export { FrameSource } from './frame-source.js';
export type { FrameKind, FrameInfo } from './frame-source.js';
