/**
 * The video masked autoencoder of docs/ARCHITECTURE.md §4 (VideoMAE, Tong et al. 2022): the encoder sees only
 * the visible tokens (patch embedding + sinusoid positions, blocks, `encoder.norm`);
 * `encoder_to_decoder` maps them to the decoder width; the decoder takes them plus `mask_token`
 * at each token to reconstruct (each with its decoder sinusoid position), runs its blocks,
 * `decoder.norm`, and `decoder.head` predicts the normalised pixels of those tokens.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelError, Rng, readSafetensors, toFloat32, type TensorChecks } from '@ppma/core';
import {
  TorchParameters,
  addBlockParams,
  addPatchEmbedParams,
  asGradFunc,
  addConstant,
  block,
  checkClip,
  checkConfigLimits,
  checkTensorsFit,
  readCheckpointHeader,
  columnSum,
  concatRows,
  denseConstLeft,
  layerNorm,
  linear,
  normalisePixels,
  patchSize,
  patchify,
  reshape,
  sinusoidTable,
  sliceRows,
  untaped,
  tableRows,
  tokenCount,
  type SaveOptions,
  type AttentionMode,
  type TorchTensor,
} from '@ppma/vit';
import { resolveMaeConfig, type MaeConfig, type MaeConfigInput } from './mae-config.js';
import { normPixelTarget, reconstructionLoss } from './norm-pixel-loss.js';
import { maskIndices, type MaskIndices } from './mask-indices.js';

/** Options of {@link VideoMAE.fromCheckpoint} and {@link VideoMAE.load}. */
export interface MaeLoadOptions extends Pick<TensorChecks, 'allowNonFinite'> {
  /** Key prefix in the file, e.g. `mae.`. */
  readonly prefix?: string;
}

/** What {@link VideoMAE.forward} returns. */
export interface MaeOutput {
  /** Decoder predictions at the reconstructed tokens, in token order, `[B, Nr, t*p*p*3]`. */
  readonly pred: tf.Tensor3D;
  /** Their targets (normalised pixels when `normPixLoss`), `[B, Nr, t*p*p*3]`. */
  readonly target: tf.Tensor3D;
  /** Mean squared error. */
  readonly loss: tf.Scalar;
}

/** Options of {@link VideoMAE.forward}. */
export interface MaeForwardOptions {
  /** `[B, N]`, 1 = reconstruct (a subset of the hidden tokens); default: every hidden token. */
  readonly decoderMask?: tf.Tensor2D | Uint8Array;
  /** Training mode (drop path, needs `rng`). */
  readonly training?: boolean;
  readonly rng?: Rng;
  readonly attention?: AttentionMode | 'auto';
}

/** `mask_token [1, 1, Dd]` broadcast onto constant positions `[B, Nr, Dd]`; its gradient is the column sum. */
function maskTokens(token: tf.Tensor3D, pos: tf.Tensor3D): tf.Tensor3D {
  const [b, nr, dd] = pos.shape;
  const op = tf.customGrad(
    asGradFunc((t: tf.Tensor) => ({
      value: tf.add(pos, t),
      gradFunc: (dy: tf.Tensor) => [tf.reshape(columnSum(tf.reshape(dy, [b * nr, dd])), [1, 1, dd])],
    })),
  );
  return op(token) as tf.Tensor3D;
}

/** The format tag written in MAE checkpoint metadata. */
export const MAE_FORMAT = 'ppma-mae/1';

/** A PyTorch-exact VideoMAE in TensorFlow.js. */
export class VideoMAE extends TorchParameters {
  readonly config: MaeConfig;
  private readonly encPos: Float32Array;
  private readonly decPos: Float32Array;
  private readonly meanT: tf.Tensor1D;
  private readonly stdT: tf.Tensor1D;

