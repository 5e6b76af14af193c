/**
 * Model soups with fixed proportions (Wortsman et al. 2022; PPMA §4.5, docs/ARCHITECTURE.md §5 "Soup"):
 * `w = sum_i alpha_i w_i` over every weight except the heads, accumulated in float64.
 */
import { ConfigError, writeSafetensors } from '@ppma/core';
import { VIT_FORMAT, type TorchTensor, type VitConfig } from '@ppma/vit';
import { checkSameArchitecture, readTrunk, type Trunk } from './trunk-checkpoint.js';

/** Tolerance of `sum(alpha) = 1`. */
export const ALPHA_SUM_TOLERANCE = 1e-6;

/** Validates mixing proportions for `files`; throws {@link ConfigError} (key `alpha`) naming the problem. */
export function checkAlphas(alphas: readonly number[], files: readonly string[]): void {
  if (files.length < 1) throw new ConfigError('models', 'a soup needs at least one checkpoint');
  if (alphas.length !== files.length)
    throw new ConfigError('alpha', `${alphas.length} proportion(s) for ${files.length} checkpoint(s)`);
  alphas.forEach((a, i) => {
    if (!Number.isFinite(a))
      throw new ConfigError('alpha', `alpha[${i}] (for ${files[i]}) is ${a}, not a finite number`);
    if (a < 0)
      throw new ConfigError('alpha', `alpha[${i}] (for ${files[i]}) is ${a}; proportions must be non-negative`);
  });
  const sum = alphas.reduce((s, a) => s + a, 0);
  if (Math.abs(sum - 1) > ALPHA_SUM_TOLERANCE)
    throw new ConfigError('alpha', `proportions sum to ${sum}, not 1 (tolerance ${ALPHA_SUM_TOLERANCE})`);
}

/**
 * Mixes trunk weights: key `k` becomes `sum_i w[k](i) * trunk_i[k]`, where `w(k)` gives the
 * proportions for that key (one set for all keys, or one per block for learned beta).
 */
export function mixTrunks(
  trunks: readonly Trunk[],
  weightsFor: (key: string) => readonly number[],
): Map<string, TorchTensor> {
  const out = new Map<string, TorchTensor>();
  for (const [k, t0] of trunks[0].weights) {
    const w = weightsFor(k);
    const acc = new Float64Array(t0.data.length);
    trunks.forEach((t, i) => {
      const d = t.weights.get(k)!.data;
      const a = w[i];
      if (a !== 0) for (let j = 0; j < d.length; j++) acc[j] += a * d[j];
    });
    out.set(k, { shape: [...t0.shape], data: Float32Array.from(acc) });
  }
  return out;
}

/** What {@link averageWeights} returns. */
export interface SoupResult {
  /** Soup weights (trunk only), PyTorch names and layouts. */
  readonly weights: Map<string, TorchTensor>;
  /** Architecture of the soup, with no heads. */
  readonly config: VitConfig;
  /** Where it was written, when `out` was given. */
  readonly file?: string;
}

/** Provenance of the ingredients, for the soup's metadata. */
export function ingredients(trunks: readonly Trunk[], proportions: readonly (number | readonly number[])[]): unknown[] {
  return trunks.map((t, i) => ({
    file: t.file,
    proportion: proportions[i],
    stage: t.metadata.stage ?? null,
    data: t.metadata.data ? (JSON.parse(t.metadata.data) as unknown) : null,
  }));
}

/**
 * Averages the non-head weights of `checkpoints` with proportions `alphas` (non-negative, summing
 * to 1) and, with `out`, writes a VideoViT checkpoint (no heads; stage `soup`).
 */
export async function averageWeights(
  checkpoints: readonly string[],
  alphas: readonly number[],
  options: { out?: string } = {},
): Promise<SoupResult> {
  checkAlphas(alphas, checkpoints);
  const trunks = await Promise.all(checkpoints.map((f) => readTrunk(f)));
  checkSameArchitecture(trunks);
  const weights = mixTrunks(trunks, () => alphas);
  const config = trunks[0].config;
  if (options.out) {
    await writeSafetensors(options.out, weights, {
      format: VIT_FORMAT,
      config: JSON.stringify(config),
      stage: 'soup',
      data: JSON.stringify(ingredients(trunks, alphas)),
      soup: JSON.stringify({ kind: 'alpha', models: checkpoints, alpha: alphas }),
    });
  }
  return { weights, config, ...(options.out ? { file: options.out } : {}) };
}
