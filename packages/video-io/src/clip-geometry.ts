/**
 * Spatial transforms of whole clips, identical for every frame (docs/ARCHITECTURE.md §6 "Resizing: short side
 * first, then a crop"; VideoMAE/timm video transforms): crop, bilinear resize, short-side resize,
 * centre crop, three-crop, horizontal flip and random resized crop.
 */
import type { Rng } from '@ppma/core';
import type { ClipLike } from './to-tensor.js';

/** A crop rectangle in pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

function channels<C extends ClipLike>(c: C): number {
  return c.data.length / (c.frames * c.height * c.width);
}

/** Copies the rectangle `box` out of every frame. */
export function cropClip<C extends ClipLike>(clip: C, box: Box): C {
  const { x, y, width: w, height: h } = box;
  if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > clip.width || y + h > clip.height) {
    throw new RangeError(`crop ${w}x${h}+${x}+${y} outside the ${clip.width}x${clip.height} clip`);
  }
  const C = channels(clip);
  const out = new Uint8Array(clip.frames * h * w * C);
  for (let t = 0; t < clip.frames; t++)
    for (let r = 0; r < h; r++) {
      const src = ((t * clip.height + y + r) * clip.width + x) * C;
      out.set(clip.data.subarray(src, src + w * C), (t * h + r) * w * C);
    }
  return { ...clip, data: out, width: w, height: h };
}

/** Bilinear resize of every frame (half-pixel centres, as PyTorch `align_corners=False` and OpenCV). */
export function resizeClip<C extends ClipLike>(clip: C, width: number, height: number): C {
  if (width === clip.width && height === clip.height) return clip;
  const C = channels(clip);
  const { width: W, height: H } = clip;
  const out = new Uint8Array(clip.frames * height * width * C);
  const sx = W / width;
  const sy = H / height;
  const x0 = new Int32Array(width);
  const x1 = new Int32Array(width);
  const fx = new Float32Array(width);
  for (let i = 0; i < width; i++) {
    const s = Math.max(0, (i + 0.5) * sx - 0.5);
    x0[i] = Math.min(W - 1, Math.floor(s));
    x1[i] = Math.min(W - 1, x0[i] + 1);
    fx[i] = s - Math.floor(s);
  }
  for (let t = 0; t < clip.frames; t++) {
    const fb = t * H * W * C;
    for (let j = 0; j < height; j++) {
      const s = Math.max(0, (j + 0.5) * sy - 0.5);
      const y0 = Math.min(H - 1, Math.floor(s));
      const y1 = Math.min(H - 1, y0 + 1);
      const fy = s - Math.floor(s);
      const r0 = fb + y0 * W * C;
      const r1 = fb + y1 * W * C;
      let o = (t * height + j) * width * C;
      for (let i = 0; i < width; i++) {
        const a = x0[i] * C;
        const b = x1[i] * C;
        const f = fx[i];
        for (let c = 0; c < C; c++, o++) {
          const top = clip.data[r0 + a + c] + (clip.data[r0 + b + c] - clip.data[r0 + a + c]) * f;
          const bot = clip.data[r1 + a + c] + (clip.data[r1 + b + c] - clip.data[r1 + a + c]) * f;
          out[o] = Math.round(top + (bot - top) * fy);
        }
      }
    }
  }
  return { ...clip, data: out, width, height };
}

/** Resizes so that the shorter side is `size` (aspect kept). */
export function resizeShortSide<C extends ClipLike>(clip: C, size: number): C {
  const s = size / Math.min(clip.width, clip.height);
  return clip.width <= clip.height
    ? resizeClip(clip, size, Math.max(1, Math.round(clip.height * s)))
    : resizeClip(clip, Math.max(1, Math.round(clip.width * s)), size);
}

/** The centred `size`x`size` box (or `width`x`height`). */
export function centerBox(clip: ClipLike, width: number, height = width): Box {
  return { x: Math.floor((clip.width - width) / 2), y: Math.floor((clip.height - height) / 2), width, height };
}

