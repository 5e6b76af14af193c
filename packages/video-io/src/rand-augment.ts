/**
 * RandAugment (Cubuk et al. 2020) for video clips, in the timm form used by VideoMAE/PPMA
 * (docs/ARCHITECTURE.md §5: m7, n4, p0.5): `n` ops drawn with replacement, each applied with probability `p`
 * at magnitude `m` (0-10) with a random sign. Every frame of a clip gets the same ops and parameters;
 * statistics (auto-contrast, equalize, contrast) are taken over the whole clip.
 */
import type { Rng } from '@ppma/core';
import { match } from 'ts-pattern';
import type { ClipLike } from './to-tensor.js';

/** The RandAugment operations. */
export const RAND_AUGMENT_OPS = [
  'AutoContrast',
  'Equalize',
  'Invert',
  'Rotate',
  'Posterize',
  'Solarize',
  'SolarizeAdd',
  'Color',
  'Contrast',
  'Brightness',
  'Sharpness',
  'ShearX',
  'ShearY',
  'TranslateXRel',
  'TranslateYRel',
] as const;
/** One RandAugment operation name. */
export type RandAugmentOpName = (typeof RAND_AUGMENT_OPS)[number];

/** An operation with its resolved parameter (degrees, factor, bits, threshold, fraction…). */
export interface RandAugmentOp {
  name: RandAugmentOpName;
  arg: number;
}

/** Options of {@link randAugment}. */
export interface RandAugmentOptions {
  /** Magnitude 0-10 (default 7). */
  m?: number;
  /** Ops per clip (default 4). */
  n?: number;
  /** Probability of applying each drawn op (default 0.5). */
  p?: number;
}

/** Fill colour of geometric ops (timm: ImageNet mean in 0-255). */
export const FILL: readonly [number, number, number] = [124, 116, 104];

/** Resolves the parameter of `name` at magnitude `m` with a random sign. */
export function opArg(name: RandAugmentOpName, m: number, rng: Rng): number {
  const level = Math.min(10, Math.max(0, m)) / 10;
  const sign = (): number => (rng.bernoulli(0.5) ? -1 : 1);
  return match(name)
    .with('AutoContrast', 'Equalize', 'Invert', () => 0)
    .with('Rotate', () => sign() * level * 30)
    .with('Posterize', () => Math.max(1, 4 - Math.floor(level * 4)))
    .with('Solarize', () => 256 - level * 256)
    .with('SolarizeAdd', () => level * 110)
    .with('Color', 'Contrast', 'Brightness', 'Sharpness', () => 1 + sign() * level * 0.9)
    .with('ShearX', 'ShearY', () => sign() * level * 0.3)
    .with('TranslateXRel', 'TranslateYRel', () => sign() * level * 0.45)
    .exhaustive();
}

type Img = { data: Uint8Array; frames: number; height: number; width: number };

function mapLut(clip: Img, lut: (c: number) => Uint8Array): Uint8Array {
  const luts = [lut(0), lut(1), lut(2)];
  const out = new Uint8Array(clip.data.length);
  for (let i = 0; i < out.length; i++) out[i] = luts[i % 3][clip.data[i]];
  return out;
}

function lutOf(f: (v: number) => number): Uint8Array {
  const l = new Uint8Array(256);
  for (let v = 0; v < 256; v++) l[v] = Math.min(255, Math.max(0, Math.round(f(v))));
  return l;
}

function autoContrast(clip: Img): Uint8Array {
  return mapLut(clip, (c) => {
    let lo = 255;
    let hi = 0;
    for (let i = c; i < clip.data.length; i += 3) {
      const v = clip.data[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return hi <= lo ? lutOf((v) => v) : lutOf((v) => ((v - lo) * 255) / (hi - lo));
  });
}

function equalize(clip: Img): Uint8Array {
  // PIL ImageOps.equalize, per channel, histogram over the whole clip.
  return mapLut(clip, (c) => {
    const hist = new Float64Array(256);
    for (let i = c; i < clip.data.length; i += 3) hist[clip.data[i]]++;
    const nz = [...hist.keys()].filter((k) => hist[k] > 0);
    const last = hist[nz[nz.length - 1]];
    const step = Math.floor((clip.data.length / 3 - last) / 255);
    if (step === 0) return lutOf((v) => v);
    const l = new Uint8Array(256);
    let n = Math.floor(step / 2);
    for (let v = 0; v < 256; v++) {
      l[v] = Math.min(255, Math.floor(n / step));
      n += hist[v];
    }
    return l;
  });
}

function gray(r: number, g: number, b: number): number {
  return (r * 299 + g * 587 + b * 114) / 1000;
}

function blend(a: Uint8Array, b: (i: number) => number, factor: number): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.min(255, Math.max(0, Math.round(b(i) + (a[i] - b(i)) * factor)));
  return out;
}

function color(clip: Img, f: number): Uint8Array {
  const d = clip.data;
  const g = new Float32Array(d.length / 3);
  for (let i = 0; i < g.length; i++) g[i] = gray(d[3 * i], d[3 * i + 1], d[3 * i + 2]);
  return blend(d, (i) => g[(i / 3) | 0], f);
}

function contrast(clip: Img, f: number): Uint8Array {
  const d = clip.data;
  let s = 0;
  for (let i = 0; i < d.length; i += 3) s += gray(d[i], d[i + 1], d[i + 2]);
  const mean = Math.round(s / (d.length / 3));
  return blend(d, () => mean, f);
}

function sharpness(clip: Img, f: number): Uint8Array {
  // PIL: blend with the 3x3 smooth filter [[1,1,1],[1,5,1],[1,1,1]]/13, borders unchanged.
  const { data: d, width: W, height: H } = clip;
  const smooth = Float32Array.from(d);
  for (let t = 0; t < clip.frames; t++)
    for (let y = 1; y < H - 1; y++)
      for (let x = 1; x < W - 1; x++)
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let dy = -1; dy <= 1; dy++)
            for (let dx = -1; dx <= 1; dx++)
              s += d[((t * H + y + dy) * W + x + dx) * 3 + c] * (dx === 0 && dy === 0 ? 5 : 1);
          smooth[((t * H + y) * W + x) * 3 + c] = Math.round(s / 13);
        }
  return blend(d, (i) => smooth[i], f);
}

