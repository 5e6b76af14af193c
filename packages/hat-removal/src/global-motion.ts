/**
 * Global camera motion by phase correlation (Kuglin & Hines, 1975): the normalised cross-power
 * spectrum of two frames peaks at their translation. Inpainting uses it to find the same scene
 * point in other frames when the camera pans (docs/ARCHITECTURE.md §7, step 1).
 */
import type { FrameBatch, MaskBatch } from './frames.js';

/** Where frame t sits in scene coordinates: scene point = pixel + (dx, dy). */
export interface Shift {
  readonly dx: number;
  readonly dy: number;
}

/** In-place radix-2 FFT of (re, im), length a power of two; `inverse` for the unscaled inverse. */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b] * cr - im[b] * ci;
        const xi = re[b] * ci + im[b] * cr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
        const nr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = nr;
      }
    }
  }
}

/** 2-D FFT of an `[N, N]` complex grid, in place (rows then columns). */
function fft2(re: Float64Array, im: Float64Array, N: number, inverse: boolean): void {
  const r = new Float64Array(N);
  const i = new Float64Array(N);
  for (let y = 0; y < N; y++) {
    const a = re.subarray(y * N, (y + 1) * N);
    const b = im.subarray(y * N, (y + 1) * N);
    fft(a, b, inverse);
  }
  for (let x = 0; x < N; x++) {
    for (let y = 0; y < N; y++) {
      r[y] = re[y * N + x];
      i[y] = im[y * N + x];
    }
    fft(r, i, inverse);
    for (let y = 0; y < N; y++) {
      re[y * N + x] = r[y];
      im[y * N + x] = i[y];
    }
  }
}

/** Grey, downscaled by `f`, centre-cropped or zero-padded to `[N, N]`, Hann-windowed, minus its mean. */
function prepare(rgb: Uint8Array, W: number, H: number, N: number, f: number, mask?: Uint8Array): Float64Array {
  const out = new Float64Array(N * N);
  const w = Math.floor(W / f);
  const h = Math.floor(H / f);
  const ox = Math.floor((w - N) / 2);
  const oy = Math.floor((h - N) / 2);
  const base = 0;
  let sum = 0;
  let cnt = 0;
  const hole = new Uint8Array(N * N);
  for (let y = 0; y < N; y++) {
    const sy = y + oy;
    if (sy < 0 || sy >= h) continue;
    for (let x = 0; x < N; x++) {
      const sx = x + ox;
      if (sx < 0 || sx >= w) continue;
      let g = 0;
      let masked = false;
      for (let yy = 0; yy < f; yy++) {
        for (let xx = 0; xx < f; xx++) {
          const q = (sy * f + yy) * W + sx * f + xx;
          const p = base + q * 3;
          g += 0.299 * rgb[p] + 0.587 * rgb[p + 1] + 0.114 * rgb[p + 2];
          if (mask && mask[q] >= 64) masked = true;
        }
      }
      out[y * N + x] = g / (f * f);
      if (masked) {
        hole[y * N + x] = 1;
        continue;
      }
      sum += out[y * N + x];
      cnt++;
    }
  }
  const mean = cnt ? sum / cnt : 0;
  // people move on their own: their pixels are set to the mean so only the scene drives the estimate
  for (let k = 0; k < N * N; k++) if (hole[k]) out[k] = mean;
  const wy = Math.min(h, N);
  const wx = Math.min(w, N);
  const y0 = Math.max(0, -oy);
  const x0 = Math.max(0, -ox);
  for (let y = y0; y < y0 + wy; y++) {
    const hy = 0.5 - 0.5 * Math.cos((2 * Math.PI * (y - y0 + 0.5)) / wy);
    for (let x = x0; x < x0 + wx; x++) {
      const hx = 0.5 - 0.5 * Math.cos((2 * Math.PI * (x - x0 + 0.5)) / wx);
      out[y * N + x] = (out[y * N + x] - mean) * hx * hy;
    }
  }
  return out;
}

/**
 * Translation of frame `b` relative to frame `a` (`b(x) ≈ a(x - d)`), in pixels, with sub-pixel
 * refinement by a parabola through the correlation peak. Both are RGB `[H, W, 3]`. Pixels where the
 * optional person masks (`[H, W]`, soft, 0..255) reach 64 are left out. Components under
 * `deadZone` pixels are reported as 0, so a static camera does not drift through estimation noise.
 */
