/**
 * Options of stage 2, Align (docs/ARCHITECTURE.md §5): one schema with a default per field, and presets that
 * scale the paper's recipe for a 2-core CPU.
 */
import type { Manifest } from '@ppma/video-io';
import type { VitConfigInput } from '@ppma/vit';
import { ConfigError } from '@ppma/core';

/** One labelled dataset: its own linear head `heads.<name>`. */
export interface AlignDataset {
  /** Head name (letters, digits, `_`, `-`). */
  readonly name: string;
  /** A PPMA `relpath;label` CSV file, or a manifest already read. */
  readonly manifest: string | Manifest;
  /** Loss weight of this dataset's batches (default 1: equal weights). */
  readonly weight?: number;
  /** Optional validation split, evaluated at the end (and every `evalEvery` epochs). */
  readonly val?: string | Manifest;
  /** Accept CSV entries whose paths escape the CSV's folder (`../x.mp4`, absolute paths); default refuses them. */
  readonly allowOutsideRoot?: boolean;
}

/** Where the encoder starts. */
export type AlignInit =
  | { readonly kind: 'scratch'; readonly config: VitConfigInput; readonly seed?: number }
  /** An MAE checkpoint (decoder dropped) or a VideoViT checkpoint; heads in it are not reused. */
  | { readonly kind: 'checkpoint'; readonly file: string };

/** Augmentation of training clips (each part optional). */
export interface AugmentOptions {
  /** Random resized crop area range (default [0.4, 1]); null: centre crop only. */
  readonly scale: readonly [number, number] | null;
  /** Horizontal flip probability (default 0: actions may be direction-sensitive). */
  readonly hflip: number;
  /** RandAugment magnitude / ops / probability, or null for none (paper m7 n4 p0.5). */
  readonly randAugment: { readonly m: number; readonly n: number; readonly p: number } | null;
  /** Random erasing probability (paper 0.25); 0 disables it. */
  readonly randomErasing: number;
  /** Mixup Beta parameter (paper 0.8); 0 disables mixup. */
  readonly mixup: number;
  /** CutMix Beta parameter (paper 1.0); 0 disables cutmix. */
  readonly cutmix: number;
  /** Probability of mixing a batch (default 1). */
  readonly mixProb: number;
  /** Label smoothing (paper 0.1). */
  readonly labelSmoothing: number;
}

/** The optimisation recipe. */
export interface AlignRecipe {
  readonly epochs: number;
  readonly warmupEpochs: number;
  /** Peak learning rate (paper 2e-3). */
  readonly lr: number;
  readonly minLr: number;
  readonly batchSize: number;
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  /** Layer-wise learning-rate decay (paper FT 0.75); 1 disables it. */
  readonly layerDecay: number;
  /** Maximum drop-path rate (paper FT 0.1). */
  readonly dropPath: number;
  /** Clip gradients to this global norm, or null. */
  readonly clipGrad: number | null;
  readonly augment: AugmentOptions;
}

/** Named recipes: the paper's, and one scaled for a 2-core CPU and the embedded mini-benchmark. */
export const ALIGN_PRESETS: Readonly<Record<'paper' | 'cpu' | 'plain', AlignRecipe>> = Object.freeze({
  paper: {
    epochs: 50,
    warmupEpochs: 6,
    lr: 2e-3,
    minLr: 1e-6,
    batchSize: 32,
    weightDecay: 0.05,
    beta1: 0.9,
    beta2: 0.999,
    layerDecay: 0.75,
    dropPath: 0.1,
    clipGrad: null,
    augment: {
      scale: [0.08, 1],
      hflip: 0.5,
      randAugment: { m: 7, n: 4, p: 0.5 },
      randomErasing: 0.25,
      mixup: 0.8,
      cutmix: 1.0,
      mixProb: 1,
      labelSmoothing: 0.1,
    },
  },
  cpu: {
    epochs: 8,
    warmupEpochs: 1,
    lr: 1e-3,
    minLr: 1e-6,
    batchSize: 8,
    weightDecay: 0.05,
    beta1: 0.9,
    beta2: 0.999,
    layerDecay: 0.75,
    dropPath: 0.1,
    clipGrad: 5,
    augment: {
      scale: [0.4, 1],
      hflip: 0,
      randAugment: { m: 5, n: 2, p: 0.5 },
      randomErasing: 0.25,
      mixup: 0.8,
      cutmix: 1.0,
      mixProb: 0.5,
      labelSmoothing: 0.1,
    },
  },
  /** No augmentation, no decay tricks: for tests and quick checks. */
  plain: {
    epochs: 5,
    warmupEpochs: 0,
    lr: 1e-3,
    minLr: 0,
    batchSize: 8,
    weightDecay: 0,
    beta1: 0.9,
    beta2: 0.999,
    layerDecay: 1,
    dropPath: 0,
    clipGrad: null,
    augment: {
      scale: null,
      hflip: 0,
      randAugment: null,
      randomErasing: 0,
      mixup: 0,
      cutmix: 0,
      mixProb: 0,
      labelSmoothing: 0,
    },
  },
});

/** A recipe preset name. */
export type AlignPreset = keyof typeof ALIGN_PRESETS;

/** A recipe override: any field, and any augmentation field. */
export type RecipeOverrides = Partial<Omit<AlignRecipe, 'augment'>> & { readonly augment?: Partial<AugmentOptions> };

/** Applies overrides to a preset and validates the result; throws {@link ConfigError} naming the key. */
export function resolveRecipe(preset: AlignPreset, overrides: RecipeOverrides = {}): AlignRecipe {
  const base = ALIGN_PRESETS[preset];
  if (!base)
    throw new ConfigError(
      'preset',
      `unknown preset "${String(preset)}"; known: ${Object.keys(ALIGN_PRESETS).join(', ')}`,
    );
  const r: AlignRecipe = { ...base, ...overrides, augment: { ...base.augment, ...overrides.augment } };
  const posInt = (k: 'epochs' | 'batchSize') => {
    if (!Number.isInteger(r[k]) || r[k] <= 0) throw new ConfigError(k, `must be a positive integer, got ${r[k]}`);
  };
  posInt('epochs');
  posInt('batchSize');
  if (!(r.warmupEpochs >= 0)) throw new ConfigError('warmupEpochs', `must be >= 0, got ${r.warmupEpochs}`);
  if (!(r.lr > 0)) throw new ConfigError('lr', `must be > 0, got ${r.lr}`);
  if (!(r.layerDecay > 0 && r.layerDecay <= 1))
    throw new ConfigError('layerDecay', `must be in (0, 1], got ${r.layerDecay}`);
  if (!(r.dropPath >= 0 && r.dropPath < 1)) throw new ConfigError('dropPath', `must be in [0, 1), got ${r.dropPath}`);
  const a = r.augment;
  if (a.scale && !(a.scale[0] > 0 && a.scale[0] <= a.scale[1] && a.scale[1] <= 1))
    throw new ConfigError('augment.scale', `must be 0 < lo <= hi <= 1, got [${a.scale.join(', ')}]`);
  if (!(a.labelSmoothing >= 0 && a.labelSmoothing < 1))
    throw new ConfigError('augment.labelSmoothing', `must be in [0, 1)`);
  for (const k of ['hflip', 'randomErasing', 'mixProb'] as const)
    if (!(a[k] >= 0 && a[k] <= 1)) throw new ConfigError(`augment.${k}`, `must be a probability, got ${a[k]}`);
  for (const k of ['mixup', 'cutmix'] as const)
    if (!(a[k] >= 0)) throw new ConfigError(`augment.${k}`, `must be >= 0, got ${a[k]}`);
  return r;
}
