/**
 * The values the restricted unpickler builds: Python's data types, with tensors as references into
 * the checkpoint's storages (read only when needed). Nothing here can run code.
 */

/** A storage of a `torch.save` file: which record holds its bytes, and its element type. */
export interface StorageRef {
  readonly kind: 'storage';
  readonly key: string;
  readonly dtype: TorchDtype;
  readonly numel: number;
  /** Element offset into the record (legacy storage views), usually 0. */
  readonly offset: number;
}

/** A tensor: a strided view of a storage. */
export interface TensorRef {
  readonly kind: 'tensor';
  readonly storage: StorageRef;
  readonly offset: number;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
}

/** A Python tuple. */
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/** A Python dict or OrderedDict, keys in insertion order. */
export class PyDict {
  readonly entries = new Map<PyKey, PyValue>();
}

/** An instance of an allowed data-only class (e.g. `argparse.Namespace`): its class and state. */
export class PyObject {
  state: PyValue = null;
  constructor(readonly className: string) {}
}

/** A storage class (e.g. `torch.FloatStorage`), as persistent ids name it. */
export class StorageType {
  constructor(readonly dtype: TorchDtype) {}
}

/** An allowed global: our own implementation of what it builds from its arguments. */
export class PyGlobal {
  constructor(
    readonly name: string,
    readonly call: (args: PyValue[]) => PyValue,
  ) {}
}

/** A dict key (hashable values). */
export type PyKey = string | number | bigint | boolean | null;

/** Any value the unpickler produces. */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyValue[]
  | PyTuple
  | PyDict
  | PyObject
  | TensorRef
  | StorageRef
  | StorageType
  | PyGlobal;

/** PyTorch element types, by storage class. */
export type TorchDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** Bytes per element. */
export const TORCH_DTYPE_BYTES: Readonly<Record<TorchDtype, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/** True for a tensor reference. */
export function isTensor(v: PyValue): v is TensorRef {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'kind' in v && v.kind === 'tensor';
}
