/**
 * The only globals a `.pth` file may name (docs/ARCHITECTURE.md §4, checkpoints): the tensor and
 * parameter rebuild functions, the storage classes, `collections.OrderedDict`, and a few data-only
 * classes that training scripts put beside the weights (`argparse.Namespace`, `torch.Size`,
 * `_codecs.encode` for protocol-2 bytes). Each is implemented here on plain data; no Python name is
 * ever resolved or called. Every other global is refused, naming it.
 */
import {
  PyDict,
  PyGlobal,
  PyObject,
  PyTuple,
  StorageType,
  type PyValue,
  type StorageRef,
  type TensorRef,
  type TorchDtype,
  isTensor,
} from './pickle-values.js';

/** Storage classes and their element types. */
export const STORAGE_DTYPES: Readonly<Record<string, TorchDtype>> = {
  'torch.DoubleStorage': 'F64',
  'torch.FloatStorage': 'F32',
  'torch.HalfStorage': 'F16',
  'torch.BFloat16Storage': 'BF16',
  'torch.LongStorage': 'I64',
  'torch.IntStorage': 'I32',
  'torch.ShortStorage': 'I16',
  'torch.CharStorage': 'I8',
  'torch.ByteStorage': 'U8',
  'torch.BoolStorage': 'BOOL',
};

function ints(v: PyValue, what: string): number[] {
  const items = v instanceof PyTuple ? v.items : Array.isArray(v) ? v : null;
  if (!items) throw new TypeError(`${what} is not a tuple`);
  return items.map((x) => {
    const n = typeof x === 'bigint' ? Number(x) : x;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new TypeError(`${what} holds ${String(x)}`);
    return n;
  });
}

function storageOf(v: PyValue): StorageRef {
  if (typeof v === 'object' && v !== null && 'kind' in v && v.kind === 'storage') return v as StorageRef;
  throw new TypeError('the first argument of a tensor rebuild is not a storage');
}

function rebuildTensor(args: PyValue[]): TensorRef {
  const storage = storageOf(args[0]);
  const offset = typeof args[1] === 'bigint' ? Number(args[1]) : args[1];
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0)
    throw new TypeError('bad storage offset');
  const shape = ints(args[2], 'tensor size');
  const stride = ints(args[3], 'tensor stride');
  if (shape.length !== stride.length) throw new TypeError('tensor size and stride differ in length');
  let last = offset;
  for (let i = 0; i < shape.length; i++) if (shape[i] > 0) last += (shape[i] - 1) * stride[i];
  if (shape.every((s) => s > 0) && last >= storage.numel)
    throw new TypeError(`tensor view reaches element ${last} of a storage of ${storage.numel}`);
  return { kind: 'tensor', storage, offset, shape, stride };
}

function orderedDict(args: PyValue[]): PyDict {
  const d = new PyDict();
  const src = args[0];
  const pairs = src instanceof PyTuple ? src.items : Array.isArray(src) ? src : [];
  for (const p of pairs) {
    const kv = p instanceof PyTuple ? p.items : Array.isArray(p) ? p : null;
    if (!kv || kv.length !== 2) throw new TypeError('OrderedDict items are not pairs');
    const k = kv[0];
    if (typeof k === 'object' && k !== null) throw new TypeError('unhashable OrderedDict key');
    d.entries.set(k, kv[1]);
  }
  return d;
}

const TABLE: Readonly<Record<string, (args: PyValue[]) => PyValue>> = {
  'collections.OrderedDict': orderedDict,
  'torch._utils._rebuild_tensor_v2': rebuildTensor,
  'torch._utils._rebuild_tensor': rebuildTensor,
  'torch._utils._rebuild_parameter': (args) => {
    const t = args[0];
    if (!isTensor(t)) throw new TypeError('_rebuild_parameter of a non-tensor');
    return t;
  },
  'torch.Size': (args) => new PyTuple(ints(args[0] ?? new PyTuple([]), 'torch.Size')),
  'argparse.Namespace': () => new PyObject('argparse.Namespace'),
  '_codecs.encode': (args) => {
    if (typeof args[0] !== 'string') throw new TypeError('_codecs.encode of a non-string');
    return Uint8Array.from(Buffer.from(args[0], 'latin1'));
  },
};

/** Normalises Python 2 module names that protocol 2 pickles use. */
function canonical(module: string, name: string): string {
  const m = module === '__builtin__' ? 'builtins' : module;
  return `${m}.${name}`;
}

/** The allowed global `module.name`, a storage class, or `undefined` (refused). */
export function lookupGlobal(module: string, name: string): PyGlobal | StorageType | undefined {
  const full = canonical(module, name);
  const dtype = STORAGE_DTYPES[full];
  if (dtype) return new StorageType(dtype);
  const fn = TABLE[full];
  return fn ? new PyGlobal(full, fn) : undefined;
}

/** The full dotted name of a global, as error messages show it. */
export function globalName(module: string, name: string): string {
  return canonical(module, name);
}