export function estimateShift(
  a: Uint8Array,
  b: Uint8Array,
  W: number,
  H: number,
  opts: { maskA?: Uint8Array; maskB?: Uint8Array; size?: number; deadZone?: number } = {},
): Shift {
  const size = opts.size ?? 128;
  const deadZone = opts.deadZone ?? 0.3;
  const f = Math.max(1, Math.floor(Math.min(W, H) / size));
  const N = size;
  const ar = prepare(a, W, H, N, f, opts.maskA);
  const br = prepare(b, W, H, N, f, opts.maskB);
  const ai = new Float64Array(N * N);
  const bi = new Float64Array(N * N);
  fft2(ar, ai, N, false);
  fft2(br, bi, N, false);
  for (let k = 0; k < N * N; k++) {
    // conj(A) * B, normalised
    const re = ar[k] * br[k] + ai[k] * bi[k];
    const im = ar[k] * bi[k] - ai[k] * br[k];
    const mag = Math.hypot(re, im) + 1e-9;
    ar[k] = re / mag;
    ai[k] = im / mag;
  }
  fft2(ar, ai, N, true);
  let best = 0;
  for (let k = 1; k < N * N; k++) if (ar[k] > ar[best]) best = k;
  const py = Math.floor(best / N);
  const px = best % N;
  const at = (y: number, x: number): number => ar[((y + N) % N) * N + ((x + N) % N)];
  const sub = (m: number, c: number, p: number): number => {
    const den = m - 2 * c + p;
    return den < 0 ? (0.5 * (m - p)) / den : 0;
  };
  let dx = px + sub(at(py, px - 1), at(py, px), at(py, px + 1));
  let dy = py + sub(at(py - 1, px), at(py, px), at(py + 1, px));
  if (dx > N / 2) dx -= N;
  if (dy > N / 2) dy -= N;
  dx *= f;
  dy *= f;
  const d = { dx: Math.abs(dx) < deadZone ? 0 : dx, dy: Math.abs(dy) < deadZone ? 0 : dy };
  if (d.dx === 0 && d.dy === 0) return d;
  // Keep the shift only when it aligns the frames clearly better than no shift, relatively and by
  // more than compression noise (small or flat frames give spurious correlation peaks).
  const moved = alignmentError(a, b, W, H, d, opts.maskA, opts.maskB);
  const still = alignmentError(a, b, W, H, { dx: 0, dy: 0 }, opts.maskA, opts.maskB);
  return moved < 0.8 * still && still - moved > 3 ? d : { dx: 0, dy: 0 };
}

/** Mean absolute grey difference between b(x) and a(x - d) over the overlap, people left out. */
function alignmentError(
  a: Uint8Array,
  b: Uint8Array,
  W: number,
  H: number,
  d: Shift,
  maskA?: Uint8Array,
  maskB?: Uint8Array,
): number {
  const sx = Math.round(d.dx);
  const sy = Math.round(d.dy);
  let sum = 0;
  let n = 0;
  for (let y = Math.max(0, sy); y < Math.min(H, H + sy); y += 1) {
    for (let x = Math.max(0, sx); x < Math.min(W, W + sx); x += 1) {
      const i = y * W + x;
      const j = (y - sy) * W + (x - sx);
      if ((maskB && maskB[i] >= 64) || (maskA && maskA[j] >= 64)) continue;
      sum += Math.abs(b[i * 3] + b[i * 3 + 1] + b[i * 3 + 2] - a[j * 3] - a[j * 3 + 1] - a[j * 3 + 2]);
      n++;
    }
  }
  return n > 0 ? sum / n : Infinity;
}

/**
 * Camera path of a run of frames: the shift of each frame in the coordinates of frame 0, chained
 * from consecutive pairs, leaving out the pixels of the optional person masks.
 */
export function estimateCameraPath(frames: FrameBatch, masks?: MaskBatch): Shift[] {
  const n = frames.width * frames.height * 3;
  const path: Shift[] = [{ dx: 0, dy: 0 }];
  for (let t = 1; t < frames.frames; t++) {
    const m = frames.width * frames.height;
    const s = estimateShift(
      frames.data.subarray((t - 1) * n, t * n),
      frames.data.subarray(t * n, (t + 1) * n),
      frames.width,
      frames.height,
      {
        ...(masks
          ? { maskA: masks.data.subarray((t - 1) * m, t * m), maskB: masks.data.subarray(t * m, (t + 1) * m) }
          : {}),
      },
    );
    const p = path[t - 1];
    // frame t shows scene point x at pixel x + s, so its offset (scene = pixel + offset) drops by s
    path.push({ dx: p.dx - s.dx, dy: p.dy - s.dy });
  }
  return path;
}
