/**
 * The model description the ONNX exporter needs (docs/ARCHITECTURE.md §4), independent of the TF.js model:
 * any object with these fields and a PyTorch-named state dict can be exported.
 */
import { ConfigError, IMAGENET_MEAN, IMAGENET_STD } from '@ppma/core';

/** Architecture of a video ViT classifier or encoder, in the names of `VideoViT.config`. */
export interface VitConfigLike {
  readonly dim: number;
  readonly depth: number;
  readonly heads: number;
  /** Temporal tubelet size `t`, or the whole tubelet `[t, p, p]`. */
  readonly tubelet: number | readonly [number, number, number];
  /** Spatial patch size `p` (used when `tubelet` is a number). */
  readonly patch?: number;
  readonly frames: number;
  readonly height: number;
  readonly width: number;
  /** Classes of the single head `head.*`, or per dataset `heads.<name>.*`; 0 = no head. */
  readonly classes: number | Readonly<Record<string, number>>;
  /** MLP hidden width as a multiple of `dim`, 4 by default. */
  readonly mlpRatio?: number;
  /** LayerNorm epsilon, 1e-6 by default. */
  readonly normEps?: number;
  readonly mean?: readonly number[];
  readonly std?: readonly number[];
}

/** One classification head of the graph. */
export interface HeadSpec {
  /** State-dict prefix, `head` or `heads.<name>`. */
  readonly key: string;
  /** ONNX output name, `logits` or `logits.<name>`. */
  readonly output: string;
  readonly classes: number;
}

/** A validated config with every derived size. */
export interface ResolvedVitConfig {
  readonly dim: number;
  readonly depth: number;
  readonly heads: number;
  readonly tubelet: readonly [number, number, number];
  readonly frames: number;
  readonly height: number;
  readonly width: number;
  /** Token grid `(T/t, H/p, W/p)` and token count N. */
  readonly grid: readonly [number, number, number];
  readonly tokens: number;
  /** MLP hidden width. */
  readonly hidden: number;
  readonly normEps: number;
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly headSpecs: readonly HeadSpec[];
}

function positiveInt(key: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
    throw new ConfigError(key, `must be a positive integer, got ${String(v)}`);
  return v;
}

/** Validates a config and derives the token grid and the heads. */
export function resolveOnnxVitConfig(c: VitConfigLike): ResolvedVitConfig {
  const dim = positiveInt('dim', c.dim);
  const depth = positiveInt('depth', c.depth);
  const heads = positiveInt('heads', c.heads);
  if (dim % heads !== 0) throw new ConfigError('heads', `dim ${dim} is not divisible by ${heads} heads`);
  const tubelet: [number, number, number] =
    typeof c.tubelet === 'number'
      ? [positiveInt('tubelet', c.tubelet), positiveInt('patch', c.patch), positiveInt('patch', c.patch)]
      : [
          positiveInt('tubelet[0]', c.tubelet[0]),
          positiveInt('tubelet[1]', c.tubelet[1]),
          positiveInt('tubelet[2]', c.tubelet[2]),
        ];
  const frames = positiveInt('frames', c.frames);
  const height = positiveInt('height', c.height);
  const width = positiveInt('width', c.width);
  const sizes: [string, number, number][] = [
    ['frames', frames, tubelet[0]],
    ['height', height, tubelet[1]],
    ['width', width, tubelet[2]],
  ];
  for (const [key, size, step] of sizes) {
    if (size % step !== 0) throw new ConfigError(key, `${size} is not a multiple of the tubelet size ${step}`);
  }
  const grid: [number, number, number] = [frames / tubelet[0], height / tubelet[1], width / tubelet[2]];
  const headSpecs: HeadSpec[] =
    typeof c.classes === 'number'
      ? c.classes > 0
        ? [{ key: 'head', output: 'logits', classes: positiveInt('classes', c.classes) }]
        : []
      : Object.entries(c.classes).map(([name, n]) => ({
          key: `heads.${name}`,
          output: `logits.${name}`,
          classes: positiveInt(`classes.${name}`, n),
        }));
  const mean = c.mean ?? IMAGENET_MEAN;
  const std = c.std ?? IMAGENET_STD;
  if (mean.length !== 3 || std.length !== 3) throw new ConfigError('mean', 'mean and std need 3 channel values');
  return {
    dim,
    depth,
    heads,
    tubelet,
    frames,
    height,
    width,
    grid,
    tokens: grid[0] * grid[1] * grid[2],
    hidden: positiveInt('mlpRatio', dim * (c.mlpRatio ?? 4)),
    normEps: c.normEps ?? 1e-6,
    mean,
    std,
    headSpecs,
  };
}

function pick(o: Record<string, unknown>, ...keys: string[]): unknown {
  for (const k of keys) if (o[k] !== undefined) return o[k];
  return undefined;
}

/**
 * Reads a config from JSON in our names (`normEps`) or the PyTorch reference's (`layer_norm_eps`,
 * `num_classes`, `embed_dim`, `img_size`, `num_frames`, `tubelet_size`, `patch_size`).
 */
export function parseVitConfigLike(json: unknown, file?: string): VitConfigLike {
  if (typeof json !== 'object' || json === null) throw new ConfigError('config', 'is not a JSON object', { file });
  const o = json as Record<string, unknown>;
  const img = pick(o, 'img_size');
  return {
    dim: pick(o, 'dim', 'embed_dim') as number,
    depth: pick(o, 'depth') as number,
    heads: pick(o, 'heads', 'num_heads') as number,
    tubelet: pick(o, 'tubelet', 'tubelet_size') as number | [number, number, number],
    patch: pick(o, 'patch', 'patch_size') as number | undefined,
    frames: pick(o, 'frames', 'num_frames') as number,
    height: (pick(o, 'height') ?? img) as number,
    width: (pick(o, 'width') ?? img) as number,
    classes: (pick(o, 'classes', 'num_classes') ?? 0) as number | Record<string, number>,
    mlpRatio: pick(o, 'mlpRatio', 'mlp_ratio') as number | undefined,
    normEps: pick(o, 'normEps', 'layer_norm_eps', 'norm_eps') as number | undefined,
    mean: pick(o, 'mean') as number[] | undefined,
    std: pick(o, 'std') as number[] | undefined,
  };
}
