/**
 * A restricted unpickler for `torch.save` files (pickle protocols 0-4, as `torch.save` writes
 * protocol 2): it interprets the opcodes on plain data and resolves globals only through the
 * allowlist of torch-globals.ts, so a file can describe tensors, dicts, lists, tuples, numbers and
 * strings but never run code. Tensor data stays in the storages, named by persistent ids.
 */
import { CheckpointError } from '@ppma/core';
import { globalName, lookupGlobal } from './torch-globals.js';
import { PyDict, PyGlobal, PyObject, PyTuple, StorageType, type PyKey, type PyValue } from './pickle-values.js';
import { UnsafePickleError } from './unsafe-pickle-error.js';
import { NOT_SCALAR, PickleReader } from './pickle-reader.js';

const MARK = Symbol('mark');
type Item = PyValue | typeof MARK;

/** Resolves a persistent id (`BINPERSID`) to a value, e.g. a storage. */
export type PersistentLoad = (pid: PyValue) => PyValue;

const MAX_STACK = 1 << 22;

/** Unpickles `data` (the bytes of one pickle). `file` names the checkpoint in errors. */
export function unpickle(
  data: Uint8Array,
  file: string,
  persistentLoad: PersistentLoad,
): { value: PyValue; end: number } {
  return new Unpickler(data, file, persistentLoad).run();
}

class Unpickler extends PickleReader {
  private stack: Item[] = [];
  private marks: number[] = [];
  private memo = new Map<number, PyValue>();

  constructor(
    data: Uint8Array,
    file: string,
    private readonly persistentLoad: PersistentLoad,
  ) {
    super(data, file);
  }

  private push(v: Item): void {
    if (this.stack.length >= MAX_STACK) this.fail('stack too deep');
    this.stack.push(v);
  }
  private pop(): PyValue {
    if (this.stack.length === 0 || (this.marks.length && this.stack.length <= this.marks[this.marks.length - 1]))
      this.fail('stack underflow');
    const v = this.stack.pop()!;
    if (v === MARK) this.fail('unexpected mark');
    return v;
  }
  private top(): PyValue {
    const v = this.stack[this.stack.length - 1];
    if (v === undefined || v === MARK) this.fail('stack underflow');
    return v;
  }
  private popMark(): PyValue[] {
    const m = this.marks.pop();
    if (m === undefined) this.fail('no mark');
    const items = this.stack.splice(m) as Item[];
    if (items[0] !== MARK) this.fail('mark mismatch');
    return items.slice(1) as PyValue[];
  }

  private global(module: string, name: string): void {
    const g = lookupGlobal(module, name);
    if (!g) throw new UnsafePickleError(this.file, globalName(module, name));
    this.push(g);
  }

  private call(fn: PyValue, args: PyValue, how: string): PyValue {
    if (!(fn instanceof PyGlobal))
      throw new UnsafePickleError(
        this.file,
        fn instanceof StorageType ? 'storage class' : typeof fn,
        ` (${how} on a non-callable)`,
      );
    const list = args instanceof PyTuple ? args.items : this.fail(`${how} arguments are not a tuple`);
    try {
      return fn.call(list);
    } catch (e) {
      if (e instanceof CheckpointError) throw e;
      return this.fail(`${fn.name}: ${(e as Error).message}`);
    }
  }

  private setItem(d: PyValue, k: PyValue, v: PyValue): void {
    if (d instanceof PyDict) {
      if (typeof k === 'object' && k !== null) this.fail('unhashable dict key');
      d.entries.set(k as PyKey, v);
    } else if (d instanceof PyObject) {
      if (!(d.state instanceof PyDict)) d.state = new PyDict();
      d.state.entries.set(String(k), v);
    } else this.fail('SETITEM on a non-dict');
  }

  private build(obj: PyValue, state: PyValue): void {
    if (obj instanceof PyObject) obj.state = state;
    else if (obj instanceof PyDict)
      return; // instance attributes of an OrderedDict (a state dict's `_metadata`), not items
    else if (!(state === null || (state instanceof PyDict && state.entries.size === 0)))
      this.fail('BUILD with state on this value');
  }

  run(): { value: PyValue; end: number } {
    for (;;) {
      const op = this.u8();
      if (op === 0x2e) return { value: this.pop(), end: this.pos }; // STOP
      this.step(op);
    }
  }

  // One opcode (the table of pickletools, protocols 0-4), by family: framing and the stack,
  // tuples and lists, dicts and sets, the memo, then globals and calls; whatever is left is a scalar.
  private step(op: number): void {
    if (this.stackOp(op) || this.sequenceOp(op) || this.mappingOp(op) || this.memoOp(op) || this.callOp(op)) return;
    const v = this.scalar(op);
    if (v === NOT_SCALAR)
      this.fail(`opcode 0x${op.toString(16)} is not supported (extension registry, out-of-band buffers, …)`);
    this.push(v);
  }

  /** Protocol and frame headers, marks, and the constants None/True/False. */
  private stackOp(op: number): boolean {
    switch (op) {
      case 0x80: // PROTO
        if (this.u8() > 5) this.fail('unsupported pickle protocol');
        return true;
      case 0x95: // FRAME
        this.u64();
        return true;
      case 0x28: // MARK
        this.marks.push(this.stack.length);
        this.stack.push(MARK);
        return true;
      case 0x30: // POP
        if (this.stack[this.stack.length - 1] === MARK) this.popMark();
        else this.pop();
        return true;
      case 0x31: // POP_MARK
        this.popMark();
        return true;
      case 0x32: // DUP
        this.push(this.top());
        return true;
      case 0x4e: // NONE
        this.push(null);
        return true;
      case 0x88: // NEWTRUE
        this.push(true);
        return true;
      case 0x89: // NEWFALSE
        this.push(false);
        return true;
      default:
        return false;
    }
  }

