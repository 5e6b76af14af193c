/**
 * A minimal ONNX protobuf writer for tests: enough of onnx.proto (field numbers from the ONNX IR
 * spec) to build a one-node graph that onnxruntime can run.
 */
import protobuf from 'protobufjs';

const schema = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            producerName: { type: 'string', id: 2 },
            graph: { type: 'GraphProto', id: 7 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
          },
        },
        OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            floatData: { rule: 'repeated', type: 'float', id: 4, options: { packed: true } },
            name: { type: 'string', id: 8 },
          },
        },
        ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
        TypeProto: { fields: { tensorType: { type: 'TypeProtoTensor', id: 1 } } },
        TypeProtoTensor: { fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } },
        TensorShapeProto: { fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } } },
        Dimension: { fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } } },
      },
    },
  },
};

const FLOAT = 1;

function valueInfo(name: string, dims: (number | string)[]): object {
  return {
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/**
 * A segmentation "model": `mask = Conv1x1(x, weight, bias)`, input `[1, 3, h, w]` named `image`,
 * output `[1, C, h, w]` named `mask`. `weight` is `[C][3]`, `bias` `[C]`. `h`/`w` may be symbolic.
 */
export function conv1x1Model(opts: {
  h: number | string;
  w: number | string;
  weight: number[][];
  bias: number[];
  sigmoid?: boolean;
}): Uint8Array {
  const root = protobuf.Root.fromJSON(schema);
  const Model = root.lookupType('onnx.ModelProto');
  const C = opts.weight.length;
  const nodes: object[] = [
    { input: ['image', 'W', 'B'], output: [opts.sigmoid ? 'logits' : 'mask'], name: 'conv', opType: 'Conv' },
  ];
  if (opts.sigmoid) nodes.push({ input: ['logits'], output: ['mask'], name: 'sig', opType: 'Sigmoid' });
  const msg = Model.create(
    Model.fromObject({
      irVersion: 8,
      producerName: 'hat-removal-test',
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'tiny-seg',
        node: nodes,
        initializer: [
          { name: 'W', dims: [C, 3, 1, 1], dataType: FLOAT, floatData: opts.weight.flat() },
          { name: 'B', dims: [C], dataType: FLOAT, floatData: opts.bias },
        ],
        input: [valueInfo('image', [1, 3, opts.h, opts.w])],
        output: [valueInfo('mask', [1, C, opts.h, opts.w])],
      },
    }),
  );
  return Model.encode(msg).finish();
}
