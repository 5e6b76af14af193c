/**
 * A small ONNX graph builder: nodes with unique output names, typed attributes, float32
 * initializers stored as little-endian `raw_data`, and shared int64/float constants.
 */
import { OnnxAttributeType, OnnxDataType } from './onnx-schema.js';
import type { AttributeMsg, DimMsg, GraphMsg, NodeMsg, TensorMsg, ValueInfoMsg } from './onnx-schema.js';

/** A typed ONNX node attribute. */
export type Attr =
  | { readonly int: number }
  | { readonly float: number }
  | { readonly ints: readonly number[] }
  | { readonly string: string };

function toAttribute(name: string, a: Attr): AttributeMsg {
  if ('int' in a) return { name, type: OnnxAttributeType.INT, i: a.int };
  if ('float' in a) return { name, type: OnnxAttributeType.FLOAT, f: a.float };
  if ('ints' in a) return { name, type: OnnxAttributeType.INTS, ints: [...a.ints] };
  return { name, type: OnnxAttributeType.STRING, s: new TextEncoder().encode(a.string) };
}

/** A graph dimension: a fixed size or a symbolic name (dynamic). */
export type Dim = number | string;

/** Declares a float32 graph input or output. */
export function floatValueInfo(name: string, dims: readonly Dim[], docString?: string): ValueInfoMsg {
  const dim: DimMsg[] = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, docString, type: { tensorType: { elemType: OnnxDataType.FLOAT, shape: { dim } } } };
}

/** Builds the node list and initializers of one ONNX graph. */
export class GraphBuilder {
  readonly nodes: NodeMsg[] = [];
  readonly initializers: TensorMsg[] = [];
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();
  private counter = 0;
  /** Non-default operator domains the graph uses (they need an opset import). */
  readonly domains = new Set<string>();

  /** The opset the graph targets; ops whose signature changed between opsets consult it. */
  constructor(readonly opset: number) {}

  private unique(base: string): string {
    let name = base;
    while (this.used.has(name)) name = `${base}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  /** Reserves a graph input name. */
  input(name: string): string {
    if (this.used.has(name)) throw new Error(`duplicate graph name ${name}`);
    this.used.add(name);
    return name;
  }

  /** Adds a float32 initializer; `data.length` must equal the product of `dims`. */
  initializer(name: string, dims: readonly number[], data: Float32Array): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (data.length !== size)
      throw new Error(`initializer ${name}: ${data.length} values for shape [${dims.join(',')}]`);
    const unique = this.unique(name);
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push({ name: unique, dims: [...dims], dataType: OnnxDataType.FLOAT, rawData: raw });
    return unique;
  }

  /** An int64 constant (shapes, axes, indices), shared between nodes; `dims` empty gives a scalar. */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `i64:${dims.join('x')}:${values.join(',')}`;
    const hit = this.constants.get(key);
    if (hit) return hit;
    const name = this.unique(`const_i64_${this.constants.size}`);
    this.initializers.push({ name, dims: [...dims], dataType: OnnxDataType.INT64, int64Data: [...values] });
    this.constants.set(key, name);
    return name;
  }

  /** A float32 scalar constant, shared between nodes. */
  scalar(value: number): string {
    const key = `f32:${value}`;
    const hit = this.constants.get(key);
    if (hit) return hit;
    const name = this.initializer(`const_f32_${this.constants.size}`, [], new Float32Array([value]));
    this.constants.set(key, name);
    return name;
  }

  /** Adds a node with one output and returns the output name. */
  op(opType: string, inputs: readonly string[], name: string, attrs: Record<string, Attr> = {}): string {
    return this.opMulti(opType, inputs, name, 1, attrs)[0];
  }

  /** Adds a node with `outputs` outputs and returns their names. */
  opMulti(
    opType: string,
    inputs: readonly string[],
    name: string,
    outputs: number,
    attrs: Record<string, Attr> = {},
    domain = '',
  ): string[] {
    const nodeName = this.unique(name);
    const outs = Array.from({ length: outputs }, (_, i) =>
      outputs === 1 ? nodeName : this.unique(`${nodeName}:${i}`),
    );
    const attribute = Object.entries(attrs).map(([k, v]) => toAttribute(k, v));
    this.nodes.push({
      name: nodeName,
      opType,
      input: [...inputs],
      output: outs,
      attribute,
      ...(domain ? { domain } : {}),
    });
    if (domain) this.domains.add(domain);
    return outs;
  }

  /** Adds a node whose output must carry exactly `name` (a graph output). */
  output(opType: string, inputs: readonly string[], name: string, attrs: Record<string, Attr> = {}): string {
    if (this.used.has(name)) throw new Error(`duplicate graph name ${name}`);
    return this.op(opType, inputs, name, attrs);
  }

  /** Returns the graph. */
  build(name: string, inputs: ValueInfoMsg[], outputs: ValueInfoMsg[], docString?: string): GraphMsg {
    return { name, node: this.nodes, initializer: this.initializers, input: inputs, output: outputs, docString };
  }
}