  /** Tuples and lists. */
  private sequenceOp(op: number): boolean {
    switch (op) {
      case 0x29: // EMPTY_TUPLE
        this.push(new PyTuple([]));
        return true;
      case 0x85: // TUPLE1
        this.push(new PyTuple([this.pop()]));
        return true;
      case 0x86: {
        // TUPLE2
        const b = this.pop();
        this.push(new PyTuple([this.pop(), b]));
        return true;
      }
      case 0x87: {
        // TUPLE3
        const c = this.pop();
        const b = this.pop();
        this.push(new PyTuple([this.pop(), b, c]));
        return true;
      }
      case 0x74: // TUPLE
        this.push(new PyTuple(this.popMark()));
        return true;
      case 0x5d: // EMPTY_LIST
        this.push([]);
        return true;
      case 0x6c: // LIST
        this.push(this.popMark());
        return true;
      case 0x61: {
        // APPEND
        const v = this.pop();
        const l = this.top();
        if (!Array.isArray(l)) this.fail('APPEND to a non-list');
        l.push(v);
        return true;
      }
      case 0x65: {
        // APPENDS
        const items = this.popMark();
        const l = this.top();
        if (!Array.isArray(l)) this.fail('APPENDS to a non-list');
        for (const v of items) l.push(v);
        return true;
      }
      default:
        return false;
    }
  }

  /** Dicts, and sets (kept as lists). */
  private mappingOp(op: number): boolean {
    switch (op) {
      case 0x7d: // EMPTY_DICT
        this.push(new PyDict());
        return true;
      case 0x64: {
        // DICT
        const items = this.popMark();
        const d = new PyDict();
        for (let i = 0; i + 1 < items.length; i += 2) this.setItem(d, items[i], items[i + 1]);
        this.push(d);
        return true;
      }
      case 0x73: {
        // SETITEM
        const v = this.pop();
        const k = this.pop();
        this.setItem(this.top(), k, v);
        return true;
      }
      case 0x75: {
        // SETITEMS
        const items = this.popMark();
        const d = this.top();
        for (let i = 0; i + 1 < items.length; i += 2) this.setItem(d, items[i], items[i + 1]);
        return true;
      }
      case 0x8f: // EMPTY_SET
        this.push([]);
        return true;
      case 0x90: {
        // ADDITEMS
        const items = this.popMark();
        const s = this.top();
        if (!Array.isArray(s)) this.fail('ADDITEMS to a non-set');
        s.push(...items);
        return true;
      }
      case 0x91: // FROZENSET
        this.push(this.popMark());
        return true;
      default:
        return false;
    }
  }

  /** The memo: PUT/BINPUT/LONG_BINPUT/MEMOIZE store the top, GET/BINGET/LONG_BINGET push back. */
  private memoOp(op: number): boolean {
    switch (op) {
      case 0x70: // PUT
        this.memo.set(Number(this.line()), this.top());
        return true;
      case 0x71: // BINPUT
        this.memo.set(this.u8(), this.top());
        return true;
      case 0x72: // LONG_BINPUT
        this.memo.set(this.u32(), this.top());
        return true;
      case 0x94: // MEMOIZE
        this.memo.set(this.memo.size, this.top());
        return true;
      case 0x67: // GET
        this.get(Number(this.line()));
        return true;
      case 0x68: // BINGET
        this.get(this.u8());
        return true;
      case 0x6a: // LONG_BINGET
        this.get(this.u32());
        return true;
      default:
        return false;
    }
  }

  /** Globals (through the allowlist only), calls on them, BUILD and persistent ids. */
  private callOp(op: number): boolean {
    switch (op) {
      case 0x63: {
        // GLOBAL
        const module = this.line();
        this.global(module, this.line());
        return true;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = this.pop();
        const module = this.pop();
        if (typeof module !== 'string' || typeof name !== 'string') this.fail('STACK_GLOBAL of non-strings');
        this.global(module, name);
        return true;
      }
      case 0x52: {
        // REDUCE
        const args = this.pop();
        this.push(this.call(this.pop(), args, 'REDUCE'));
        return true;
      }
      case 0x81: {
        // NEWOBJ
        const args = this.pop();
        this.push(this.call(this.pop(), args, 'NEWOBJ'));
        return true;
      }
      case 0x92: {
        // NEWOBJ_EX
        this.pop(); // kwargs
        const args = this.pop();
        this.push(this.call(this.pop(), args, 'NEWOBJ_EX'));
        return true;
      }
      case 0x62: {
        // BUILD
        const state = this.pop();
        this.build(this.top(), state);
        return true;
      }
      case 0x51: // BINPERSID
        this.push(this.persistentLoad(this.pop()));
        return true;
      case 0x50: // PERSID
        this.push(this.persistentLoad(this.line()));
        return true;
      case 0x69: {
        // INST (module, name, then the marked arguments)
        const module = this.line();
        const name = this.line();
        const g = lookupGlobal(module, name);
        if (!g) throw new UnsafePickleError(this.file, globalName(module, name));
        this.push(this.call(g, new PyTuple(this.popMark()), 'INST'));
        return true;
      }
      case 0x6f: {
        // OBJ
        const items = this.popMark();
        this.push(this.call(items[0] ?? null, new PyTuple(items.slice(1)), 'OBJ'));
        return true;
      }
      default:
        return false;
    }
  }

  private get(i: number): void {
    if (!this.memo.has(i)) this.fail(`memo ${i} is not set`);
    this.push(this.memo.get(i)!);
  }
}
