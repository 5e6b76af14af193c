/**
 * Deterministic, stateless noise: integer hashing of (seed, x, y[, z]) and smooth value noise.
 * Textures and sensor noise are pure functions of their coordinates, so the clean plate and the
 * frame with people get exactly the same background and the same grain.
 */

/** 32-bit hash of up to four integers, as a float in [0, 1). */
export function hash4(seed: number, a: number, b: number, c = 0): number {
  let h = (seed ^ 0x9e3779b9) | 0;
  h = Math.imul(h ^ (a | 0), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ (b | 0), 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ (c | 0), 0x27d4eb2f);
  h ^= h >>> 15;
  h = Math.imul(h, 0x165667b1);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

function smooth(t: number): number {
  return t * t * (3 - 2 * t);
}

/** Value noise in [0, 1) at a real coordinate (lattice spacing 1), bilinear with smoothstep. */
export function valueNoise(seed: number, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = smooth(x - x0);
  const fy = smooth(y - y0);
  const a = hash4(seed, x0, y0);
  const b = hash4(seed, x0 + 1, y0);
  const c = hash4(seed, x0, y0 + 1);
  const d = hash4(seed, x0 + 1, y0 + 1);
  return a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
}

/** Two-octave fractal value noise, centred: roughly in [-0.5, 0.5]. */
export function fbm(seed: number, x: number, y: number): number {
  return 0.65 * (valueNoise(seed, x, y) - 0.5) + 0.35 * (valueNoise(seed + 101, 2.03 * x, 2.03 * y) - 0.5);
}

/** Triangular zero-mean noise in (-1, 1) for a pixel of a frame (sensor grain). */
export function grain(seed: number, frame: number, x: number, y: number): number {
  return hash4(seed, frame, x, y) + hash4(seed + 7, frame, y, x) - 1;
}
