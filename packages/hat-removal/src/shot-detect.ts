/**
 * Shot boundaries (docs/ARCHITECTURE.md §7, inpainting across cuts). Each frame gets a signature: a 4x4x4
 * RGB histogram and a 32x24 grey thumbnail. Two consecutive frames are a cut when the layout changed
 * (the thumbnails' mean absolute difference, minimised over shifts of up to 2 thumbnail pixels so a
 * camera pan does not count, passes `diffThreshold`), or when the colours changed (histogram
 * total-variation distance over `histThreshold`) together with a smaller layout change.
 *
 * Thresholds from the test footage built from the real pedestrian clip (test/helpers/footage.ts):
 * within a shot the shifted difference stays under 11 grey levels (close-ups with walkers filling
 * the frame) and the histogram distance under 0.03; at the cuts the difference is 42 to 50 (a
 * mirrored stretch of the same street has a histogram distance of only 0.03, so colour alone cannot
 * find it). Defaults: 22 (twice the largest within-shot value, half the smallest cut), or 0.2 with 12.
 */

/** What {@link isCut} compares. */
export interface FrameSignature {
  /** Normalised 64-bin RGB histogram (4 levels per channel). */
  readonly hist: Float32Array;
  /** 32x24 grey thumbnail (box-averaged). */
  readonly thumb: Float32Array;
  /** Thumbnail cells with no person in them (1), when the signature was taken with a person mask. */
  readonly valid?: Uint8Array;
}

/** Thresholds of {@link isCut}. */
export interface ShotOptions {
  /** Shifted thumbnail difference (grey levels) above which the layout changed: a cut (default 22). */
  readonly diffThreshold?: number;
  /** Histogram distance (total variation, 0..1) above which the colours changed (default 0.2)... */
  readonly histThreshold?: number;
  /** ...which is a cut when the shifted difference also passes this (default 12). */
  readonly histDiffThreshold?: number;
}

const TW = 32;
const TH = 24;

/**
 * The signature of one RGB `[H, W, 3]` frame (every 2nd pixel in each direction). With a person
 * mask (`[H, W]`, >= 64 = person) the people are left out: a person filling the frame and walking
 * out of it changes the frame a lot without being a cut.
 */
export function frameSignature(rgb: Uint8Array, W: number, H: number, person?: Uint8Array): FrameSignature {
  const hist = new Float32Array(64);
  const thumb = new Float32Array(TW * TH);
  const cnt = new Float32Array(TW * TH);
  const masked = person ? new Float32Array(TW * TH) : null;
  let total = 0;
  for (let y = 0; y < H; y += 2) {
    const ty = Math.min(TH - 1, Math.floor((y * TH) / H));
    for (let x = 0; x < W; x += 2) {
      if (person && masked && person[y * W + x] >= 64) {
        masked[ty * TW + Math.min(TW - 1, Math.floor((x * TW) / W))]++;
        continue;
      }
      const p = (y * W + x) * 3;
      const r = rgb[p];
      const g = rgb[p + 1];
      const b = rgb[p + 2];
      hist[((r >> 6) << 4) | ((g >> 6) << 2) | (b >> 6)]++;
      total++;
      const k = ty * TW + Math.min(TW - 1, Math.floor((x * TW) / W));
      thumb[k] += 0.299 * r + 0.587 * g + 0.114 * b;
      cnt[k]++;
    }
  }
  for (let i = 0; i < 64; i++) hist[i] /= Math.max(1, total);
  for (let k = 0; k < thumb.length; k++) thumb[k] /= Math.max(1, cnt[k]);
  if (!masked) return { hist, thumb };
  const valid = new Uint8Array(TW * TH);
  for (let k = 0; k < valid.length; k++) valid[k] = cnt[k] > 0 && masked[k] <= cnt[k] / 4 ? 1 : 0;
  return { hist, thumb, valid };
}

/**
 * The two distances between signatures: histogram total variation (0..1), and the thumbnails' mean
 * absolute difference at the best shift within ±2 thumbnail pixels (over the overlap).
 */
export function signatureDistance(a: FrameSignature, b: FrameSignature): { hist: number; diff: number } {
  let h = 0;
  for (let i = 0; i < 64; i++) h += Math.abs(a.hist[i] - b.hist[i]);
  let best = Infinity;
  for (let sy = -2; sy <= 2; sy++) {
    for (let sx = -2; sx <= 2; sx++) {
      let d = 0;
      let n = 0;
      for (let y = Math.max(0, sy); y < Math.min(TH, TH + sy); y++) {
        for (let x = Math.max(0, sx); x < Math.min(TW, TW + sx); x++) {
          const i = y * TW + x;
          const j = (y - sy) * TW + x - sx;
          if ((b.valid && !b.valid[i]) || (a.valid && !a.valid[j])) continue;
          d += Math.abs(b.thumb[i] - a.thumb[j]);
          n++;
        }
      }
      // with people everywhere (fewer than 1 cell in 8 left), the layout cannot be compared: no evidence of a cut
      if (n >= (TW * TH) / 8) best = Math.min(best, d / n);
    }
  }
  return { hist: h / 2, diff: Number.isFinite(best) ? best : 0 };
}

/** True when frame b starts a new shot after frame a. */
export function isCut(a: FrameSignature, b: FrameSignature, opts: ShotOptions = {}): boolean {
  const d = signatureDistance(a, b);
  return (
    d.diff > (opts.diffThreshold ?? 22) ||
    (d.hist > (opts.histThreshold ?? 0.2) && d.diff > (opts.histDiffThreshold ?? 12))
  );
}
