/**
 * A deliberately cheap classifier for the sanity check "bias matters": nearest class centroid on
 * standardised mean colours of four horizontal bands of a clip (12 numbers, no motion at all).
 */
import { planClip, renderClip } from '../../src/index.js';
import type { ClipGeometry, DatasetSpec } from '../../src/index.js';

/** Mean RGB of 4 horizontal bands over all frames: 12 features. */
export function bandColours(frames: Uint8Array, t: number, h: number, w: number): number[] {
  const f = new Array<number>(12).fill(0);
  for (let i = 0; i < t * h * w; i++) {
    const y = Math.floor(i / w) % h;
    const b = Math.min(3, Math.floor((4 * y) / h));
    for (let c = 0; c < 3; c++) f[3 * b + c] += frames[3 * i + c];
  }
  return f.map((v) => v / ((t * h * w) / 4));
}

/** Accuracy of nearest-centroid on band colours, trained on `train` clips/class, tested on `val`. */
export function sceneOnlyAccuracy(
  ds: DatasetSpec,
  geom: ClipGeometry,
  seed: number,
  train: number,
  val: number,
  source: 'video' | 'clean',
): number {
  const r = sceneOnlyCounts(ds, geom, seed, train, val, source);
  return r.correct / r.total;
}

/** Correct predictions of nearest-centroid on band colours, trained on `train` clips/class, tested on `val` clips/class. */
export function sceneOnlyCounts(
  ds: DatasetSpec,
  geom: ClipGeometry,
  seed: number,
  train: number,
  val: number,
  source: 'video' | 'clean',
): { correct: number; total: number } {
  const feats = (split: 'train' | 'val', n: number): { x: number[]; y: number }[] => {
    const out: { x: number[]; y: number }[] = [];
    ds.classes.forEach((_, c) => {
      for (let k = 0; k < n; k++) {
        const clip = renderClip(planClip(ds, geom, seed, split, c, k), { withClean: source === 'clean' });
        const data = source === 'clean' ? (clip.clean as Uint8Array) : clip.video;
        out.push({ x: bandColours(data, clip.frames, clip.height, clip.width), y: c });
      }
    });
    return out;
  };
  const tr = feats('train', train);
  const te = feats('val', val);
  const d = tr[0].x.length;
  const mean = Array.from({ length: d }, (_, j) => tr.reduce((a, s) => a + s.x[j], 0) / tr.length);
  const std = Array.from(
    { length: d },
    (_, j) => Math.sqrt(tr.reduce((a, s) => a + (s.x[j] - mean[j]) ** 2, 0) / tr.length) || 1,
  );
  const z = (x: number[]): number[] => x.map((v, j) => (v - mean[j]) / std[j]);
  const cents = ds.classes.map((_, c) => {
    const mine = tr.filter((s) => s.y === c).map((s) => z(s.x));
    return Array.from({ length: d }, (_, j) => mine.reduce((a, x) => a + x[j], 0) / mine.length);
  });
  let ok = 0;
  for (const s of te) {
    const x = z(s.x);
    let best = 0;
    let bestD = Infinity;
    cents.forEach((cen, c) => {
      const dist = cen.reduce((a, v, j) => a + (v - x[j]) ** 2, 0);
      if (dist < bestD) {
        bestD = dist;
        best = c;
      }
    });
    if (best === s.y) ok++;
  }
  return { correct: ok, total: te.length };
}
