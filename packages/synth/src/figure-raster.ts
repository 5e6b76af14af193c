/**
 * Anti-aliased rasterisation of the figure: each body capsule is projected to the image and
 * painted by its exact distance field (coverage = clamp(r - d + 1/2, 0, 1) per pixel centre), in
 * back-to-front order, into a premultiplied RGBA person layer.
 */
import type { Rgb } from './background.js';
import type { BodyCapsule } from './skeleton.js';

/** A capsule in pixel coordinates with its colour (0..255). */
export interface Capsule2D {
  ax: number;
  ay: number;
  bx: number;
  by: number;
  ra: number;
  rb: number;
  colour: Rgb;
  /** Camera depth of the capsule's middle (bigger = nearer). */
  depth: number;
}

/** A premultiplied colour layer with coverage, `[H, W]`. */
export interface PersonLayer {
  rgb: Float32Array;
  alpha: Float32Array;
}

/** An empty layer. */
export function createLayer(width: number, height: number): PersonLayer {
  return { rgb: new Float32Array(width * height * 3), alpha: new Float32Array(width * height) };
}

/** Maps a world point (m) to pixel coordinates. */
export interface Projector {
  (x: number, y: number, z: number): { px: number; py: number; depth: number };
  /** Pixels per metre. */
  readonly scale: number;
}

/**
 * Projects the capsules of one person and sorts them back to front. `shade(c)` gives the colour
 * multiplier of a capsule (far-side limbs darker).
 */
export function projectCapsules(
  caps: readonly BodyCapsule[],
  project: Projector,
  colourOf: (c: BodyCapsule) => Rgb,
): Capsule2D[] {
  const out: (Capsule2D & { behind: boolean })[] = caps.map((c) => {
    const a = project(c.a[0], c.a[1], c.a[2]);
    const b = project(c.b[0], c.b[1], c.b[2]);
    return {
      ax: a.px,
      ay: a.py,
      bx: b.px,
      by: b.py,
      ra: c.ra * project.scale,
      rb: c.rb * project.scale,
      colour: colourOf(c),
      depth: (a.depth + b.depth) / 2,
      behind: c.behind === true,
    };
  });
  out.sort((p, q) => (p.behind === q.behind ? p.depth - q.depth : p.behind ? -1 : 1));
  return out;
}

/**
 * Paints one capsule. With `shading`, a cylinder-like light falloff (light from the upper left)
 * is applied; without it the colour is flat.
 */
export function paintCapsule(layer: PersonLayer, c: Capsule2D, width: number, height: number, shading: boolean): void {
  const rmax = Math.max(c.ra, c.rb) + 1;
  const x0 = Math.max(0, Math.floor(Math.min(c.ax, c.bx) - rmax));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(c.ax, c.bx) + rmax));
  const y0 = Math.max(0, Math.floor(Math.min(c.ay, c.by) - rmax));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(c.ay, c.by) + rmax));
  const dx = c.bx - c.ax;
  const dy = c.by - c.ay;
  const l2 = dx * dx + dy * dy;
  for (let y = y0; y <= y1; y++) {
    const py = y + 0.5;
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5;
      const t = l2 > 0 ? Math.min(1, Math.max(0, ((px - c.ax) * dx + (py - c.ay) * dy) / l2)) : 0;
      const ox = px - (c.ax + t * dx);
      const oy = py - (c.ay + t * dy);
      const d = Math.sqrt(ox * ox + oy * oy);
      const r = c.ra + (c.rb - c.ra) * t;
      const cov = Math.min(1, Math.max(0, r - d + 0.5));
      if (cov <= 0) continue;
      let k = 1;
      if (shading && r > 0) {
        const nx = ox / r;
        const ny = oy / r;
        k = 1.05 + 0.28 * (-0.6 * nx - 0.8 * ny) - 0.22 * Math.min(1, nx * nx + ny * ny);
      }
      const i = y * width + x;
      const keep = 1 - cov;
      layer.rgb[3 * i] = layer.rgb[3 * i] * keep + c.colour[0] * k * cov;
      layer.rgb[3 * i + 1] = layer.rgb[3 * i + 1] * keep + c.colour[1] * k * cov;
      layer.rgb[3 * i + 2] = layer.rgb[3 * i + 2] * keep + c.colour[2] * k * cov;
      layer.alpha[i] = layer.alpha[i] * keep + cov;
    }
  }
}
