/**
 * The video ViT classifier of docs/ARCHITECTURE.md §4 (VideoMAE's ViT with mean pooling): tubelet patch
 * embedding, fixed sinusoid positions, pre-norm blocks, `fc_norm(mean over tokens)`, and one
 * `head` or named `heads.<name>`. Parameters use PyTorch names; see param-store.ts for layouts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelError, Rng, type TensorChecks } from '@ppma/core';
import { headList, headPrefix, resolveVitConfig, type VitConfig, type VitConfigInput } from './config.js';
import { TorchParameters } from './torch-parameters.js';
import { addBlockParams, block } from './layers/block.js';
import { layerNorm } from './layers/layer-norm.js';
import { denseConstLeft, linear } from './layers/matmul-2d.js';
import { addConstant, reshape, untaped } from './layers/tape-ops.js';
import { addPatchEmbedParams, patchify, tokenCount } from './layers/patch-embed-3d.js';
import { sinusoidTable } from './layers/sinusoid-table.js';
import type { AttentionMode } from './layers/attention.js';
import type { CheckpointSource } from './checkpoint-keys.js';
import { configFromMetadata } from './checkpoint/model-config.js';
import type { SaveOptions } from './checkpoint/save-metadata.js';
import {
  checkTensorsFit,
  readCheckpointHeader,
  readClassifierWeights,
  requireTrunk,
} from './checkpoint/read-checkpoint.js';
import { checkClip, normalisePixels } from './clip.js';

/** What {@link VideoViT.forward} returns. */
export interface VitOutput {
  /** Token features after the last block, `[B, N, D]`. */
  readonly tokens: tf.Tensor3D;
  /** `fc_norm(mean over tokens)`, `[B, D]`. */
  readonly pooled: tf.Tensor2D;
  /** Logits of the chosen head, `[B, classes]` (`[B, 0]` for a model without heads). */
  readonly logits: tf.Tensor2D;
}

/** Options of {@link VideoViT.forward}. */
export interface ForwardOptions {
  /** Training mode: drop path is active (needs `rng`). Default false. */
  readonly training?: boolean;
  /** Named head to use (default: the first). */
  readonly head?: string;
  /** Random stream for drop path. */
  readonly rng?: Rng;
  /** Attention product strategy; default picks the fastest for the backend. */
  readonly attention?: AttentionMode | 'auto';
}

/** Options of {@link VideoViT.load}; `allowNonFinite` loads NaN/Inf weights anyway (to inspect a broken file). */
export interface LoadOptions extends Pick<TensorChecks, 'allowNonFinite'> {
  /** Key prefix in the file, e.g. `classifier.` or `mae.`. */
  readonly prefix?: string;
  /** Naming scheme of the file; default: detected from the keys. */
  readonly from?: CheckpointSource | 'auto';
  /** Require every parameter (default true for `vit` sources; heads and `fc_norm` may be missing from `mae` ones). */
  readonly strict?: boolean;
  /** Ignore the file's heads and keep this model's freshly initialised ones (e.g. a new task). */
  readonly freshHeads?: boolean;
}

/** The format tag written in checkpoint metadata. */
export const VIT_FORMAT = 'ppma-vit/1';

/** A PyTorch-exact video ViT in TensorFlow.js. */
export class VideoViT extends TorchParameters {
  readonly config: VitConfig;
  private readonly posCache = new Map<number, tf.Tensor2D>();
  private readonly meanT: tf.Tensor1D;
  private readonly stdT: tf.Tensor1D;

  private constructor(config: VitConfig, seed: number | string) {
    super();
    this.config = config;
    const rng = new Rng(seed);
    const c = config;
    addPatchEmbedParams(this.store, 'patch_embed', c, rng);
    for (let i = 0; i < c.depth; i++)
      addBlockParams(this.store, `blocks.${i}`, c.dim, c.dim * c.mlpRatio, rng.split('block', i));
    this.store.addNorm('fc_norm', c.dim);
    for (const [name, n] of headList(c))
      this.store.addLinear(headPrefix(name), c.dim, n, rng.split('head', name), { std: 0.02 });
    this.meanT = tf.tensor1d([...c.mean]);
    this.stdT = tf.tensor1d([...c.std]);
  }

  /** Builds a model with fresh (seeded) weights. */
  static create(config: VitConfigInput, options: { seed?: number | string } = {}): VideoViT {
    return new VideoViT(resolveVitConfig(config), options.seed ?? 0);
  }

  /**
   * Builds a model from a checkpoint file: the config comes from its metadata (ours, or an MAE
   * checkpoint's encoder), overridden by `config`. Giving other `classes` than the file's starts
   * fresh heads (the trunk and `fc_norm` are still required).
   */
  static async load(file: string, options: LoadOptions & { config?: Partial<VitConfigInput> } = {}): Promise<VideoViT> {
    const h = await readCheckpointHeader(file);
    const cfg = resolveVitConfig(configFromMetadata(file, h.config, h.format, options.config));
    checkTensorsFit(h, cfg, options); // before anything is allocated
    const vit = VideoViT.create(cfg);
    const newHeads =
      options.config?.classes !== undefined &&
      JSON.stringify(options.config.classes) !== JSON.stringify(h.config?.classes);
    try {
      await vit.load(file, { ...options, freshHeads: options.freshHeads ?? newHeads });
    } catch (e) {
      vit.dispose();
      throw e;
    }
    return vit;
  }