  private constructor(config: MaeConfig, seed: number | string) {
    super();
    this.config = config;
    const c = config;
    const rng = new Rng(seed);
    addPatchEmbedParams(this.store, 'encoder.patch_embed', c, rng);
    for (let i = 0; i < c.depth; i++)
      addBlockParams(this.store, `encoder.blocks.${i}`, c.dim, c.dim * c.mlpRatio, rng.split('encoder', i));
    this.store.addNorm('encoder.norm', c.dim);
    this.store.addLinear('encoder_to_decoder', c.dim, c.decoderDim, rng.split('e2d'), { bias: false });
    const mt = new Float32Array(c.decoderDim);
    const mrng = rng.split('mask_token');
    for (let i = 0; i < mt.length; i++) mt[i] = mrng.truncatedNormal(0, 0.02);
    this.store.add('mask_token', [1, 1, c.decoderDim], mt);
    for (let i = 0; i < c.decoderDepth; i++)
      addBlockParams(
        this.store,
        `decoder.blocks.${i}`,
        c.decoderDim,
        c.decoderDim * c.mlpRatio,
        rng.split('decoder', i),
      );
    this.store.addNorm('decoder.norm', c.decoderDim);
    this.store.addLinear('decoder.head', c.decoderDim, patchSize(c), rng.split('decoder_head'));
    const n = tokenCount(c);
    this.encPos = sinusoidTable(n, c.dim);
    this.decPos = sinusoidTable(n, c.decoderDim);
    this.meanT = tf.tensor1d([...c.mean]);
    this.stdT = tf.tensor1d([...c.std]);
  }

  /** Builds a model with fresh (seeded) weights, initialised as VideoMAE does. */
  static create(config: MaeConfigInput, options: { seed?: number | string } = {}): VideoMAE {
    return new VideoMAE(resolveMaeConfig(config), options.seed ?? 0);
  }

  /** Builds a model from one of our MAE checkpoints (config from its metadata). */
  static async fromCheckpoint(file: string, options: MaeLoadOptions = {}): Promise<VideoMAE> {
    const h = await readCheckpointHeader(file); // checks the encoder's sizes against the limits
    if (!h.config) throw new ModelError(`${file}: no model config in the metadata`, { file });
    const d = h.config;
    checkConfigLimits(file, { dim: d.decoderDim, depth: d.decoderDepth, heads: d.decoderHeads });
    const config = resolveMaeConfig(d as unknown as MaeConfigInput);
    checkTensorsFit(h, config, { prefix: options.prefix, from: 'mae' }); // before anything is allocated
    const mae = VideoMAE.create(config);
    try {
      await mae.load(file, options);
    } catch (e) {
      mae.dispose();
      throw e;
    }
    return mae;
  }

  /** Loads weights in PyTorch names and layouts (`prefix` e.g. `mae.`); every parameter must be there. */
  async load(file: string, options: MaeLoadOptions & { strict?: boolean } = {}): Promise<void> {
    const prefix = options.prefix ?? '';
    const { tensors } = await readSafetensors(file, { prefix, allowNonFinite: options.allowNonFinite });
    const map = new Map<string, TorchTensor>();
    for (const [k, t] of tensors) map.set(k, { shape: [...t.shape], data: toFloat32(t) });
    this.store.loadStateDict(map, { prefix, strict: options.strict ?? true, file });
  }

  /** Writes the weights (PyTorch names and layouts) with the config and provenance as metadata. */
  async save(file: string, options: SaveOptions = {}): Promise<void> {
    await this.writeCheckpoint(file, MAE_FORMAT, this.config, 'mae', options);
  }

  /**
   * Reconstructs the hidden tokens of clips `[B, T, H, W, 3]` (pixels in [0, 1]) under `mask`
   * (`[B, N]`, 1 = hidden; every clip must hide the same number of tokens): the encoder on the
   * visible tokens, the decoder at the tokens to reconstruct, and the loss against their pixels.
   */
  forward(clip: tf.Tensor5D, mask: tf.Tensor2D | Uint8Array, options: MaeForwardOptions = {}): MaeOutput {
    const c = this.config;
    const b = checkClip(clip, c);
    const hidden = mask instanceof Uint8Array ? mask : Uint8Array.from(mask.dataSync());
    const dm = options.decoderMask;
    const decode = dm === undefined ? undefined : dm instanceof Uint8Array ? dm : Uint8Array.from(dm.dataSync());
    const ix = maskIndices(hidden, decode, b, tokenCount(c));
    return tf.tidy(() => {
      const latent = this.encode(clip, ix, options); // [B*Nv, D]
      const pred = this.decode(latent, ix, b, options); // [B*Nr, P]
      const target = this.target(clip, ix); // [B*Nr, P]
      const pv = patchSize(c);
      return {
        pred: reshape<tf.Rank.R3>(pred, [b, ix.nr, pv]),
        target: tf.reshape(target, [b, ix.nr, pv]) as tf.Tensor3D,
        loss: reconstructionLoss(pred, target),
      };
    });
  }

