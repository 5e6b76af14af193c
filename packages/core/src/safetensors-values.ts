/**
 * Checks on the values of tensors read from a safetensors file: the element type is one the caller
 * expects (I32 data where F32 weights are expected is an error, not a silent conversion), and
 * floating-point values are finite unless the caller asks to inspect a broken file.
 */
import { SafetensorsFormatError } from './errors.js';
import { bfloat16ToFloat32, float16ToFloat32 } from './half-float.js';
import type { SafetensorsDtype } from './safetensors-header.js';

/** Value checks applied to every tensor read. */
export interface TensorChecks {
  /** Accept NaN and ±Inf in floating-point tensors (to inspect a broken checkpoint). Default false. */
  readonly allowNonFinite?: boolean;
  /** Accepted element types (e.g. `FLOAT_DTYPES` for model weights). Default: any. */
  readonly dtypes?: readonly SafetensorsDtype[];
}

interface Checked {
  readonly dtype: SafetensorsDtype;
  readonly data: Float32Array | Uint16Array | Int32Array | BigInt64Array | Uint8Array;
}

/** Index of the first NaN/Inf in a float tensor and how many there are, or null when all are finite. */
export function nonFinite(t: Checked): { first: number; count: number } | null {
  let values: Float32Array;
  if (t.dtype === 'F32') values = t.data as Float32Array;
  else if (t.dtype === 'F16' || t.dtype === 'BF16') {
    // Exponent all ones is Inf/NaN in both 16-bit formats.
    const words = t.data as Uint16Array;
    const mask = t.dtype === 'F16' ? 0x7c00 : 0x7f80;
    let first = -1;
    let count = 0;
    for (let i = 0; i < words.length; i++)
      if ((words[i] & mask) === mask) {
        if (first < 0) first = i;
        count++;
      }
    return count ? { first, count } : null;
  } else return null;
  let first = -1;
  let count = 0;
  for (let i = 0; i < values.length; i++)
    if (!Number.isFinite(values[i])) {
      if (first < 0) first = i;
      count++;
    }
  return count ? { first, count } : null;
}

function valueAt(t: Checked, i: number): number {
  if (t.dtype === 'F16') return float16ToFloat32((t.data as Uint16Array).subarray(i, i + 1))[0];
  if (t.dtype === 'BF16') return bfloat16ToFloat32((t.data as Uint16Array).slice(i, i + 1))[0];
  return (t.data as Float32Array)[i];
}

/**
 * Applies {@link TensorChecks} to one tensor.
 * @throws SafetensorsFormatError naming the file, the tensor and the problem.
 */
export function checkTensor(file: string, name: string, t: Checked, checks: TensorChecks): void {
  if (checks.dtypes && !checks.dtypes.includes(t.dtype)) {
    throw new SafetensorsFormatError(
      file,
      `tensor "${name}" is ${t.dtype}, expected ${checks.dtypes.length === 1 ? checks.dtypes[0] : `one of ${checks.dtypes.join(', ')}`}`,
    );
  }
  if (checks.allowNonFinite) return;
  const bad = nonFinite(t);
  if (bad) {
    throw new SafetensorsFormatError(
      file,
      `tensor "${name}" has ${bad.count} non-finite value${bad.count > 1 ? 's' : ''} (first: ${valueAt(t, bad.first)} at index ${bad.first}); ` +
        'the checkpoint is broken (pass allowNonFinite / --allow-non-finite to load it anyway for inspection)',
    );
  }
}
