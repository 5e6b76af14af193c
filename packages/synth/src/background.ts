/**
 * Evaluating a scene description at a point of the world: sky or wall above the horizon, a
 * textured ground below it, and anti-aliased context objects on top. Everything is a pure function
 * of (scene, u, v), so a moving camera sees a consistent world and the clean plate is exact.
 */
import { fbm, hash4, valueNoise } from './noise.js';

/** An RGB colour, 0..255 per channel. */
export type Rgb = [number, number, number];

/** Patterns of the upper (sky or wall) region. */
export type UpperPattern =
  'none' | 'bricks' | 'curtain' | 'panels' | 'stands' | 'dots' | 'stripes' | 'tiles' | 'crowd' | 'sea' | 'treeline';
/** Patterns of the ground. */
export type GroundPattern = 'noise' | 'lanes' | 'planks' | 'checker' | 'grid' | 'mow' | 'water' | 'tiles' | 'gradient';

/** A context object: a flat, anti-aliased shape (world metres). */
export type ShapeDesc =
  | { kind: 'rect'; x0: number; y0: number; x1: number; y1: number; colour: Rgb }
  | { kind: 'circle'; x: number; y: number; r: number; colour: Rgb }
  | { kind: 'seg'; x0: number; y0: number; x1: number; y1: number; r: number; colour: Rgb }
  | { kind: 'tri'; x0: number; y0: number; x1: number; y1: number; x2: number; y2: number; colour: Rgb };

/** A complete, serialisable scene. */
export interface SceneDesc {
  /** Scene kind (e.g. 'soccer'); the scene-object bias acts on this. */
  name: string;
  seed: number;
  /** World v of the horizon; ground below, sky/wall above (1e9 = all ground, for top-down views). */
  horizon: number;
  top: Rgb;
  bottom: Rgb;
  upper: UpperPattern;
  ground: Rgb;
  ground2: Rgb;
  groundPattern: GroundPattern;
  /** Texture strength (0 = flat colours). */
  texture: number;
  objects: ShapeDesc[];
}

function mix(a: Rgb, b: Rgb, t: number, out: Float32Array, o: number): void {
  out[o] = a[0] + (b[0] - a[0]) * t;
  out[o + 1] = a[1] + (b[1] - a[1]) * t;
  out[o + 2] = a[2] + (b[2] - a[2]) * t;
}

function stripe(x: number, period: number, width: number, aa: number): number {
  const d = Math.abs(x / period - Math.round(x / period)) * period;
  return Math.min(1, Math.max(0, (width / 2 - d) / aa + 0.5));
}

function upperShade(s: SceneDesc, u: number, v: number, aa: number): number {
  switch (s.upper) {
    case 'none':
      return 0;
    case 'bricks': {
      const row = Math.floor(v / 0.12);
      return (
        0.5 * stripe(v, 0.12, 0.015, aa) +
        0.5 * stripe(u + (row % 2) * 0.13, 0.26, 0.015, aa) +
        0.3 * (hash4(s.seed, Math.floor((u + (row % 2) * 0.13) / 0.26), row) - 0.5)
      );
    }
    case 'curtain':
      return 0.45 * Math.sin(u * 9 + 0.8 * Math.sin(u * 2.1));
    case 'panels':
      return 0.6 * stripe(u, 0.9, 0.03, aa) + 0.25 * (hash4(s.seed, Math.floor(u / 0.9), 1) - 0.5);
    case 'stands':
      return 0.5 * stripe(v, 0.16, 0.05, aa) + 0.6 * (valueNoise(s.seed, u * 14, v * 6) - 0.5);
    case 'dots':
      return 0.9 * (valueNoise(s.seed, u * 3, v * 3) > 0.72 ? 1 : 0) - 0.2;
    case 'stripes':
      return 0.35 * stripe(u, 0.2, 0.08, aa);
    case 'tiles':
      return 0.4 * (stripe(u, 0.25, 0.02, aa) + stripe(v, 0.25, 0.02, aa));
    case 'crowd':
      return 0.9 * (valueNoise(s.seed, u * 10, v * 10) - 0.5);
    case 'sea':
      return 0.3 * Math.sin(u * 13 + 7 * v + 3 * valueNoise(s.seed, u * 2, v * 8));
    case 'treeline':
      return v < s.horizon + 0.35 + 0.15 * valueNoise(s.seed, u * 3, 0) ? -1 : 0;
  }
}

