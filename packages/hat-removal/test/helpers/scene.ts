/** Synthetic textured scenes for the motion and inpainting tests. */
import { Rng } from '@ppma/core';

/** A smooth random texture `[H, W, 3]`, big enough to crop shifted views from. */
export function texture(W: number, H: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  const coarse = Array.from({ length: 40 }, () => [
    rng.uniform(0, W),
    rng.uniform(0, H),
    rng.uniform(4, 20),
    rng.uniform(-1, 1),
  ]);
  const out = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let v = 0;
      for (const [cx, cy, r, a] of coarse) v += a * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r));
      const g = Math.max(0, Math.min(255, 128 + 80 * v + rng.uniform(-8, 8)));
      out.set([g, 255 - g, (g * 3) % 256], (y * W + x) * 3);
    }
  }
  return out;
}

/** The `[h, w]` window of a `[H, W]` image at (ox, oy). */
export function crop(img: Uint8Array, W: number, ox: number, oy: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) out.set(img.subarray(((y + oy) * W + ox) * 3, ((y + oy) * W + ox + w) * 3), y * w * 3);
  return out;
}
