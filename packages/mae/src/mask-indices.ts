/**
 * Turns `[B, N]` masks into the gather indices the MAE needs, checking that every clip hides (and
 * reconstructs) the same number of tokens, since the batch is one dense tensor.
 */
import { ModelError } from '@ppma/core';

/** Index lists of a mask batch. */
export interface MaskIndices {
  /** Visible tokens per clip. */
  readonly nv: number;
  /** Reconstructed tokens per clip. */
  readonly nr: number;
  /** Flat row indices `b*N + n` of the visible tokens, clip by clip, in token order. */
  readonly visibleFlat: Int32Array;
  /** Token indices `n` of the visible tokens (same order). */
  readonly visibleTok: Int32Array;
  /** Flat row indices of the tokens to reconstruct, in token order. */
  readonly reconFlat: Int32Array;
  /** Token indices of the tokens to reconstruct. */
  readonly reconTok: Int32Array;
}

/** Builds the index lists; `decode` (1 = reconstruct) defaults to `hidden`. */
export function maskIndices(
  hidden: ArrayLike<number>,
  decode: ArrayLike<number> | undefined,
  batch: number,
  n: number,
): MaskIndices {
  if (hidden.length !== batch * n) throw new ModelError(`mask has ${hidden.length} entries, expected [${batch}, ${n}]`);
  if (decode && decode.length !== batch * n)
    throw new ModelError(`decoder mask has ${decode.length} entries, expected [${batch}, ${n}]`);
  const vis: number[] = [];
  const rec: number[] = [];
  let nv = -1;
  let nr = -1;
  for (let b = 0; b < batch; b++) {
    let cv = 0;
    let cr = 0;
    for (let i = 0; i < n; i++) {
      const j = b * n + i;
      const h = hidden[j] !== 0;
      if (!h) {
        vis.push(j);
        cv++;
      }
      const r = decode ? decode[j] !== 0 : h;
      if (r) {
        if (!h)
          throw new ModelError(
            `decoder mask selects token ${i} of clip ${b}, which is visible; it must be a subset of the hidden tokens`,
          );
        rec.push(j);
        cr++;
      }
    }
    if (b === 0) {
      nv = cv;
      nr = cr;
    } else if (cv !== nv || cr !== nr) {
      throw new ModelError(
        `every clip must hide and reconstruct the same number of tokens: clip 0 has ${n - nv}/${nr}, clip ${b} has ${n - cv}/${cr}`,
      );
    }
  }
  if (nv === 0) throw new ModelError('the mask hides every token; the encoder needs at least one visible token');
  if (nr === 0) throw new ModelError('the mask reconstructs no token');
  const visibleFlat = Int32Array.from(vis);
  const reconFlat = Int32Array.from(rec);
  return {
    nv,
    nr,
    visibleFlat,
    reconFlat,
    visibleTok: visibleFlat.map((j) => j % n),
    reconTok: reconFlat.map((j) => j % n),
  };
}
