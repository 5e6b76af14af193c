/**
 * The token grid a mask lives on: `(T/t) x (H/p) x (W/p)` tokens in `(t', h', w')` row-major order.
 */
import type { PatchGeometry } from '@ppma/vit';

/** Token grid of a clip geometry. */
export interface TokenGrid {
  readonly t: number;
  readonly h: number;
  readonly w: number;
}

/** The token grid of a patch geometry. */
export function tokenGrid(g: PatchGeometry): TokenGrid {
  return { t: g.frames / g.tubelet, h: g.height / g.patch, w: g.width / g.patch };
}

/** Tokens in a grid. */
export function gridSize(g: TokenGrid): number {
  return g.t * g.h * g.w;
}
