/**
 * Opening a `.pth` / `.pt` file written by `torch.save` without Python and without running pickled
 * code (docs/ARCHITECTURE.md §4): the zip layout (`<name>/data.pkl` plus one record per storage,
 * `<name>/data/<key>`) of PyTorch >= 1.6, and the legacy layout of older releases (five pickles, then
 * the storages' bytes). The object tree comes from the restricted unpickler; storage bytes are read
 * only for the tensors asked for.
 */
import fs from 'node:fs/promises';
import { CheckpointError } from '@ppma/core';
import { PyDict, PyTuple, StorageType, TORCH_DTYPE_BYTES, type PyValue, type StorageRef } from './pickle-values.js';
import { StoredZip } from './stored-zip.js';
import { unpickle } from './unpickler.js';
import { UnsafePickleError } from './unsafe-pickle-error.js';

/** An opened `torch.save` file. */
export interface PthFile {
  readonly file: string;
  readonly format: 'zip' | 'legacy';
  /** The saved object (a dict for checkpoints). */
  readonly root: PyValue;
  /** The bytes of a storage (little-endian elements). */
  storageBytes(ref: StorageRef): Promise<Uint8Array>;
  close(): Promise<void>;
}

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

function storageFromPid(file: string, pid: PyValue, legacy: boolean): StorageRef {
  const items = pid instanceof PyTuple ? pid.items : null;
  if (!items || items[0] !== 'storage' || !(items[1] instanceof StorageType))
    throw new CheckpointError(file, 'a persistent id is not a storage record');
  const key = items[2];
  const numel = typeof items[4] === 'bigint' ? Number(items[4]) : items[4];
  if (typeof key !== 'string' || typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0)
    throw new CheckpointError(file, 'a storage record has a bad key or size');
  const view = legacy ? items[5] : null;
  if (view instanceof PyTuple) {
    // (view_key, offset, view_size): a slice of the root storage `key`
    const [, off, size] = view.items;
    return { kind: 'storage', key, dtype: items[1].dtype, numel: Number(size), offset: Number(off) };
  }
  return { kind: 'storage', key, dtype: items[1].dtype, numel, offset: 0 };
}

async function openZip(file: string): Promise<PthFile> {
  const zip = await StoredZip.open(file);
  try {
    const pkl = [...zip.entries.keys()].find((n) => n === 'data.pkl' || n.endsWith('/data.pkl'));
    if (!pkl) throw new CheckpointError(file, 'a zip without data.pkl is not a torch.save file');
    const prefix = pkl.slice(0, -'data.pkl'.length);
    const order = zip.entries.get(`${prefix}byteorder`);
    if (order && (await zip.read(order.name)).toString('utf8').trim() !== 'little')
      throw new CheckpointError(file, 'big-endian storages are not supported');
    const { value } = unpickle(await zip.read(pkl), file, (pid) => storageFromPid(file, pid, false));
    return {
      file,
      format: 'zip',
      root: value,
      async storageBytes(ref) {
        const b = await zip.read(`${prefix}data/${ref.key}`);
        const need = (ref.offset + ref.numel) * TORCH_DTYPE_BYTES[ref.dtype];
        if (b.length < need) throw new CheckpointError(file, `storage ${ref.key} has ${b.length} bytes, needs ${need}`);
        return b.subarray(ref.offset * TORCH_DTYPE_BYTES[ref.dtype], need);
      },
      close: () => zip.close(),
    };
  } catch (e) {
    await zip.close();
    throw e;
  }
}

async function openLegacy(file: string): Promise<PthFile> {
  const data = new Uint8Array(await fs.readFile(file));
  let pos = 0;
  const next = (
    load: (pid: PyValue) => PyValue = () => {
      throw new CheckpointError(file, 'unexpected persistent id');
    },
  ): PyValue => {
    const r = unpickle(data.subarray(pos), file, load);
    pos += r.end;
    return r.value;
  };
  let magic: PyValue;
  try {
    magic = next();
  } catch (e) {
    if (e instanceof UnsafePickleError) throw e; // a bare pickle that would run code
    throw new CheckpointError(file, 'neither a zip nor a legacy torch.save file', { cause: e });
  }
  if (magic !== LEGACY_MAGIC && magic !== Number(LEGACY_MAGIC))
    throw new CheckpointError(file, 'a pickle that is not a torch.save file (no legacy magic number)');
  if (next() !== 1001) throw new CheckpointError(file, 'unsupported legacy torch.save protocol version');
  const sys = next();
  if (sys instanceof PyDict && sys.entries.get('little_endian') === false)
    throw new CheckpointError(file, 'big-endian storages are not supported');
  const roots = new Map<string, StorageRef>();
  const root = next((pid) => {
    const ref = storageFromPid(file, pid, true);
    const items = (pid as PyTuple).items;
    const rootNumel = Number(items[4]);
    if (!roots.has(ref.key)) roots.set(ref.key, { ...ref, numel: rootNumel, offset: 0 });
    return ref;
  });
  const keys = next();
  if (!Array.isArray(keys)) throw new CheckpointError(file, 'the legacy storage key list is missing');
  const offsets = new Map<string, number>();
  for (const k of keys) {
    const r = roots.get(String(k));
    if (!r || pos + 8 > data.length) throw new CheckpointError(file, `legacy storage ${String(k)} is missing`);
    const numel = Number(new DataView(data.buffer, data.byteOffset + pos, 8).getBigInt64(0, true));
    pos += 8;
    offsets.set(r.key, pos);
    pos += numel * TORCH_DTYPE_BYTES[r.dtype];
    if (pos > data.length) throw new CheckpointError(file, `legacy storage ${r.key} is truncated`);
  }
  return {
    file,
    format: 'legacy',
    root,
    storageBytes(ref) {
      const at = offsets.get(ref.key);
      if (at === undefined) return Promise.reject(new CheckpointError(file, `storage ${ref.key} has no data`));
      const w = TORCH_DTYPE_BYTES[ref.dtype];
      return Promise.resolve(data.subarray(at + ref.offset * w, at + (ref.offset + ref.numel) * w));
    },
    close: () => Promise.resolve(),
  };
}

/**
 * Opens a `torch.save` file. Refuses, with an {@link UnsafePickleError} naming it, any global outside
 * the allowlist; other problems are a `CheckpointError` naming the file.
 */
export async function openPth(file: string): Promise<PthFile> {
  try {
    await fs.access(file);
  } catch (e) {
    throw new CheckpointError(file, 'cannot be read', { cause: e });
  }
  return (await StoredZip.isZip(file)) ? openZip(file) : openLegacy(file);
}
