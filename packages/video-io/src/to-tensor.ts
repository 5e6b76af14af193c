/**
 * Clips to a tfjs tensor (docs/ARCHITECTURE.md §4 "Input"): `[B, T, H, W, 3]` float32 in [0, 1], optionally
 * normalised with the ImageNet mean and std.
 */
import * as tf from '@tensorflow/tfjs-core';
import { IMAGENET_MEAN, IMAGENET_STD } from '@ppma/core';
import { match } from 'ts-pattern';

/** Anything with `[frames, height, width, 3]` uint8 data. */
export interface ClipLike {
  data: Uint8Array;
  frames: number;
  height: number;
  width: number;
}

/** Pixel scaling applied by {@link toTensor}. */
export type Normalize = 'none' | 'imagenet';

/** Converts uint8 RGB clip data into float32 values (`[0, 1]` or ImageNet-normalised) in `out`. */
export function clipToFloat32(
  data: Uint8Array,
  normalize: Normalize,
  out = new Float32Array(data.length),
): Float32Array {
  match(normalize)
    .with('none', () => {
      for (let i = 0; i < data.length; i++) out[i] = data[i] / 255;
    })
    .with('imagenet', () => {
      const a = IMAGENET_STD.map((s) => 1 / (255 * s));
      const b = IMAGENET_MEAN.map((m, c) => -m / IMAGENET_STD[c]);
      for (let i = 0; i < data.length; i += 3) {
        out[i] = data[i] * a[0] + b[0];
        out[i + 1] = data[i + 1] * a[1] + b[1];
        out[i + 2] = data[i + 2] * a[2] + b[2];
      }
    })
    .exhaustive();
  return out;
}

/**
 * Stacks clips of equal shape into a `[B, T, H, W, 3]` float32 tensor. The caller owns (disposes) it.
 * @throws RangeError when the clips differ in shape or are not RGB.
 */
export function toTensor(clips: readonly ClipLike[], opts: { normalize?: Normalize } = {}): tf.Tensor5D {
  if (clips.length === 0) throw new RangeError('toTensor: no clips');
  const { frames: T, height: H, width: W } = clips[0];
  const per = T * H * W * 3;
  const out = new Float32Array(clips.length * per);
  clips.forEach((c, b) => {
    if (c.frames !== T || c.height !== H || c.width !== W || c.data.length !== per) {
      throw new RangeError(
        `toTensor: clip ${b} is ${c.frames}x${c.height}x${c.width} (${c.data.length} bytes), expected ${T}x${H}x${W}x3`,
      );
    }
    clipToFloat32(c.data, opts.normalize ?? 'none', out.subarray(b * per, (b + 1) * per));
  });
  return tf.tensor5d(out, [clips.length, T, H, W, 3], 'float32'); // [B, T, H, W, 3]
}

/** A batch of clips as the data loader yields it (`clips` is `[B, T, H, W, 3]` uint8). */
export interface BatchLike {
  clips: Uint8Array;
  batchSize: number;
  frames: number;
  height: number;
  width: number;
}

/** A loader batch as a `[B, T, H, W, 3]` float32 tensor. The caller owns (disposes) it. */
export function batchToTensor(batch: BatchLike, opts: { normalize?: Normalize } = {}): tf.Tensor5D {
  const { batchSize: B, frames: T, height: H, width: W } = batch;
  if (batch.clips.length !== B * T * H * W * 3)
    throw new RangeError(`batchToTensor: ${batch.clips.length} bytes for ${B}x${T}x${H}x${W}x3`);
  return tf.tensor5d(clipToFloat32(batch.clips, opts.normalize ?? 'none'), [B, T, H, W, 3], 'float32'); // [B, T, H, W, 3]
}
