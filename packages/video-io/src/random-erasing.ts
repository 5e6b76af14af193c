/**
 * Random erasing (Zhong et al. 2020) in the timm form used by VideoMAE/PPMA (docs/ARCHITECTURE.md §5: 0.25),
 * in "cube" mode: the same box is erased in every frame of a clip. Pixel mode fills with
 * per-pixel noise that matches timm's N(0, 1) in normalised space (ImageNet mean + std * z).
 */
import { IMAGENET_MEAN, IMAGENET_STD, type Rng } from '@ppma/core';
import type { Box } from './clip-geometry.js';
import type { ClipLike } from './to-tensor.js';

/** Options of {@link randomErasing}. */
export interface RandomErasingOptions {
  /** Probability of erasing (default 0.25). */
  p?: number;
  /** Erased area as a fraction of the frame (default [0.02, 1/3]). */
  area?: [number, number];
  /** Aspect ratio range (default [0.3, 1/0.3]). */
  aspect?: [number, number];
  /** `'pixel'`: per-pixel noise (default); `'const'`: the ImageNet mean colour. */
  fill?: 'pixel' | 'const';
  /** `'cube'`: one box for all frames (default); `'frame'`: a box per frame. */
  mode?: 'cube' | 'frame';
}

function drawBox(W: number, H: number, rng: Rng, area: [number, number], aspect: [number, number]): Box | undefined {
  for (let i = 0; i < 10; i++) {
    const target = W * H * rng.uniform(area[0], area[1]);
    const ar = Math.exp(rng.uniform(Math.log(aspect[0]), Math.log(aspect[1])));
    const h = Math.round(Math.sqrt(target * ar));
    const w = Math.round(Math.sqrt(target / ar));
    if (w > 0 && h > 0 && w < W && h < H)
      return { x: rng.int(0, W - w + 1), y: rng.int(0, H - h + 1), width: w, height: h };
  }
  return undefined;
}

/** Erases a random box (or none, with probability 1 - p); returns the clip and the boxes erased (one per frame). */
export function randomErasing<C extends ClipLike>(
  clip: C,
  rng: Rng,
  opts: RandomErasingOptions = {},
): { clip: C; boxes: Box[] } {
  const { p = 0.25, area = [0.02, 1 / 3], aspect = [0.3, 1 / 0.3], fill = 'pixel', mode = 'cube' } = opts;
  if (!rng.bernoulli(p)) return { clip, boxes: [] };
  const { width: W, height: H } = clip;
  const cube = mode === 'cube' ? drawBox(W, H, rng, area, aspect) : undefined;
  if (mode === 'cube' && !cube) return { clip, boxes: [] };
  const data = Uint8Array.from(clip.data);
  const boxes: Box[] = [];
  for (let t = 0; t < clip.frames; t++) {
    const box = cube ?? drawBox(W, H, rng, area, aspect);
    if (!box) continue;
    boxes.push(box);
    for (let y = box.y; y < box.y + box.height; y++)
      for (let x = box.x; x < box.x + box.width; x++) {
        const o = ((t * H + y) * W + x) * 3;
        for (let c = 0; c < 3; c++) {
          const z = fill === 'pixel' ? rng.normal() : 0;
          data[o + c] = Math.min(255, Math.max(0, Math.round(255 * (IMAGENET_MEAN[c] + IMAGENET_STD[c] * z))));
        }
      }
  }
  return { clip: { ...clip, data }, boxes };
}
