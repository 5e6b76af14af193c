/**
 * The one shape of a video left out of a run (docs/ARCHITECTURE.md §6 "Bad input"): its path and why.
 * Every loader, store and benchmark reports skipped videos this way; none is ever replaced by a
 * dummy clip.
 */
import { PpmaError } from '@ppma/core';

/** A video left out, and why. */
export interface SkippedVideo {
  readonly path: string;
  /** `<PPMA code or problem>: <detail>`. */
  readonly reason: string;
}

/** The skip record of a typed error raised while probing or decoding `path`. */
export function skippedVideo(path: string, e: PpmaError): SkippedVideo {
  return { path, reason: `${e.code}: ${e.message}` };
}