/** Inverse affine map (output pixel -> input pixel) around the image centre, nearest sampling, FILL outside. */
function affine(clip: Img, m: [number, number, number, number, number, number]): Uint8Array {
  const { data: d, width: W, height: H } = clip;
  const out = new Uint8Array(d.length);
  const cx = (W - 1) / 2;
  const cy = (H - 1) / 2;
  for (let t = 0; t < clip.frames; t++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const sx = Math.round(m[0] * (x - cx) + m[1] * (y - cy) + m[2] + cx);
        const sy = Math.round(m[3] * (x - cx) + m[4] * (y - cy) + m[5] + cy);
        const o = ((t * H + y) * W + x) * 3;
        if (sx < 0 || sy < 0 || sx >= W || sy >= H) {
          out[o] = FILL[0];
          out[o + 1] = FILL[1];
          out[o + 2] = FILL[2];
        } else {
          const s = ((t * H + sy) * W + sx) * 3;
          out[o] = d[s];
          out[o + 1] = d[s + 1];
          out[o + 2] = d[s + 2];
        }
      }
  return out;
}

/** Applies one resolved op to an RGB clip (same parameters for every frame). */
export function applyOp<C extends ClipLike>(clip: C, op: RandAugmentOp): C {
  const a = op.arg;
  const data = match(op.name)
    .with('AutoContrast', () => autoContrast(clip))
    .with('Equalize', () => equalize(clip))
    .with('Invert', () => mapLut(clip, () => lutOf((v) => 255 - v)))
    .with('Posterize', () => mapLut(clip, () => lutOf((v) => v & ((0xff << (8 - a)) & 0xff))))
    .with('Solarize', () => mapLut(clip, () => lutOf((v) => (v >= a ? 255 - v : v))))
    .with('SolarizeAdd', () => mapLut(clip, () => lutOf((v) => (v < 128 ? Math.min(255, v + a) : v))))
    .with('Color', () => color(clip, a))
    .with('Contrast', () => contrast(clip, a))
    .with('Brightness', () => blend(clip.data, () => 0, a))
    .with('Sharpness', () => sharpness(clip, a))
    .with('Rotate', () => {
      const r = (a * Math.PI) / 180; // counter-clockwise by `a` degrees (PIL convention)
      return affine(clip, [Math.cos(r), -Math.sin(r), 0, Math.sin(r), Math.cos(r), 0]);
    })
    .with('ShearX', () => affine(clip, [1, a, 0, 0, 1, 0]))
    .with('ShearY', () => affine(clip, [1, 0, 0, a, 1, 0]))
    .with('TranslateXRel', () => affine(clip, [1, 0, -a * clip.width, 0, 1, 0]))
    .with('TranslateYRel', () => affine(clip, [1, 0, 0, 0, 1, -a * clip.height]))
    .exhaustive();
  return { ...clip, data };
}

/** Draws the ops RandAugment will apply (already filtered by `p`). */
export function drawRandAugment(rng: Rng, opts: RandAugmentOptions = {}): RandAugmentOp[] {
  const { m = 7, n = 4, p = 0.5 } = opts;
  const ops: RandAugmentOp[] = [];
  for (let i = 0; i < n; i++) {
    const name = rng.choice(RAND_AUGMENT_OPS);
    const apply = rng.bernoulli(p);
    const arg = opArg(name, m, rng);
    if (apply) ops.push({ name, arg });
  }
  return ops;
}

/** RandAugment of an RGB clip; returns the clip and the ops applied. */
export function randAugment<C extends ClipLike>(
  clip: C,
  rng: Rng,
  opts: RandAugmentOptions = {},
): { clip: C; ops: RandAugmentOp[] } {
  if (clip.data.length !== clip.frames * clip.height * clip.width * 3)
    throw new RangeError('randAugment needs an RGB clip');
  const ops = drawRandAugment(rng, opts);
  let out = clip;
  for (const op of ops) out = applyOp(out, op);
  return { clip: out, ops };
}
