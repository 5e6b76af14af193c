/**
 * Cells of the issue-13 experiments summarised with @ppma/bench's statistics (docs/ARCHITECTURE.md
 * §12): the mean over seeds with the 95% bootstrap interval over validation clips and seeds, and
 * paired differences on the same clips.
 */
import { bootstrapAccuracy, pairedBootstrap } from '@ppma/bench';
import type { Correctness } from '@ppma/bench';

/** Stacks per-seed 0/1 rows (same clips, same order) into a {@link Correctness}. */
export function stack(perSeed: readonly Uint8Array[]): Correctness {
  const clips = perSeed[0].length;
  const correct = new Uint8Array(perSeed.length * clips);
  perSeed.forEach((r, s) => {
    if (r.length !== clips) throw new RangeError(`stack: seed ${s} has ${r.length} clips, expected ${clips}`);
    correct.set(r, s * clips);
  });
  return { seeds: perSeed.length, clips, correct };
}

/** `mean [lo, hi]` in percent, one decimal. */
export function cellText(c: Correctness | readonly Correctness[]): string {
  const i = bootstrapAccuracy(Array.isArray(c) ? c : [c as Correctness]);
  return `${i.mean.toFixed(1)} [${i.lo.toFixed(1)}, ${i.hi.toFixed(1)}]`;
}

/** The interval as numbers (for the JSON results). */
export function cellNumbers(c: Correctness | readonly Correctness[]): { mean: number; lo: number; hi: number } {
  return bootstrapAccuracy(Array.isArray(c) ? c : [c as Correctness]);
}

/** `+d [lo, hi], p = ..` of a - b over tasks paired on clips. */
export function diffText(pairs: readonly { a: Correctness; b: Correctness }[]): string {
  const d = pairedBootstrap(pairs);
  const s = d.mean >= 0 ? '+' : '';
  return `${s}${d.mean.toFixed(1)} [${d.lo.toFixed(1)}, ${d.hi.toFixed(1)}], p = ${d.p < 0.001 ? '<0.001' : d.p.toFixed(3)}`;
}
