/**
 * Image quality of the inpainted region against the true clean background (docs/ARCHITECTURE.md §7, audit):
 * PSNR over the masked pixels, and SSIM (Wang et al., 2004) on luma with 7x7 uniform windows
 * (the scikit-image window; population rather than sample variances), averaged over the masked pixels.
 */
import type { FrameBatch, MaskBatch } from './frames.js';

/** PSNR in dB between two RGB batches over the pixels where `mask` is set (all pixels when null). */
export function maskedPsnr(a: FrameBatch, b: FrameBatch, mask: MaskBatch | null): number {
  const n = a.width * a.height;
  let se = 0;
  let cnt = 0;
  for (let i = 0; i < a.frames * n; i++) {
    if (mask && !mask.data[i]) continue;
    for (let c = 0; c < 3; c++) {
      const d = a.data[i * 3 + c] - b.data[i * 3 + c];
      se += d * d;
    }
    cnt += 3;
  }
  if (cnt === 0) return NaN;
  const mse = se / cnt;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

function luma(f: FrameBatch, t: number): Float64Array {
  const n = f.width * f.height;
  const out = new Float64Array(n);
  const o = t * n * 3;
  for (let i = 0; i < n; i++)
    out[i] = 0.299 * f.data[o + i * 3] + 0.587 * f.data[o + i * 3 + 1] + 0.114 * f.data[o + i * 3 + 2];
  return out;
}

/** DetectionBox sums of `v` over `(2r+1)^2` windows clipped to the image, by a summed-area table. */
function boxMean(v: Float64Array, W: number, H: number, r: number): Float64Array {
  const S = new Float64Array((W + 1) * (H + 1));
  for (let y = 0; y < H; y++) {
    let row = 0;
    for (let x = 0; x < W; x++) {
      row += v[y * W + x];
      S[(y + 1) * (W + 1) + x + 1] = S[y * (W + 1) + x + 1] + row;
    }
  }
  const out = new Float64Array(W * H);
  for (let y = 0; y < H; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(H, y + r + 1);
    for (let x = 0; x < W; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(W, x + r + 1);
      const s = S[y1 * (W + 1) + x1] - S[y0 * (W + 1) + x1] - S[y1 * (W + 1) + x0] + S[y0 * (W + 1) + x0];
      out[y * W + x] = s / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

/** Mean SSIM on luma over the pixels where `mask` is set (all pixels when null); 7x7 windows. */
export function maskedSsim(a: FrameBatch, b: FrameBatch, mask: MaskBatch | null): number {
  const { width: W, height: H } = a;
  const n = W * H;
  const C1 = (0.01 * 255) ** 2;
  const C2 = (0.03 * 255) ** 2;
  let sum = 0;
  let cnt = 0;
  for (let t = 0; t < a.frames; t++) {
    if (mask) {
      let any = false;
      for (let i = 0; i < n; i++)
        if (mask.data[t * n + i]) {
          any = true;
          break;
        }
      if (!any) continue;
    }
    const x = luma(a, t);
    const y = luma(b, t);
    const xx = x.map((v) => v * v);
    const yy = y.map((v) => v * v);
    const xy = x.map((v, i) => v * y[i]);
    const [mx, my, mxx, myy, mxy] = [x, y, xx, yy, xy].map((v) => boxMean(v, W, H, 3));
    for (let i = 0; i < n; i++) {
      if (mask && !mask.data[t * n + i]) continue;
      const vx = mxx[i] - mx[i] * mx[i];
      const vy = myy[i] - my[i] * my[i];
      const cxy = mxy[i] - mx[i] * my[i];
      sum += ((2 * mx[i] * my[i] + C1) * (2 * cxy + C2)) / ((mx[i] * mx[i] + my[i] * my[i] + C1) * (vx + vy + C2));
      cnt++;
    }
  }
  return cnt ? sum / cnt : NaN;
}
