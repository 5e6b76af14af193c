/**
 * Learning-rate schedules. The paper's recipe (docs/ARCHITECTURE.md §5): linear warm-up from 5e-7 to the peak,
 * then cosine decay to a final value.
 */

/** A learning rate as a function of the (0-based) optimizer step. */
export type LrSchedule = (step: number) => number;

/** Options of {@link cosineSchedule}. */
export interface CosineScheduleOptions {
  /** Learning rate at the end of warm-up. */
  readonly peak: number;
  /** Steps of linear warm-up. */
  readonly warmupSteps: number;
  /** Total steps; the cosine reaches `final` here. */
  readonly totalSteps: number;
  /** Learning rate at step 0. Default 5e-7. */
  readonly warmupStart?: number;
  /** Learning rate at the last step. Default 0 (the paper's min_lr is 1e-6 in some configs). */
  readonly final?: number;
}

/**
 * Linear warm-up from `warmupStart` (step 0) to `peak` (step `warmupSteps`), then
 * `final + (peak − final)·(1 + cos(π·(step − warmup)/(total − warmup)))/2`.
 */
export function cosineSchedule(o: CosineScheduleOptions): LrSchedule {
  const start = o.warmupStart ?? 5e-7;
  const final = o.final ?? 0;
  const warm = Math.max(0, Math.floor(o.warmupSteps));
  const total = Math.max(warm + 1, Math.floor(o.totalSteps));
  return (step: number) => {
    if (step < warm) return start + ((o.peak - start) * step) / warm;
    const t = Math.min(1, (step - warm) / (total - warm));
    return final + 0.5 * (o.peak - final) * (1 + Math.cos(Math.PI * t));
  };
}

/** A constant learning rate. */
export function constantSchedule(lr: number): LrSchedule {
  return () => lr;
}
