/**
 * Reconstruction previews (as in the MAE and VideoMAE papers' figures): for each clip, one row of
 * input frames, one of the masked input (hidden patches grey), one of the reconstruction (visible
 * patches from the input, hidden ones from the decoder, un-normalised with each patch's own
 * mean and std), written as a PNG.
 */
import { PNG } from 'pngjs';
import { atomicWriteSync } from '@ppma/core';
import type { PatchGeometry } from '@ppma/vit';

/** One clip's data for a preview. */
export interface PreviewClip {
  /** `[T, H, W, 3]` pixels in [0, 1]. */
  readonly pixels: Float32Array;
  /** `[N]`, 1 = hidden. */
  readonly hidden: Uint8Array;
  /** Decoder output per reconstructed token, `[Nr, t*p*p*3]`, in token order. */
  readonly pred: Float32Array;
  /** Token indices of the reconstructed tokens. */
  readonly reconTokens: ArrayLike<number>;
  /** Whether `pred` is in normalised-patch units (norm_pix_loss). */
  readonly normalised: boolean;
}

/** Pixel offset of value `v` of token `n` in a `[T, H, W, 3]` clip. */
function pixelIndex(g: PatchGeometry, n: number, v: number): number {
  const hh = g.height / g.patch;
  const ww = g.width / g.patch;
  const tt = Math.floor(n / (hh * ww));
  const y0 = Math.floor((n % (hh * ww)) / ww);
  const x0 = n % ww;
  const c = v % 3;
  const dx = Math.floor(v / 3) % g.patch;
  const dy = Math.floor(v / (3 * g.patch)) % g.patch;
  const dt = Math.floor(v / (3 * g.patch * g.patch));
  return (((tt * g.tubelet + dt) * g.height + y0 * g.patch + dy) * g.width + x0 * g.patch + dx) * 3 + c;
}

/** The reconstructed clip `[T, H, W, 3]` in [0, 1] (unclamped). */
export function reconstructClip(g: PatchGeometry, clip: PreviewClip): Float32Array {
  const out = Float32Array.from(clip.pixels);
  const pv = g.tubelet * g.patch * g.patch * 3;
  const k = pv / 3;
  for (let r = 0; r < clip.reconTokens.length; r++) {
    const n = clip.reconTokens[r];
    const pred = clip.pred.subarray(r * pv, (r + 1) * pv);
    if (!clip.normalised) {
      for (let v = 0; v < pv; v++) out[pixelIndex(g, n, v)] = pred[v];
      continue;
    }
    for (let c = 0; c < 3; c++) {
      let mean = 0;
      for (let j = 0; j < k; j++) mean += clip.pixels[pixelIndex(g, n, j * 3 + c)];
      mean /= k;
      let ss = 0;
      for (let j = 0; j < k; j++) ss += (clip.pixels[pixelIndex(g, n, j * 3 + c)] - mean) ** 2;
      const std = Math.sqrt(ss / (k - 1)) + 1e-6;
      for (let j = 0; j < k; j++) out[pixelIndex(g, n, j * 3 + c)] = pred[j * 3 + c] * std + mean;
    }
  }
  return out;
}

/** Writes the preview PNG: per clip, rows input / masked / reconstruction, columns = frames. */
export function writePreviewPng(file: string, g: PatchGeometry, clips: readonly PreviewClip[]): void {
  const gap = 2;
  const width = g.frames * (g.width + gap) + gap;
  const height = clips.length * 3 * (g.height + gap) + gap;
  const png = new PNG({ width, height });
  png.data.fill(255);
  const put = (img: Float32Array, row: number) => {
    for (let t = 0; t < g.frames; t++) {
      const ox = gap + t * (g.width + gap);
      const oy = gap + row * (g.height + gap);
      for (let y = 0; y < g.height; y++) {
        for (let x = 0; x < g.width; x++) {
          const src = ((t * g.height + y) * g.width + x) * 3;
          const dst = ((oy + y) * width + ox + x) * 4;
          for (let c = 0; c < 3; c++) png.data[dst + c] = Math.max(0, Math.min(255, Math.round(img[src + c] * 255)));
          png.data[dst + 3] = 255;
        }
      }
    }
  };
  const pv = g.tubelet * g.patch * g.patch * 3;
  clips.forEach((clip, i) => {
    const masked = Float32Array.from(clip.pixels);
    for (let n = 0; n < clip.hidden.length; n++)
      if (clip.hidden[n]) for (let v = 0; v < pv; v++) masked[pixelIndex(g, n, v)] = 0.5;
    put(clip.pixels, 3 * i);
    put(masked, 3 * i + 1);
    put(reconstructClip(g, clip), 3 * i + 2);
  });
  atomicWriteSync(file, PNG.sync.write(png));
}
