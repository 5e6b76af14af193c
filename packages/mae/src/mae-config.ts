/**
 * Configuration of a {@link VideoMAE}: the encoder is a ViT config (without heads), plus the
 * decoder of docs/ARCHITECTURE.md §4 (the paper: 4 blocks of 384 dims, 6 heads).
 */
import { ConfigError } from '@ppma/core';
import { resolveVitConfig, type VitConfig, type VitConfigInput } from '@ppma/vit';

/** Architecture of a VideoMAE. */
export interface MaeConfig extends VitConfig {
  readonly decoderDim: number;
  readonly decoderDepth: number;
  readonly decoderHeads: number;
  /** Normalise each target patch (norm_pix_loss). Default true. */
  readonly normPixLoss: boolean;
}

/** What one must give; the rest have defaults. */
export type MaeConfigInput = Omit<VitConfigInput, 'classes'> & {
  readonly decoderDim: number;
  readonly decoderDepth: number;
  readonly decoderHeads: number;
  readonly normPixLoss?: boolean;
};

/** Fills defaults and validates. */
export function resolveMaeConfig(input: MaeConfigInput): MaeConfig {
  const vit = resolveVitConfig({ ...input, classes: 0 });
  const c: MaeConfig = {
    ...vit,
    decoderDim: input.decoderDim,
    decoderDepth: input.decoderDepth,
    decoderHeads: input.decoderHeads,
    normPixLoss: input.normPixLoss ?? true,
  };
  for (const k of ['decoderDim', 'decoderDepth', 'decoderHeads'] as const) {
    if (!Number.isInteger(c[k]) || c[k] <= 0)
      throw new ConfigError(k, `must be a positive integer, got ${String(c[k])}`);
  }
  if (c.decoderDim % c.decoderHeads !== 0)
    throw new ConfigError('decoderHeads', `decoderDim ${c.decoderDim} is not divisible by ${c.decoderHeads}`);
  return c;
}

/** The encoder's ViT config (no heads). */
export function encoderConfig(c: MaeConfig): VitConfig {
  const { decoderDim: _a, decoderDepth: _b, decoderHeads: _c, normPixLoss: _d, ...vit } = c;
  return { ...vit, classes: 0 };
}
