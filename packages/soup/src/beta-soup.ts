/**
 * The learned-beta soup (PPMA §4.5, Table 6; docs/ARCHITECTURE.md §5 "Soup"): mixing logits over K models,
 * one set for the whole trunk or one per block (patch embedding, each block, `fc_norm`),
 * initialised equal and passed through a softmax so every proportion stays in [0, 1] and they sum
 * to 1. The soup's trunk weights `sum_k softmax(beta)_k W_k` are computed inside the graph, so the
 * gradient of a probe's loss reaches beta. The ingredients' weights are frozen constants.
 *
 * Features of a weight soup are not a mix of the ingredients' features (the trunk is nonlinear in
 * its weights), so they cannot be cached per model; what is cached is the constant input side:
 * the normalised patch rows of every clip.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from '@ppma/core';
import {
  ParamStore,
  VideoViT,
  block,
  layerGroupNames,
  layerId,
  layerNorm,
  matMul2d,
  matMulConstLeft,
  normalisePixels,
  patchify,
  resolveAttentionMode,
  sinusoidTable,
  tokenCount,
  type VitConfig,
} from '@ppma/vit';
import { match } from 'ts-pattern';
import { checkSameArchitecture, readTrunk, type Trunk } from './trunk-checkpoint.js';

let soupCounter = 0;

/** One set of mixing logits for the whole trunk, or one per block. */
export type BetaMode = 'global' | 'per-block';

/** Reads mixed weights by name (the soup's weights inside the graph). */
class MixedStore extends ParamStore {
  constructor(private readonly mixed: ReadonlyMap<string, tf.Tensor>) {
    super();
  }

  override get<T extends tf.Tensor = tf.Tensor>(name: string): T {
    const t = this.mixed.get(name);
    if (!t) throw new ModelError(`the soup has no parameter ${name}`);
    return t as T;
  }
}

interface Stacked {
  /** Ingredient weights, one flattened row per model, in our compute layout: `[K, M]`. */
  readonly stack: tf.Tensor2D;
  /** Compute-layout shape of the parameter. */
  readonly shape: number[];
  readonly group: number;
}

/** Mixing group names of a `depth`-block trunk (per block: `@ppma/vit`'s layer groups). */
export function betaGroups(mode: BetaMode, depth: number): string[] {
  return match(mode)
    .with('global', () => ['trunk'])
    .with('per-block', () => layerGroupNames(depth))
    .exhaustive();
}

/** The group index of a trunk parameter (per block: its `@ppma/vit` layer id). */
export function betaGroupOf(mode: BetaMode, depth: number, name: string): number {
  return mode === 'global' ? 0 : layerId(name, depth);
}

/** Frees weights returned by {@link BetaSoup.mixedWeights}. */
export function releaseWeights(weights: ReadonlyMap<string, tf.Tensor>): void {
  tf.dispose([...weights.values()]);
}

/** K frozen trunks mixed by trainable logits. */
export class BetaSoup {
  readonly config: VitConfig;
  readonly mode: BetaMode;
  readonly groups: string[];
  /** The ingredient files (or labels). */
  readonly models: string[];
  /** Mixing logits `[G, K]` (initialised equal: zeros). */
  readonly logits: tf.Variable;
  private readonly stacks = new Map<string, Stacked>();
  private readonly meanT: tf.Tensor1D;
  private readonly stdT: tf.Tensor1D;
  private readonly pos: tf.Tensor2D;

  private constructor(trunks: readonly Trunk[], mode: BetaMode) {
    checkSameArchitecture(trunks);
    const c = trunks[0].config;
    this.config = c;
    this.mode = mode;
    this.groups = betaGroups(mode, c.depth);
    this.models = trunks.map((t) => t.file);
    const vits = trunks.map((t) => {
      const v = VideoViT.create(c, { seed: 0 });
      v.loadStateDict(t.weights, { strict: false });
      return v;
    });
    try {
      const vars = vits.map((v) => v.trainableVariables());
      for (const name of Object.keys(vars[0])) {
        const shape = [...vars[0][name].shape];
        const stack = tf.tidy(() =>
          tf.concat(
            vars.map((vs) => tf.reshape(vs[name], [1, -1])),
            0,
          ),
        ) as tf.Tensor2D; // [K, M]
        this.stacks.set(name, { stack, shape, group: betaGroupOf(mode, c.depth, name) });
      }
    } finally {
      for (const v of vits) v.dispose();
    }
    const name = `ppma-soup${soupCounter++}/beta.logits`;
    this.logits = tf.tidy(() => tf.variable(tf.zeros([this.groups.length, trunks.length]), true, name)); // tidy frees the zeros
    this.meanT = tf.tensor1d([...c.mean]);
    this.stdT = tf.tensor1d([...c.std]);
    this.pos = tf.tensor2d(sinusoidTable(tokenCount(c), c.dim), [tokenCount(c), c.dim]);
  }

