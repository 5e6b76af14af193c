/** Training curves from a run's `metrics.jsonl`: mean step loss per epoch, plus logged evaluations. */
import { definedOnly, type MetricsRecord } from '@ppma/core';

/** One epoch of a training curve. */
export interface CurvePoint {
  /** 1-based epoch. */
  readonly epoch: number;
  /** Mean training loss over the epoch's steps. */
  readonly loss: number;
  /** Validation top-1 when it was evaluated after this epoch. */
  readonly valTop1?: number;
}

/** Folds step and epoch records into one point per epoch. */
export function epochCurve(records: readonly MetricsRecord[]): CurvePoint[] {
  const sums = new Map<number, { loss: number; n: number; valTop1?: number }>();
  for (const r of records) {
    if (typeof r.epoch !== 'number') continue;
    const e = sums.get(r.epoch) ?? { loss: 0, n: 0 };
    if (r.kind === 'step' && typeof r.loss === 'number') {
      e.loss += r.loss;
      e.n += 1;
    }
    if (r.kind === 'epoch') {
      const v = r.valTop1 ?? r.top1 ?? r.valAcc;
      if (typeof v === 'number') e.valTop1 = v;
    }
    sums.set(r.epoch, e);
  }
  return [...sums.entries()]
    .sort((a, b) => a[0] - b[0])
    .filter(([, e]) => e.n > 0)
    .map(([epoch, e]) => ({
      epoch: epoch + 1,
      loss: e.loss / e.n,
      ...definedOnly({ valTop1: e.valTop1 }),
    }));
}
