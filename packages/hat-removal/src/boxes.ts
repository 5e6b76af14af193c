/** DetectionBox arithmetic shared by the detectors, the catch and the tracker (docs/ARCHITECTURE.md §7). */
import type { DetectionBox } from './frames.js';

/** A box clamped to the frame. */
export function clampBox(b: DetectionBox, width: number, height: number): DetectionBox {
  return {
    x1: Math.max(0, Math.min(width, b.x1)),
    y1: Math.max(0, Math.min(height, b.y1)),
    x2: Math.max(0, Math.min(width, b.x2)),
    y2: Math.max(0, Math.min(height, b.y2)),
    score: b.score,
  };
}

/** Intersection over union of two boxes. */
export function iou(a: DetectionBox, b: DetectionBox): number {
  const w = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const h = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const inter = w * h;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy non-maximum suppression. */
export function nms(boxes: readonly DetectionBox[], maxIou: number): DetectionBox[] {
  const sorted = [...boxes].sort((a, b) => b.score - a.score);
  const kept: DetectionBox[] = [];
  for (const b of sorted) if (kept.every((k) => iou(k, b) <= maxIou)) kept.push(b);
  return kept;
}