  /** Encoder on the visible tokens only, `[B*Nv, D]` (pixels, patches and positions are constants, off the tape). */
  private encode(clip: tf.Tensor5D, ix: MaskIndices, o: MaeForwardOptions): tf.Tensor2D {
    const c = this.config;
    const b = clip.shape[0];
    const rowsVis = untaped(
      () =>
        tf.gather(
          patchify(normalisePixels(clip, this.meanT, this.stdT), c),
          tf.tensor1d(ix.visibleFlat, 'int32'),
        ) as tf.Tensor2D,
    ); // [B*Nv, P]
    const emb = denseConstLeft(
      rowsVis,
      this.p2('encoder.patch_embed.proj.weight'),
      this.p1('encoder.patch_embed.proj.bias'),
    ); // [B*Nv, D]
    let x = addConstant(emb, tf.tensor2d(tableRows(this.encPos, c.dim, ix.visibleTok), [b * ix.nv, c.dim])); // [B*Nv, D]
    const training = o.training ?? false;
    for (let i = 0; i < c.depth; i++) {
      const rate = training ? (c.depth > 1 ? (c.dropPath * i) / (c.depth - 1) : c.dropPath) : 0;
      x = block(this.store, `encoder.blocks.${i}`, x, {
        batch: b,
        heads: c.heads,
        eps: c.normEps,
        mode: o.attention ?? 'auto',
        dropPath: rate,
        rng: o.rng?.split('drop_path', i),
      });
    }
    return layerNorm(x, this.p1('encoder.norm.weight'), this.p1('encoder.norm.bias'), c.normEps); // [B*Nv, D]
  }

  /** Decoder: the visible tokens plus `mask_token` at the tokens to reconstruct; predictions `[B*Nr, P]` there. */
  private decode(latent: tf.Tensor2D, ix: MaskIndices, b: number, o: MaeForwardOptions): tf.Tensor2D {
    const c = this.config;
    const dd = c.decoderDim;
    const vis = addConstant(
      linear(latent, this.p2('encoder_to_decoder.weight')),
      tf.tensor2d(tableRows(this.decPos, dd, ix.visibleTok), [b * ix.nv, dd]),
    ); // [B*Nv, Dd]
    const masked = maskTokens(
      this.store.get<tf.Tensor3D>('mask_token'),
      tf.tensor3d(tableRows(this.decPos, dd, ix.reconTok), [b, ix.nr, dd]),
    ); // [B, Nr, Dd]
    const full = concatRows(reshape<tf.Rank.R3>(vis, [b, ix.nv, dd]), masked); // [B, Nv+Nr, Dd]
    let y = reshape<tf.Rank.R2>(full, [b * (ix.nv + ix.nr), dd]); // [B*(Nv+Nr), Dd]
    for (let i = 0; i < c.decoderDepth; i++) {
      const ctx = { batch: b, heads: c.decoderHeads, eps: c.normEps, mode: o.attention ?? 'auto', dropPath: 0 };
      y = block(this.store, `decoder.blocks.${i}`, y, ctx);
    }
    const tail = reshape<tf.Rank.R2>(sliceRows(reshape<tf.Rank.R3>(y, [b, ix.nv + ix.nr, dd]), ix.nv, ix.nr), [
      b * ix.nr,
      dd,
    ]); // [B*Nr, Dd]
    return linear(
      layerNorm(tail, this.p1('decoder.norm.weight'), this.p1('decoder.norm.bias'), c.normEps),
      this.p2('decoder.head.weight'),
      this.p1('decoder.head.bias'),
    ); // [B*Nr, P]
  }

  /** Targets from the unnormalised clip (constants): the pixels of the tokens to reconstruct, `[B*Nr, P]`. */
  private target(clip: tf.Tensor5D, ix: MaskIndices): tf.Tensor2D {
    return untaped(() => {
      const rawRows = tf.gather(patchify(clip, this.config), tf.tensor1d(ix.reconFlat, 'int32')) as tf.Tensor2D; // [B*Nr, P]
      return this.config.normPixLoss ? normPixelTarget(rawRows) : rawRows; // [B*Nr, P]
    });
  }

  private p2(name: string): tf.Tensor2D {
    return this.store.get<tf.Tensor2D>(name);
  }

  private p1(name: string): tf.Tensor1D {
    return this.store.get<tf.Tensor1D>(name);
  }

  /** Frees every variable and cached tensor. */
  dispose(): void {
    this.store.dispose();
    this.meanT.dispose();
    this.stdT.dispose();
  }
}
