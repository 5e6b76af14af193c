/**
 * Analytic matmul FLOPs of a ViT forward pass (2·M·N·K per product, attention included), as the
 * training benchmark counts them; a training step is taken as 3x the forward.
 */

/** FLOPs of a forward pass. */
export interface FlopCount {
  readonly forward: number;
  /** 3 x forward: forward + two backward products per forward product. */
  readonly train: number;
}

/** Forward FLOPs of `depth` blocks of width `d` on `batch` sequences of `n` tokens (+ extras). */
function blocksFlops(batch: number, n: number, d: number, depth: number, mlpRatio: number): number {
  const m = batch * n;
  const linears = 2 * m * d * (3 * d + d + 2 * mlpRatio * d);
  const attn = 2 * 2 * batch * n * n * d;
  return depth * (linears + attn);
}

/**
 * FLOPs of a ViT (or MAE: pass `decoder`) step on `batch` clips. `visible` is the number of tokens
 * the encoder sees (all for a classifier); `classes` the head width.
 */
export function vitFlops(o: {
  batch: number;
  tokens: number;
  visible?: number;
  patchValues: number;
  dim: number;
  depth: number;
  mlpRatio?: number;
  classes?: number;
  decoder?: { dim: number; depth: number; predicted: number };
}): FlopCount {
  const r = o.mlpRatio ?? 4;
  const nv = o.visible ?? o.tokens;
  let f = 2 * o.batch * nv * o.patchValues * o.dim + blocksFlops(o.batch, nv, o.dim, o.depth, r);
  if (o.decoder) {
    const dd = o.decoder;
    f += 2 * o.batch * nv * o.dim * dd.dim; // encoder_to_decoder
    f += blocksFlops(o.batch, nv + dd.predicted, dd.dim, dd.depth, r);
    f += 2 * o.batch * dd.predicted * dd.dim * o.patchValues; // decoder head
  } else {
    f += 2 * o.batch * o.dim * (o.classes ?? 0);
  }
  return { forward: f, train: 3 * f };
}