/** Centre crop to `size`x`size`. */
export function centerCrop<C extends ClipLike>(clip: C, size: number): C {
  return cropClip(clip, centerBox(clip, size));
}

/**
 * The three `size`x`size` crops used for 2-clips x 3-crops testing: start, centre and end of the
 * longer side (left/centre/right for landscape clips, top/centre/bottom for portrait ones).
 */
export function threeCropBoxes(clip: ClipLike, size: number): [Box, Box, Box] {
  const c = centerBox(clip, size);
  if (clip.width >= clip.height) {
    return [{ ...c, x: 0 }, c, { ...c, x: clip.width - size }];
  }
  return [{ ...c, y: 0 }, c, { ...c, y: clip.height - size }];
}

/** Three crops of `size` along the longer side (see {@link threeCropBoxes}). */
export function threeCrop<C extends ClipLike>(clip: C, size: number): [C, C, C] {
  const [a, b, c] = threeCropBoxes(clip, size);
  return [cropClip(clip, a), cropClip(clip, b), cropClip(clip, c)];
}

/** Mirrors every frame left-right. */
export function hflipClip<C extends ClipLike>(clip: C): C {
  const C = channels(clip);
  const { width: W } = clip;
  const out = new Uint8Array(clip.data.length);
  const rows = clip.frames * clip.height;
  for (let r = 0; r < rows; r++) {
    const base = r * W * C;
    for (let x = 0; x < W; x++) {
      const s = base + x * C;
      const d = base + (W - 1 - x) * C;
      for (let c = 0; c < C; c++) out[d + c] = clip.data[s + c];
    }
  }
  return { ...clip, data: out };
}

/** Flips with probability `p` (default 0.5). Leave it off for direction-sensitive tasks. */
export function randomHflip<C extends ClipLike>(clip: C, rng: Rng, p = 0.5): { clip: C; flipped: boolean } {
  const flipped = rng.bernoulli(p);
  return { clip: flipped ? hflipClip(clip) : clip, flipped };
}

/** Options of {@link randomResizedCropBox}: area fraction and aspect ratio ranges (torchvision defaults). */
export interface RandomResizedCropOptions {
  scale?: [number, number];
  ratio?: [number, number];
}

/** The box of a random resized crop (torchvision's algorithm: 10 tries, then a centre crop). */
export function randomResizedCropBox(
  width: number,
  height: number,
  rng: Rng,
  opts: RandomResizedCropOptions = {},
): Box {
  const [smin, smax] = opts.scale ?? [0.08, 1];
  const [rmin, rmax] = opts.ratio ?? [3 / 4, 4 / 3];
  const area = width * height;
  for (let i = 0; i < 10; i++) {
    const target = area * rng.uniform(smin, smax);
    const ar = Math.exp(rng.uniform(Math.log(rmin), Math.log(rmax)));
    const w = Math.round(Math.sqrt(target * ar));
    const h = Math.round(Math.sqrt(target / ar));
    if (w > 0 && h > 0 && w <= width && h <= height) {
      return { x: rng.int(0, width - w + 1), y: rng.int(0, height - h + 1), width: w, height: h };
    }
  }
  const r = width / height;
  const w = r < rmin ? width : r > rmax ? Math.round(height * rmax) : width;
  const h = r < rmin ? Math.round(width / rmin) : r > rmax ? height : height;
  return { x: Math.floor((width - w) / 2), y: Math.floor((height - h) / 2), width: w, height: h };
}

/** Random resized crop of the whole clip to `size`x`size` (multi-scale: area fraction in `scale`). */
export function randomResizedCrop<C extends ClipLike>(
  clip: C,
  size: number,
  rng: Rng,
  opts: RandomResizedCropOptions = {},
): { clip: C; box: Box } {
  const box = randomResizedCropBox(clip.width, clip.height, rng, opts);
  return { clip: resizeClip(cropClip(clip, box), size, size), box };
}