  /** Loads weights from a safetensors file in PyTorch names and layouts. */
  async load(file: string, options: LoadOptions = {}): Promise<void> {
    const { weights, source, prefix } = await readClassifierWeights(file, {
      prefix: options.prefix,
      from: options.from,
      dropHeads: options.freshHeads,
      allowNonFinite: options.allowNonFinite,
    });
    const strict = options.strict ?? (source === 'vit' && !options.freshHeads);
    const missing = this.store.loadStateDict(weights, { strict, file });
    requireTrunk(file, missing, `prefix "${prefix}", source ${source}`);
  }

  /** Writes the weights (PyTorch names and layouts) with config and provenance in the metadata. */
  async save(file: string, options: SaveOptions = {}): Promise<void> {
    await this.writeCheckpoint(file, VIT_FORMAT, this.config, 'unspecified', options);
  }

  /** Names of the heads (`''` for the single `head`). */
  headNames(): string[] {
    return headList(this.config).map(([n]) => n);
  }

  private pos(n: number): tf.Tensor2D {
    let t = this.posCache.get(n);
    if (!t) {
      t = tf.keep(tf.tensor2d(sinusoidTable(n, this.config.dim), [n, this.config.dim])); // cached across tidy scopes
      this.posCache.set(n, t);
    }
    return t;
  }

  /** Token features `[B*N, D]` after the last block (no tidy: callers wrap). */
  private trunk(clip: tf.Tensor5D, o: ForwardOptions): tf.Tensor2D {
    const c = this.config;
    const b = checkClip(clip, c);
    const n = tokenCount(c);
    const rows = untaped(() => patchify(normalisePixels(clip, this.meanT, this.stdT), c)); // [B*N, t*p*p*3], constant
    const emb = denseConstLeft(
      rows,
      this.store.get<tf.Tensor2D>('patch_embed.proj.weight'),
      this.store.get<tf.Tensor1D>('patch_embed.proj.bias'),
    ); // [B*N, D]
    let x = reshape<tf.Rank.R2>(addConstant(reshape(emb, [b, n, c.dim]), this.pos(n)), [b * n, c.dim]); // [B*N, D]
    const mode = o.attention ?? 'auto';
    const training = o.training ?? false;
    for (let i = 0; i < c.depth; i++) {
      const rate = training && c.depth > 1 ? (c.dropPath * i) / (c.depth - 1) : training ? c.dropPath : 0;
      x = block(this.store, `blocks.${i}`, x, {
        batch: b,
        heads: c.heads,
        eps: c.normEps,
        mode,
        dropPath: rate,
        rng: o.rng?.split('drop_path', i),
      });
    }
    return x;
  }

  private pool(x: tf.Tensor2D, b: number): tf.Tensor2D {
    const n = x.shape[0] / b;
    const mean = tf.mean(reshape(x, [b, n, this.config.dim]), 1) as tf.Tensor2D; // [B, D]
    return layerNorm(
      mean,
      this.store.get<tf.Tensor1D>('fc_norm.weight'),
      this.store.get<tf.Tensor1D>('fc_norm.bias'),
      this.config.normEps,
    ); // [B, D]
  }

  /** Runs the model on clips `[B, T, H, W, 3]` with pixels in [0, 1]. */
  forward(clip: tf.Tensor5D, options: ForwardOptions = {}): VitOutput {
    return tf.tidy(() => {
      const b = clip.shape[0];
      const x = this.trunk(clip, options); // [B*N, D]
      const pooled = this.pool(x, b); // [B, D]
      const heads = headList(this.config);
      let logits: tf.Tensor2D;
      if (heads.length === 0) logits = tf.zeros([b, 0]);
      else {
        const name = options.head ?? heads[0][0];
        if (!heads.some(([h]) => h === name))
          throw new ModelError(
            `no head named "${name}"; the model has ${heads.map(([h]) => (h === '' ? 'head' : h)).join(', ')}`,
          );
        const p = headPrefix(name);
        logits = linear(pooled, this.store.get<tf.Tensor2D>(`${p}.weight`), this.store.get<tf.Tensor1D>(`${p}.bias`)); // [B, C]
      }
      return { tokens: reshape<tf.Rank.R3>(x, [b, x.shape[0] / b, this.config.dim]), pooled, logits };
    });
  }

  /** Pooled features `[B, D]` (the input of the heads). */
  features(clip: tf.Tensor5D, options: Omit<ForwardOptions, 'head'> = {}): tf.Tensor2D {
    return tf.tidy(() => this.pool(this.trunk(clip, options), clip.shape[0]));
  }

  /** Frees every variable and cached tensor. */
  dispose(): void {
    this.store.dispose();
    for (const t of this.posCache.values()) t.dispose();
    this.posCache.clear();
    this.meanT.dispose();
    this.stdT.dispose();
  }
}