function groundShade(s: SceneDesc, u: number, v: number, aa: number): number {
  const depth = s.horizon - v;
  switch (s.groundPattern) {
    case 'noise':
      return 0;
    case 'lanes':
      return stripe(v, 0.28, 0.035, aa);
    case 'planks':
      return 0.5 * stripe(u + 0.3 * Math.floor(v / 0.3), 0.7, 0.02, aa) + 0.4 * stripe(v, 0.3, 0.015, aa);
    case 'checker':
      return (Math.floor(u / 0.4) + Math.floor(v / 0.2)) % 2 === 0 ? 1 : 0;
    case 'grid':
      return Math.max(stripe(u, 0.9, 0.03, aa), stripe(v, 0.45, 0.03, aa));
    case 'mow':
      return Math.floor((u + 0.4 * v) / 0.8) % 2 === 0 ? 1 : 0;
    case 'water':
      return 0.5 + 0.5 * Math.sin(u * 8 + 20 * v + 4 * valueNoise(s.seed, u * 3, v * 6));
    case 'tiles':
      return Math.max(stripe(u, 0.5, 0.03, aa), stripe(v, 0.5, 0.03, aa));
    case 'gradient':
      return Math.min(1, Math.max(0, depth / 1.5));
  }
}

function shapeSdf(sh: ShapeDesc, u: number, v: number): number {
  switch (sh.kind) {
    case 'rect': {
      const dx = Math.max(sh.x0 - u, u - sh.x1);
      const dy = Math.max(sh.y0 - v, v - sh.y1);
      return dx > 0 && dy > 0 ? Math.hypot(dx, dy) : Math.max(dx, dy);
    }
    case 'circle':
      return Math.hypot(u - sh.x, v - sh.y) - sh.r;
    case 'seg': {
      const bx = sh.x1 - sh.x0;
      const by = sh.y1 - sh.y0;
      const l2 = bx * bx + by * by;
      const t = l2 > 0 ? Math.min(1, Math.max(0, ((u - sh.x0) * bx + (v - sh.y0) * by) / l2)) : 0;
      return Math.hypot(u - sh.x0 - t * bx, v - sh.y0 - t * by) - sh.r;
    }
    case 'tri': {
      // signed distance to each edge line, negative on the inner side; the max is a close SDF
      const area = (sh.x1 - sh.x0) * (sh.y2 - sh.y0) - (sh.x2 - sh.x0) * (sh.y1 - sh.y0);
      const sgn = area > 0 ? 1 : -1;
      const e = (ax: number, ay: number, bx: number, by: number): number => {
        const ex = bx - ax;
        const ey = by - ay;
        return (sgn * (ey * (u - ax) - ex * (v - ay))) / (Math.hypot(ex, ey) || 1);
      };
      return Math.max(e(sh.x0, sh.y0, sh.x1, sh.y1), e(sh.x1, sh.y1, sh.x2, sh.y2), e(sh.x2, sh.y2, sh.x0, sh.y0));
    }
  }
}

/**
 * Writes the scene colour (0..255 floats) at world point (u, v) into `out[o..o+2]`.
 * `pixel` is the size of one pixel in world units, for anti-aliasing.
 */
export function sceneColour(s: SceneDesc, u: number, v: number, pixel: number, out: Float32Array, o: number): void {
  const aa = Math.max(pixel, 1e-6);
  const tex = s.texture;
  if (v >= s.horizon) {
    const t = Math.min(1, Math.max(0, (v - s.horizon) / 2.5));
    mix(s.bottom, s.top, t, out, o);
    const k = 1 + 0.35 * upperShade(s, u, v, aa) + tex * 0.6 * fbm(s.seed, u * 5, v * 5);
    out[o] *= k;
    out[o + 1] *= k;
    out[o + 2] *= k;
  } else {
    const g = groundShade(s, u, v, aa);
    mix(s.ground, s.ground2, Math.min(1, Math.max(0, g)), out, o);
    const k = 1 + tex * (0.9 * fbm(s.seed + 3, u * 6, v * 12) + 0.25 * (valueNoise(s.seed + 5, u * 40, v * 60) - 0.5));
    out[o] *= k;
    out[o + 1] *= k;
    out[o + 2] *= k;
    // soft edge at the horizon
    const e = Math.min(1, Math.max(0, (v - s.horizon) / aa + 0.5));
    if (e > 0) {
      out[o] = out[o] * (1 - e) + s.bottom[0] * e;
      out[o + 1] = out[o + 1] * (1 - e) + s.bottom[1] * e;
      out[o + 2] = out[o + 2] * (1 - e) + s.bottom[2] * e;
    }
  }
  for (const sh of s.objects) {
    const c = Math.min(1, Math.max(0, 0.5 - shapeSdf(sh, u, v) / aa));
    if (c > 0) {
      const k = 1 + tex * 0.25 * (valueNoise(s.seed + 9, u * 20, v * 20) - 0.5);
      out[o] = out[o] * (1 - c) + sh.colour[0] * k * c;
      out[o + 1] = out[o + 1] * (1 - c) + sh.colour[1] * k * c;
      out[o + 2] = out[o + 2] * (1 - c) + sh.colour[2] * k * c;
    }
  }
}
