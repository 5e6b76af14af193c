/**
 * The video ViT configuration (docs/ARCHITECTURE.md §4): one schema, with a default per optional field.
 */
import { ConfigError, IMAGENET_MEAN, IMAGENET_STD } from '@ppma/core';

/** Architecture of a {@link VideoViT}. */
export interface VitConfig {
  /** Token width D. */
  readonly dim: number;
  /** Transformer blocks. */
  readonly depth: number;
  /** Attention heads (D must be divisible by it). */
  readonly heads: number;
  /** Frames per tubelet, t. */
  readonly tubelet: number;
  /** Patch side, p. */
  readonly patch: number;
  /** Clip length T (a multiple of `tubelet`). */
  readonly frames: number;
  /** Clip height H (a multiple of `patch`). */
  readonly height: number;
  /** Clip width W (a multiple of `patch`). */
  readonly width: number;
  /** One head (`head.*`) with this many classes, or named heads (`heads.<name>.*`); 0 = no head. */
  readonly classes: number | Readonly<Record<string, number>>;
  /** MLP hidden width as a multiple of D. Default 4. */
  readonly mlpRatio: number;
  /** LayerNorm epsilon. Default 1e-6. */
  readonly normEps: number;
  /** Per-channel pixel mean used to normalise [0, 1] clips. Default ImageNet. */
  readonly mean: readonly [number, number, number];
  /** Per-channel pixel std. Default ImageNet. */
  readonly std: readonly [number, number, number];
  /** Maximum drop-path rate (linearly increasing over depth, as timm). Default 0. */
  readonly dropPath: number;
}

/** The fields one must give; the rest have defaults. */
export type VitConfigInput = Pick<
  VitConfig,
  'dim' | 'depth' | 'heads' | 'tubelet' | 'patch' | 'frames' | 'height' | 'width'
> &
  Partial<Omit<VitConfig, 'dim' | 'depth' | 'heads' | 'tubelet' | 'patch' | 'frames' | 'height' | 'width'>>;

function positiveInt(key: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
    throw new ConfigError(key, `must be a positive integer, got ${String(v)}`);
}

/** Fills defaults and validates the geometry; throws {@link ConfigError} naming the bad key. */
export function resolveVitConfig(input: VitConfigInput): VitConfig {
  const c: VitConfig = {
    classes: 0,
    mlpRatio: 4,
    normEps: 1e-6,
    mean: IMAGENET_MEAN,
    std: IMAGENET_STD,
    dropPath: 0,
    ...input,
  };
  for (const k of ['dim', 'depth', 'heads', 'tubelet', 'patch', 'frames', 'height', 'width'] as const)
    positiveInt(k, c[k]);
  if (c.dim % c.heads !== 0) throw new ConfigError('heads', `dim ${c.dim} is not divisible by heads ${c.heads}`);
  if (c.frames % c.tubelet !== 0)
    throw new ConfigError('frames', `${c.frames} frames are not a multiple of tubelet ${c.tubelet}`);
  if (c.height % c.patch !== 0) throw new ConfigError('height', `${c.height} is not a multiple of patch ${c.patch}`);
  if (c.width % c.patch !== 0) throw new ConfigError('width', `${c.width} is not a multiple of patch ${c.patch}`);
  if (!(c.mlpRatio > 0) || !Number.isInteger(c.dim * c.mlpRatio))
    throw new ConfigError('mlpRatio', `dim * mlpRatio must be a positive integer`);
  if (!(c.dropPath >= 0 && c.dropPath < 1)) throw new ConfigError('dropPath', `must be in [0, 1), got ${c.dropPath}`);
  if (typeof c.classes === 'number') {
    if (!Number.isInteger(c.classes) || c.classes < 0)
      throw new ConfigError('classes', `must be a non-negative integer`);
  } else {
    for (const [name, n] of Object.entries(c.classes)) {
      if (!/^[A-Za-z0-9_-]+$/.test(name))
        throw new ConfigError(`classes.${name}`, 'head names may use letters, digits, _ and - only');
      positiveInt(`classes.${name}`, n);
    }
  }
  return c;
}

/** The head names and sizes: `[['', n]]` for a single `head`, `[]` for none. */
export function headList(c: VitConfig): [string, number][] {
  if (typeof c.classes === 'number') return c.classes > 0 ? [['', c.classes]] : [];
  return Object.entries(c.classes);
}

/** Parameter prefix of a head: `head` or `heads.<name>`. */
export function headPrefix(name: string): string {
  return name === '' ? 'head' : `heads.${name}`;
}
