/**
 * Seeded, splittable random numbers (xoshiro128** seeded through splitmix32).
 *
 * Everything is 32-bit integer arithmetic in plain JavaScript, so the same seed gives the same
 * numbers on every backend, platform and run. `split(...labels)` derives an independent child
 * stream from the parent's *seed* and the labels, never from how many numbers the parent has
 * drawn: `rng.split('epoch', 3)` is the same stream however far the parent has gone, which is what
 * makes resumed runs replay the same data order.
 */

/** Serialisable state of an {@link Rng}: the stream key and the four xoshiro words. */
export interface RngState {
  readonly key: readonly [number, number, number, number];
  readonly s: readonly [number, number, number, number];
}

function splitmix32(x: number): [number, number] {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [x, z >>> 0];
}

/** FNV-1a over the UTF-16 code units of a label, then mixed: a 32-bit hash. */
function hashLabel(label: string | number): number {
  const s = typeof label === 'number' ? `#${label}` : label;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return splitmix32(h)[1];
}

function keyFromWords(words: readonly number[]): [number, number, number, number] {
  let x = 0x2545f491;
  const key: number[] = [];
  for (let i = 0; i < 4; i++) {
    for (const w of words) {
      x ^= w;
      [x] = splitmix32(x);
    }
    const [nx, z] = splitmix32(x + i);
    x = nx;
    key.push(z);
  }
  if (!key.some((k) => k !== 0)) key[0] = 1;
  return key as [number, number, number, number];
}

/** A seeded pseudo-random number generator. */
export class Rng {
  private readonly key: [number, number, number, number];
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Creates a stream from a seed (an integer or a string). */
  constructor(seed: number | string = 0) {
    this.key = keyFromWords([hashLabel(seed)]);
    [this.s0, this.s1, this.s2, this.s3] = this.key;
  }

  /** Restores a generator from {@link Rng.getState}. */
  static fromState(state: RngState): Rng {
    const r = new Rng(0);
    r.key.splice(0, 4, ...state.key);
    [r.s0, r.s1, r.s2, r.s3] = state.s;
    return r;
  }

  /** The full state, to store in a checkpoint. */
  getState(): RngState {
    return { key: [...this.key] as RngState['key'], s: [this.s0, this.s1, this.s2, this.s3] };
  }

  /** An independent child stream, determined by this stream's seed and the labels only. */
  split(...labels: (string | number)[]): Rng {
    const child = new Rng(0);
    const k = keyFromWords([...this.key, ...labels.map(hashLabel)]);
    child.key.splice(0, 4, ...k);
    [child.s0, child.s1, child.s2, child.s3] = k;
    return child;
  }

  /** Next uint32. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  float(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** Uniform integer in [lo, hi) (hi exclusive). Unbiased (rejection sampling). */
  int(lo: number, hi: number): number {
    const n = hi - lo;
    if (!(n > 0) || !Number.isInteger(n)) throw new RangeError(`Rng.int: empty or non-integer range [${lo}, ${hi})`);
    if (n === 1) return lo;
    const limit = 4294967296 - (4294967296 % n);
    let x = this.nextU32();
    while (x >= limit) x = this.nextU32();
    return lo + (x % n);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.float() < p;
  }

  /**
   * Normal sample (Box–Muller, polar form). The second value of each pair is discarded so that
   * the whole state is the four xoshiro words.
   */
  normal(mean = 0, std = 1): number {
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = this.float() * 2 - 1;
      v = this.float() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    return mean + std * u * m;
  }

  /** Shuffles an array in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }

  /** One element chosen uniformly. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.choice: empty array');
    return items[this.int(0, items.length)];
  }

  /** Fills a Float32Array with N(mean, std²) samples. */
  fillNormal(out: Float32Array, mean = 0, std = 1): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /** Fills a Float32Array with U[lo, hi) samples. */
  fillUniform(out: Float32Array, lo = 0, hi = 1): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = lo + (hi - lo) * this.float();
    return out;
  }

  /** Truncated normal in [mean - 2std, mean + 2std] by rejection, as timm's `trunc_normal_`. */
  truncatedNormal(mean = 0, std = 1): number {
    for (;;) {
      const x = this.normal();
      if (x >= -2 && x <= 2) return mean + std * x;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
