/**
 * Inference of an exported video ViT with onnxruntime-node (issue 8): native multithreaded CPU
 * kernels, batching over any number of clips, typed-array results.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import ort from 'onnxruntime-node';
import { ModelError } from '@ppma/core';
import { ONNX_META_CONFIG, ONNX_META_OUTPUTS } from './export.js';
import { onnxTypes } from './onnx-schema.js';
import type { VitConfigLike } from './config.js';

/** Options of {@link loadOnnx}. */
export interface OnnxLoadOptions {
  /** Intra-op threads (default: all cores). */
  readonly threads?: number;
  /** Clips per onnxruntime call (default: the fixed batch of the model, else 8). */
  readonly batchSize?: number;
  /**
   * Let idle pool threads spin (onnxruntime's default). Off by default: on a shared or busy CPU,
   * spinning costs more than it saves (like `OMP_WAIT_POLICY=PASSIVE` for PyTorch).
   */
  readonly spinning?: boolean;
}

/** One output, `[count, ...]` row-major. */
export interface OnnxOutput {
  readonly shape: number[];
  readonly data: Float32Array;
}

/** Header of an ONNX file: versions and `metadata_props`. */
export interface OnnxModelInfo {
  readonly irVersion: number;
  readonly opsets: ReadonlyMap<string, number>;
  readonly producer: string;
  readonly metadata: Readonly<Record<string, string>>;
}

interface HeaderMsg {
  irVersion?: number;
  producerName?: string;
  opsetImport?: { domain?: string; version?: number }[];
  metadataProps?: { key: string; value: string }[];
}

/** Reads the ModelProto fields around the graph (the graph itself is skipped, not decoded). */
export function readOnnxInfo(bytes: Uint8Array): OnnxModelInfo {
  const m = onnxTypes.ModelHeaderProto.toObject(onnxTypes.ModelHeaderProto.decode(bytes), {
    longs: Number,
  }) as HeaderMsg;
  return {
    irVersion: m.irVersion ?? 0,
    producer: m.producerName ?? '',
    opsets: new Map((m.opsetImport ?? []).map((o) => [o.domain ?? '', o.version ?? 0])),
    metadata: Object.fromEntries((m.metadataProps ?? []).map((p) => [p.key, p.value])),
  };
}

/** An exported video ViT loaded into onnxruntime-node. */
export class OnnxVideoEncoder {
  private constructor(
    private readonly session: ort.InferenceSession,
    /** The file it was loaded from. */
    readonly file: string,
    /** Model config from the ONNX metadata. */
    readonly config: VitConfigLike & { readonly tokens: number },
    readonly info: OnnxModelInfo,
    /** Output names, for example `['logits', 'pooled']`. */
    readonly outputNames: readonly string[],
    /** The batch the model fixes, or null for a dynamic batch. */
    readonly fixedBatch: number | null,
    readonly batchSize: number,
  ) {}

  /** Loads an ONNX file written by `exportOnnx`. */
  static async load(file: string, options: OnnxLoadOptions = {}): Promise<OnnxVideoEncoder> {
    const bytes = await fs.readFile(file).catch((e: unknown) => {
      throw new ModelError(`${file}: cannot read ONNX model (${(e as Error).message})`, { file, cause: e });
    });
    return OnnxVideoEncoder.fromBytes(bytes, file, options);
  }

