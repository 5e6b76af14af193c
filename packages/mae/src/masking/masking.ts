/**
 * Masking strategies behind one tagged union (docs/ARCHITECTURE.md §5): encoder masking `random` (the paper,
 * 90%) or `tube` (VideoMAE), optionally with `running-cell` decoder masking (VideoMAE V2).
 */
import * as tf from '@tensorflow/tfjs-core';
import { match } from 'ts-pattern';
import type { Rng } from '@ppma/core';
import type { TokenGrid } from './mask-geometry.js';
import { randomMask } from './random-masking.js';
import { tubeMask } from './tube-masking.js';
import { runningCellDecoderMask } from './running-cell-masking.js';

/** Encoder masking. */
export type MaskingSpec =
  { readonly kind: 'random'; readonly ratio: number } | { readonly kind: 'tube'; readonly ratio: number };

/** Decoder masking: reconstruct every hidden token, or a running-cell subset of them. */
export type DecoderMaskingSpec = { readonly kind: 'none' } | { readonly kind: 'running-cell'; readonly ratio: number };

/** Masks of one batch, `[B, N]` each, row-major. */
export interface TokenMaskBatch {
  /** 1 = hidden from the encoder. */
  readonly hidden: Uint8Array;
  /** 1 = reconstructed by the decoder (a subset of `hidden`); absent = all hidden tokens. */
  readonly decode?: Uint8Array;
  readonly batch: number;
  readonly tokens: number;
}

/** Draws one clip's encoder mask. */
export function drawMask(spec: MaskingSpec, grid: TokenGrid, rng: Rng): Uint8Array {
  return match(spec)
    .with({ kind: 'random' }, (s) => randomMask(grid, s.ratio, rng))
    .with({ kind: 'tube' }, (s) => tubeMask(grid, s.ratio, rng))
    .exhaustive();
}

/** Draws masks for `batch` clips (independent per clip). */
export function drawMaskBatch(
  spec: MaskingSpec,
  decoder: DecoderMaskingSpec,
  grid: TokenGrid,
  batch: number,
  rng: Rng,
): TokenMaskBatch {
  const n = grid.t * grid.h * grid.w;
  const hidden = new Uint8Array(batch * n);
  const decode = decoder.kind === 'none' ? undefined : new Uint8Array(batch * n);
  for (let b = 0; b < batch; b++) {
    const m = drawMask(spec, grid, rng.split('mask', b));
    hidden.set(m, b * n);
    match(decoder)
      .with({ kind: 'none' }, () => undefined)
      .with({ kind: 'running-cell' }, (d) =>
        decode!.set(runningCellDecoderMask(grid, m, d.ratio, rng.split('decoder', b)), b * n),
      )
      .exhaustive();
  }
  return { hidden, decode, batch, tokens: n };
}

/** The encoder mask as a `[B, N]` tensor (1 = hidden), the form {@link VideoMAE.forward} takes. */
export function maskTensor(m: TokenMaskBatch): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(m.hidden), [m.batch, m.tokens]);
}
