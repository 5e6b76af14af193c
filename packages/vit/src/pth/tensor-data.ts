/**
 * The values of a tensor of a `.pth` file as a contiguous array of a safetensors dtype: float32,
 * float16 and bfloat16 as they are; float64 narrowed to float32; int64 and int32 as they are; int16
 * and int8 widened to int32; uint8 and bool as uint8. Strided views are gathered in row-major order.
 */
import type { SafeTensorInput, SafetensorsDtype } from '@ppma/core';
import { TORCH_DTYPE_BYTES, type TensorRef, type TorchDtype } from './pickle-values.js';

const TARGET: Readonly<Record<TorchDtype, SafetensorsDtype>> = {
  F64: 'F32',
  F32: 'F32',
  F16: 'F16',
  BF16: 'BF16',
  I64: 'I64',
  I32: 'I32',
  I16: 'I32',
  I8: 'I32',
  U8: 'U8',
  BOOL: 'U8',
};

/** The safetensors dtype a tensor of `dtype` is written as. */
export function safetensorsDtypeOf(dtype: TorchDtype): SafetensorsDtype {
  return TARGET[dtype];
}

function element(view: DataView, dtype: TorchDtype, byte: number): number | bigint {
  switch (dtype) {
    case 'F64':
      return view.getFloat64(byte, true);
    case 'F32':
      return view.getFloat32(byte, true);
    case 'F16':
    case 'BF16':
      return view.getUint16(byte, true);
    case 'I64':
      return view.getBigInt64(byte, true);
    case 'I32':
      return view.getInt32(byte, true);
    case 'I16':
      return view.getInt16(byte, true);
    case 'I8':
      return view.getInt8(byte);
    default:
      return view.getUint8(byte);
  }
}

function allocate(dtype: SafetensorsDtype, n: number): SafeTensorInput['data'] {
  switch (dtype) {
    case 'F32':
      return new Float32Array(n);
    case 'F16':
    case 'BF16':
      return new Uint16Array(n);
    case 'I64':
      return new BigInt64Array(n);
    case 'I32':
      return new Int32Array(n);
    default:
      return new Uint8Array(n);
  }
}

function contiguous(ref: TensorRef): boolean {
  let expect = 1;
  for (let d = ref.shape.length - 1; d >= 0; d--) {
    if (ref.shape[d] !== 1 && ref.stride[d] !== expect) return false;
    expect *= ref.shape[d];
  }
  return true;
}

function bytesOf(dtype: SafetensorsDtype): number {
  return dtype === 'F16' || dtype === 'BF16' ? 2 : dtype === 'I64' ? 8 : dtype === 'U8' ? 1 : 4;
}

function typed(dtype: SafetensorsDtype, buffer: ArrayBuffer): SafeTensorInput['data'] {
  switch (dtype) {
    case 'F32':
      return new Float32Array(buffer);
    case 'F16':
    case 'BF16':
      return new Uint16Array(buffer);
    case 'I64':
      return new BigInt64Array(buffer);
    case 'I32':
      return new Int32Array(buffer);
    default:
      return new Uint8Array(buffer);
  }
}

/** Gathers the tensor `ref` out of its storage's bytes. */
export function tensorFromStorage(ref: TensorRef, bytes: Uint8Array): SafeTensorInput {
  const src = ref.storage.dtype;
  const dtype = TARGET[src];
  const w = TORCH_DTYPE_BYTES[src];
  const n = ref.shape.reduce((a, b) => a * b, 1);
  if (contiguous(ref) && TORCH_DTYPE_BYTES[src] === bytesOf(dtype)) {
    // same element type, row-major: one copy of the bytes
    const copy = bytes.slice(ref.offset * w, (ref.offset + n) * w);
    return { dtype, shape: [...ref.shape], data: typed(dtype, copy.buffer) };
  }
  const out = allocate(dtype, n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rank = ref.shape.length;
  const idx = new Array<number>(rank).fill(0);
  let at = ref.offset;
  for (let i = 0; i < n; i++) {
    const v = element(view, src, at * w);
    if (out instanceof BigInt64Array) out[i] = v as bigint;
    else (out as Float32Array)[i] = Number(v);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      at += ref.stride[d];
      if (idx[d] < ref.shape[d]) break;
      at -= ref.stride[d] * ref.shape[d];
      idx[d] = 0;
    }
  }
  return { dtype, shape: [...ref.shape], data: out };
}