  /** Loads a model held in memory (for example from `encodeOnnxModel`); `file` names it in errors. */
  static async fromBytes(bytes: Uint8Array, file: string, options: OnnxLoadOptions = {}): Promise<OnnxVideoEncoder> {
    let info: OnnxModelInfo;
    try {
      info = readOnnxInfo(bytes);
    } catch (e) {
      throw new ModelError(`${file}: not an ONNX model (${(e as Error).message})`, { file, cause: e });
    }
    const rawConfig = info.metadata[ONNX_META_CONFIG];
    if (!rawConfig)
      throw new ModelError(`${file}: ONNX model has no ${ONNX_META_CONFIG} metadata (not exported by @ppma/vit)`, {
        file,
      });
    const config = JSON.parse(rawConfig) as VitConfigLike & { tokens: number };
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        intraOpNumThreads: options.threads ?? os.availableParallelism(),
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        extra: { session: { intra_op: { allow_spinning: options.spinning ? '1' : '0' } } },
      });
    } catch (e) {
      throw new ModelError(`${file}: onnxruntime cannot load the model: ${(e as Error).message}`, { file, cause: e });
    }
    const meta = session.inputMetadata.find((m) => m.name === 'clip');
    const dim0 = meta && meta.isTensor ? meta.shape[0] : undefined;
    const fixedBatch = typeof dim0 === 'number' ? dim0 : null;
    const outputs = info.metadata[ONNX_META_OUTPUTS]
      ? (JSON.parse(info.metadata[ONNX_META_OUTPUTS]) as string[])
      : [...session.outputNames];
    return new OnnxVideoEncoder(session, file, config, info, outputs, fixedBatch, options.batchSize ?? fixedBatch ?? 8);
  }

  /** Values in one clip, `T*H*W*3`. */
  get clipSize(): number {
    return this.config.frames * this.config.height * this.config.width * 3;
  }

  /**
   * Runs `clips` (`[count, T, H, W, 3]` float32 pixels in [0,1]) in batches of `batchSize` and
   * returns the requested outputs (default: all) concatenated over the clips.
   */
  async run(
    clips: Float32Array,
    options: { outputs?: readonly string[]; batchSize?: number } = {},
  ): Promise<Record<string, OnnxOutput>> {
    const per = this.clipSize;
    if (clips.length === 0 || clips.length % per !== 0) {
      throw new ModelError(
        `input holds ${clips.length} values, not a whole number of ${this.config.frames}x${this.config.height}x${this.config.width}x3 clips`,
        { file: this.file },
      );
    }
    const count = clips.length / per;
    const names = [...(options.outputs ?? this.outputNames)];
    const bad = names.filter((n) => !this.outputNames.includes(n));
    if (bad.length)
      throw new ModelError(`model has no output ${bad.join(', ')} (it has ${this.outputNames.join(', ')})`, {
        file: this.file,
      });
    const step = this.fixedBatch ?? options.batchSize ?? this.batchSize;
    const result: Record<string, OnnxOutput> = {};
    for (let start = 0; start < count; start += step) {
      const n = Math.min(step, count - start);
      let chunk = clips.subarray(start * per, (start + n) * per);
      if (this.fixedBatch !== null && n < this.fixedBatch) {
        const padded = new Float32Array(this.fixedBatch * per); // zero clips fill a fixed batch; their outputs are dropped
        padded.set(chunk);
        chunk = padded;
      }
      const b = chunk.length / per;
      const feeds = {
        clip: new ort.Tensor('float32', chunk, [b, this.config.frames, this.config.height, this.config.width, 3]),
      };
      const out = await this.session.run(feeds, names);
      for (const name of names) {
        const t = out[name];
        const rowSize = t.size / b;
        const target = (result[name] ??= {
          shape: [count, ...t.dims.slice(1)],
          data: new Float32Array(count * rowSize),
        });
        target.data.set((t.data as Float32Array).subarray(0, n * rowSize), start * rowSize);
        t.dispose();
      }
    }
    return result;
  }

  /** Encoder features `pooled` `[count, D]`. */
  async encode(clips: Float32Array): Promise<Float32Array> {
    return (await this.run(clips, { outputs: ['pooled'] })).pooled.data;
  }

  /** Releases the onnxruntime session. */
  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/** Loads an exported video ViT into onnxruntime-node. */
export function loadOnnx(file: string, options: OnnxLoadOptions = {}): Promise<OnnxVideoEncoder> {
  return OnnxVideoEncoder.load(file, options);
}
