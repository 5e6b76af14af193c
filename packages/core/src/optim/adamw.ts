/**
 * AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, ICLR 2019), matching PyTorch's
 * `torch.optim.AdamW`: p ← p − lr·wd·p, then the bias-corrected Adam step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_KERNELS, fusedKernel } from '../fused-kernels.js';
import { defaultDecayFilter } from './optimizer.js';
import type { LrScale, NamedGrads, NamedVariables, Optimizer, OptimizerState } from './optimizer.js';

/** Options of {@link AdamW}. The defaults are PyTorch's, except `weightDecay` (0.05, the paper's). */
export interface AdamWOptions {
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  readonly weightDecay?: number;
  /** Which parameters get weight decay; default: all but biases and ≤ 1-D parameters. */
  readonly decayFilter?: (name: string, shape: readonly number[]) => boolean;
  /** Per-parameter learning-rate multiplier, e.g. layer-wise decay. */
  readonly lrScale?: LrScale;
}

/** AdamW with decoupled weight decay and per-parameter exclusions. */
export class AdamW implements Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private readonly decayFilter: (name: string, shape: readonly number[]) => boolean;
  private readonly lrScale: LrScale;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  /** Number of updates applied so far. */
  stepCount = 0;

  constructor(options: AdamWOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.05;
    this.decayFilter = options.decayFilter ?? defaultDecayFilter;
    this.lrScale = options.lrScale ?? (() => 1);
  }

  apply(vars: NamedVariables, grads: NamedGrads, lr: number): void {
    this.stepCount += 1;
    const t = this.stepCount;
    const bc1 = 1 - this.beta1 ** t;
    const bc2 = 1 - this.beta2 ** t;
    if (fusedKernel('adamW')) {
      this.applyFused(vars, grads, lr, bc1, bc2);
      return;
    }
    for (const [name, p] of Object.entries(vars)) {
      const g = grads[name];
      if (!g) continue;
      const m = this.slot(this.m, name, p);
      const v = this.slot(this.v, name, p);
      const plr = lr * this.lrScale(name);
      const wd = this.decayFilter(name, p.shape) ? this.weightDecay : 0;
      tf.tidy(() => {
        const m1 = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
        const v1 = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        m.assign(m1);
        v.assign(v1);
        // denom = sqrt(v / bc2) + eps; step = lr / bc1 * m / denom  (PyTorch's formulation)
        const denom = tf.add(tf.div(tf.sqrt(v1), Math.sqrt(bc2)), this.eps);
        const decayed = wd > 0 ? tf.mul(p, 1 - plr * wd) : p;
        p.assign(tf.sub(decayed, tf.mul(tf.div(m1, denom), plr / bc1)));
      });
    }
  }

  /** The same update as one native kernel over every parameter (the `native` backend). */
  private applyFused(vars: NamedVariables, grads: NamedGrads, lr: number, bc1: number, bc2: number): void {
    const inputs: Record<string, tf.Tensor> = {};
    const hyper: number[] = [];
    const targets: [tf.Variable, tf.Variable, tf.Variable][] = [];
    for (const [name, p] of Object.entries(vars)) {
      const g = grads[name];
      if (!g) continue;
      const m = this.slot(this.m, name, p);
      const v = this.slot(this.v, name, p);
      const plr = lr * this.lrScale(name);
      const wd = this.decayFilter(name, p.shape) ? this.weightDecay : 0;
      const i = targets.length;
      Object.assign(inputs, { [`p${i}`]: p, [`g${i}`]: g, [`m${i}`]: m, [`v${i}`]: v });
      hyper.push(plr / bc1, 1 - plr * wd);
      targets.push([p, m, v]);
    }
    if (targets.length === 0) return;
    tf.tidy(() => {
      const attrs = { count: targets.length, hyper, beta1: this.beta1, beta2: this.beta2, eps: this.eps, bc2 };
      const outs = tf
        .engine()
        .runKernel(FUSED_KERNELS.adamW, inputs, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
      targets.forEach(([p, m, v], i) => {
        p.assign(outs[3 * i]);
        m.assign(outs[3 * i + 1]);
        v.assign(outs[3 * i + 2]);
      });
    });
  }

  private slot(map: Map<string, tf.Variable>, name: string, p: tf.Variable): tf.Variable {
    let s = map.get(name);
    if (!s) {
      // tidy frees the zeros tensor; the variable keeps its own reference to the data.
      s = tf.tidy(() => tf.variable(tf.zerosLike(p), false));
      map.set(name, s);
    }
    return s;
  }

  async getState(): Promise<OptimizerState> {
    const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [prefix, map] of [
      ['m', this.m],
      ['v', this.v],
    ] as const) {
      for (const [name, s] of map)
        tensors.set(`${prefix}.${name}`, { shape: [...s.shape], data: (await s.data()) as Float32Array });
    }
    return { tensors, scalars: { step: this.stepCount } };
  }

  setState(state: OptimizerState): void {
    this.dispose();
    this.stepCount = state.scalars.step ?? 0;
    for (const [key, t] of state.tensors) {
      const dot = key.indexOf('.');
      const map = key.slice(0, dot) === 'm' ? this.m : key.slice(0, dot) === 'v' ? this.v : null;
      if (!map) continue;
      map.set(
        key.slice(dot + 1),
        tf.tidy(() => tf.variable(tf.tensor(t.data, t.shape, 'float32'), false)),
      );
    }
  }

  dispose(): void {
    for (const s of this.m.values()) s.dispose();
    for (const s of this.v.values()) s.dispose();
    this.m.clear();
    this.v.clear();
  }
}