  /** Builds a soup of already-read trunks. */
  static fromTrunks(trunks: readonly Trunk[], mode: BetaMode = 'global'): BetaSoup {
    if (trunks.length < 2) throw new ModelError(`a learned soup needs at least two models, got ${trunks.length}`);
    return new BetaSoup(trunks, mode);
  }

  /** Reads the checkpoints' trunks (heads are ignored) and builds the soup. */
  static async fromCheckpoints(files: readonly string[], mode: BetaMode = 'global'): Promise<BetaSoup> {
    return BetaSoup.fromTrunks(await Promise.all(files.map((f) => readTrunk(f))), mode);
  }

  /** `softmax(logits)` per group, `[G, K]` (call inside a tidy or gradient tape). */
  proportions(): tf.Tensor2D {
    return tf.softmax(this.logits as tf.Tensor2D); // [G, K]
  }

  /** The proportions as numbers: `[group][model]`. */
  readProportions(): number[][] {
    const p = tf.tidy(() => this.proportions());
    const d = p.dataSync();
    p.dispose();
    return this.groups.map((_, g) => Array.from(d.subarray(g * this.models.length, (g + 1) * this.models.length)));
  }

  /**
   * The soup's weights in compute layouts, computed from the logits inside the graph. They are
   * `tf.keep`-ed, because `@ppma/vit`'s `linear` reads its weight again in the backward pass
   * (after the gradient tape's tidy has ended): free them with {@link releaseWeights} once the
   * gradient (or the forward result) has been computed.
   */
  mixedWeights(): Map<string, tf.Tensor> {
    const p = this.proportions(); // [G, K]
    const k = this.models.length;
    const rows = this.groups.map((_, g) => tf.slice(p, [g, 0], [1, k])); // G x [1, K]
    const out = new Map<string, tf.Tensor>();
    for (const [name, s] of this.stacks) out.set(name, tf.keep(tf.reshape(matMul2d(rows[s.group], s.stack), s.shape))); // [1, M] -> shape
    return out;
  }

  /** The constant input side of the trunk: normalised patch rows `[B*N, t*p*p*3]` of clips `[B, T, H, W, 3]` in [0, 1]. */
  patchRows(clip: tf.Tensor5D): tf.Tensor2D {
    return tf.tidy(() => patchify(normalisePixels(clip, this.meanT, this.stdT), this.config)); // [B*N, P]
  }

  /** Pooled features `[B, D]` of patch rows through the trunk with `weights` (no tidy: call inside one). */
  pooled(rows: tf.Tensor2D, batch: number, weights: ReadonlyMap<string, tf.Tensor>): tf.Tensor2D {
    const c = this.config;
    const n = tokenCount(c);
    const store = new MixedStore(weights);
    const emb = tf.add(
      matMulConstLeft(rows, store.get<tf.Tensor2D>('patch_embed.proj.weight')),
      store.get('patch_embed.proj.bias'),
    ); // [B*N, D]
    let x = tf.reshape(tf.add(tf.reshape(emb, [batch, n, c.dim]), this.pos), [batch * n, c.dim]) as tf.Tensor2D; // [B*N, D]
    const mode = resolveAttentionMode('auto');
    for (let i = 0; i < c.depth; i++)
      x = block(store, `blocks.${i}`, x, { batch, heads: c.heads, eps: c.normEps, mode, dropPath: 0 });
    const mean = tf.mean(tf.reshape(x, [batch, n, c.dim]), 1) as tf.Tensor2D; // [B, D]
    return layerNorm(mean, store.get<tf.Tensor1D>('fc_norm.weight'), store.get<tf.Tensor1D>('fc_norm.bias'), c.normEps); // [B, D]
  }

  /** Frees the frozen weights, the logits and cached tensors. */
  dispose(): void {
    for (const s of this.stacks.values()) s.stack.dispose();
    this.stacks.clear();
    tf.dispose([this.logits, this.meanT, this.stdT, this.pos]);
  }
}
