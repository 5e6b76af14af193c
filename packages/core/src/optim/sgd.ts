/**
 * SGD with momentum, matching `torch.optim.SGD`: g ← g + wd·p; buf ← μ·buf + g (buf = g on the
 * first step); p ← p − lr·(nesterov ? g + μ·buf : buf).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LrScale, NamedGrads, NamedVariables, Optimizer, OptimizerState } from './optimizer.js';

/** Options of {@link Sgd}. */
export interface SgdOptions {
  readonly momentum?: number;
  readonly weightDecay?: number;
  readonly nesterov?: boolean;
  readonly lrScale?: LrScale;
}

/** Stochastic gradient descent with (Nesterov) momentum and coupled weight decay. */
export class Sgd implements Optimizer {
  readonly momentum: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  private readonly lrScale: LrScale;
  private readonly buf = new Map<string, tf.Variable>();

  constructor(options: SgdOptions = {}) {
    this.momentum = options.momentum ?? 0.9;
    this.weightDecay = options.weightDecay ?? 0;
    this.nesterov = options.nesterov ?? false;
    this.lrScale = options.lrScale ?? (() => 1);
  }

  apply(vars: NamedVariables, grads: NamedGrads, lr: number): void {
    for (const [name, p] of Object.entries(vars)) {
      const g0 = grads[name];
      if (!g0) continue;
      const plr = lr * this.lrScale(name);
      tf.tidy(() => {
        const g = this.weightDecay ? tf.add(g0, tf.mul(p, this.weightDecay)) : g0;
        let d: tf.Tensor = g;
        if (this.momentum) {
          const prev = this.buf.get(name);
          const b = prev ? tf.add(tf.mul(prev, this.momentum), g) : tf.clone(g);
          if (prev) prev.assign(b);
          else this.buf.set(name, tf.variable(b, false)); // variables outlive the tidy
          d = this.nesterov ? tf.add(g, tf.mul(b, this.momentum)) : b;
        }
        p.assign(tf.sub(p, tf.mul(d, plr)));
      });
    }
  }

  async getState(): Promise<OptimizerState> {
    const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, s] of this.buf)
      tensors.set(`buf.${name}`, { shape: [...s.shape], data: (await s.data()) as Float32Array });
    return { tensors, scalars: {} };
  }

  setState(state: OptimizerState): void {
    this.dispose();
    for (const [key, t] of state.tensors) {
      if (key.startsWith('buf.'))
        this.buf.set(
          key.slice(4),
          tf.tidy(() => tf.variable(tf.tensor(t.data, t.shape, 'float32'), false)),
        );
    }
  }

  dispose(): void {
    for (const s of this.buf.values()) s.dispose();
    this.buf.clear();
  }
}
