/**
 * Named parameters held as `tf.Variable`s under their PyTorch names, with the conversion between
 * our compute layouts and PyTorch's storage layouts:
 * - `linear`: PyTorch `[out, in]`, held `[in, out]` so forward products need no transpose;
 * - `patch`: PyTorch Conv3d `[D, 3, t, p, p]`, held `[t*p*p*3, D]` (see patch-embed-3d.ts);
 * - `plain`: identical.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, type Rng } from '@ppma/core';
import { patchKernelFromTorch, patchKernelToTorch } from './layers/patch-embed-3d.js';

/** A tensor in PyTorch layout, as checkpoints hold it. */
export interface TorchTensor {
  readonly shape: number[];
  readonly data: Float32Array;
}

/** Storage layout of a parameter. */
export type ParamLayout = { kind: 'plain' } | { kind: 'linear' } | { kind: 'patch'; tubelet: number; patch: number };

interface Entry {
  readonly variable: tf.Variable;
  readonly layout: ParamLayout;
  readonly torchShape: number[];
}

let storeCounter = 0;

function transpose2(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

function toInternal(layout: ParamLayout, shape: number[], data: Float32Array): { shape: number[]; data: Float32Array } {
  switch (layout.kind) {
    case 'plain':
      return { shape, data };
    case 'linear':
      return { shape: [shape[1], shape[0]], data: transpose2(data, shape[0], shape[1]) };
    case 'patch':
      return {
        shape: [data.length / shape[0], shape[0]],
        data: patchKernelFromTorch(data, shape[0], layout.tubelet, layout.patch),
      };
  }
}

function toTorch(layout: ParamLayout, torchShape: number[], data: Float32Array): Float32Array {
  switch (layout.kind) {
    case 'plain':
      return data;
    case 'linear':
      return transpose2(data, torchShape[1], torchShape[0]);
    case 'patch':
      return patchKernelToTorch(data, torchShape[0], layout.tubelet, layout.patch);
  }
}

/** A set of named parameters. */
export class ParamStore {
  private readonly entries = new Map<string, Entry>();
  private readonly id = storeCounter++;

  /** Adds a parameter from PyTorch-layout data. */
  add(
    name: string,
    torchShape: number[],
    data: Float32Array,
    layout: ParamLayout = { kind: 'plain' },
    trainable = true,
  ): void {
    if (this.entries.has(name)) throw new Error(`parameter ${name} defined twice`);
    const t = toInternal(layout, torchShape, data);
    const init = tf.tensor(t.data, t.shape, 'float32');
    const variable = tf.variable(init, trainable, `ppma${this.id}/${name}`);
    init.dispose();
    this.entries.set(name, { variable, layout, torchShape: [...torchShape] });
  }

  /** Adds `name.weight` (Xavier-uniform, as VideoMAE/timm) and optionally a zero `name.bias`. */
  addLinear(name: string, inDim: number, outDim: number, rng: Rng, opts: { bias?: boolean; std?: number } = {}): void {
    const w = new Float32Array(inDim * outDim);
    if (opts.std !== undefined) for (let i = 0; i < w.length; i++) w[i] = rng.truncatedNormal(0, opts.std);
    else {
      const bound = Math.sqrt(6 / (inDim + outDim));
      rng.fillUniform(w, -bound, bound);
    }
    this.add(`${name}.weight`, [outDim, inDim], w, { kind: 'linear' });
    if (opts.bias ?? true) this.add(`${name}.bias`, [outDim], new Float32Array(outDim));
  }

  /** Adds a LayerNorm `name.weight = 1`, `name.bias = 0`. */
  addNorm(name: string, d: number): void {
    this.add(`${name}.weight`, [d], new Float32Array(d).fill(1));
    this.add(`${name}.bias`, [d], new Float32Array(d));
  }

  /** The variable of a parameter (in our layout). */
  get<T extends tf.Tensor = tf.Tensor>(name: string): T {
    const e = this.entries.get(name);
    if (!e) throw new Error(`no parameter ${name}`);
    return e.variable as unknown as T;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** PyTorch shape of a parameter. */
  torchShape(name: string): number[] {
    return [...this.entries.get(name)!.torchShape];
  }

  /** Trainable variables by PyTorch name (held in our layouts). */
  variables(filter?: (name: string) => boolean): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    for (const [k, e] of this.entries) if (e.variable.trainable && (!filter || filter(k))) out[k] = e.variable;
    return out;
  }

  /** Every parameter in PyTorch names and layouts, read back from the backend. */
  stateDict(): Map<string, TorchTensor> {
    const out = new Map<string, TorchTensor>();
    for (const [k, e] of this.entries) {
      const data = e.variable.dataSync() as Float32Array;
      out.set(k, { shape: [...e.torchShape], data: toTorch(e.layout, e.torchShape, Float32Array.from(data)) });
    }
    return out;
  }

  /**
   * Assigns parameters from PyTorch-layout tensors named `prefix + name`. With `strict`
   * (default), every parameter must be present, and no extra key under the prefix may remain.
   */
  loadStateDict(
    map: ReadonlyMap<string, TorchTensor>,
    opts: { prefix?: string; strict?: boolean; file?: string } = {},
  ): string[] {
    const prefix = opts.prefix ?? '';
    const strict = opts.strict ?? true;
    const file = opts.file ?? '<state dict>';
    const missing: string[] = [];
    const used = new Set<string>();
    for (const [k, e] of this.entries) {
      const src = map.get(prefix + k);
      if (!src) {
        missing.push(prefix + k);
        continue;
      }
      used.add(prefix + k);
      const same = src.shape.length === e.torchShape.length && src.shape.every((s, i) => s === e.torchShape[i]);
      if (!same)
        throw new CheckpointError(
          file,
          `"${prefix + k}" has shape [${src.shape.join(', ')}], the model needs [${e.torchShape.join(', ')}]`,
        );
      const t = toInternal(e.layout, e.torchShape, src.data);
      const value = tf.tensor(t.data, t.shape, 'float32');
      e.variable.assign(value);
      value.dispose();
    }
    const unexpected = [...map.keys()].filter((k) => k.startsWith(prefix) && !used.has(k));
    if (strict && missing.length)
      throw new CheckpointError(
        file,
        `missing ${missing.length} parameter(s): ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`,
      );
    if (strict && unexpected.length)
      throw new CheckpointError(
        file,
        `unexpected key(s): ${unexpected.slice(0, 5).join(', ')}${unexpected.length > 5 ? ', …' : ''}`,
      );
    return missing;
  }

  /** Converts data held in our layout for parameter `name` (e.g. its gradient) to PyTorch layout. */
  toTorchLayout(name: string, data: Float32Array): TorchTensor {
    const e = this.entries.get(name);
    if (!e) throw new Error(`no parameter ${name}`);
    return { shape: [...e.torchShape], data: toTorch(e.layout, e.torchShape, data) };
  }

  /** Frees every variable. */
  dispose(): void {
    for (const e of this.entries.values()) e.variable.dispose();
    this.entries.clear();
  }
}
