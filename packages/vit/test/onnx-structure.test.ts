/**
 * Structural rules of the exported ONNX file (onnxruntime loads it; opset and IR version declared;
 * every initializer used; graph in topological order; standard ops only; dynamic batch; metadata)
 * and numerics of configs the PyTorch fixture does not cover: non-square frames, a non-square
 * tubelet, two heads, static batch, opsets 17/18/21, checked against a plain float64 forward.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, readSafetensors, toFloat32 } from '@ppma/core';
import { encodeOnnxModel, exportOnnx, loadOnnx, parseVitConfigLike, readOnnxInfo } from '../src/onnx/index.js';
import type { OnnxExportSource, VitConfigLike } from '../src/onnx/index.js';
import { onnxTypes } from '../src/onnx/onnx-schema.js';
import type { ModelMsg } from '../src/onnx/onnx-schema.js';
import { naiveForward, randomStateDict } from './onnx-naive-vit.js';
import type { NaiveConfig } from './onnx-naive-vit.js';
import { FIXTURES, ncthwToNthwc, readReferenceIo, relError, tempDir } from './onnx-helpers.js';

const STANDARD_OPS = new Set([
  'Sub',
  'Div',
  'Reshape',
  'Transpose',
  'MatMul',
  'Add',
  'LayerNormalization',
  'Gather',
  'Softmax',
  'Erf',
  'Mul',
  'ReduceMean',
  'Identity',
]);

const NAIVE: NaiveConfig = {
  dim: 48,
  depth: 2,
  heads: 3,
  tubelet: [3, 4, 8],
  frames: 6,
  height: 24,
  width: 40,
  heads_: { 'heads.real': 5, 'heads.synth': 7 },
  eps: 1e-6,
};
const CONFIG: VitConfigLike = {
  dim: 48,
  depth: 2,
  heads: 3,
  tubelet: [3, 4, 8],
  frames: 6,
  height: 24,
  width: 40,
  classes: { real: 5, synth: 7 },
  normEps: 1e-6,
};
const source = (seed = 7): OnnxExportSource => {
  const dict = randomStateDict(NAIVE, seed);
  return { config: CONFIG, stateDict: () => dict };
};

function decode(bytes: Uint8Array): ModelMsg {
  return onnxTypes.ModelProto.toObject(onnxTypes.ModelProto.decode(bytes), {
    longs: Number,
    defaults: true,
  }) as ModelMsg;
}

function randomClips(n: number, seed: number): Float32Array {
  const x = new Float32Array(n * CONFIG.frames * CONFIG.height * CONFIG.width * 3);
  new Rng(seed).fillUniform(x, 0, 1);
  return x;
}

describe('ONNX file structure', () => {
  const model = decode(encodeOnnxModel(source(), { tokens: true }));

  it('declares IR version, opset and producer', () => {
    expect(model.irVersion).toBe(8);
    expect(model.opsetImport).toEqual([{ domain: '', version: 17 }]);
    expect(model.producerName).toBe('@ppma/vit');
  });

  it('uses every initializer, defines every value before use, and only standard default-domain ops', () => {
    const g = model.graph;
    const inits = new Set(g.initializer.map((t) => t.name));
    expect(inits.size).toBe(g.initializer.length); // unique names
    const read = new Set(g.node.flatMap((n) => n.input));
    expect(g.initializer.filter((t) => !read.has(t.name)).map((t) => t.name)).toEqual([]);
    const defined = new Set([...inits, ...g.input.map((i) => i.name)]);
    for (const node of g.node) {
      for (const i of node.input) expect(defined.has(i), `${node.name} reads undefined ${i}`).toBe(true);
      for (const o of node.output) {
        expect(defined.has(o), `${o} defined twice`).toBe(false);
        defined.add(o);
      }
      expect(STANDARD_OPS.has(node.opType), node.opType).toBe(true);
      expect(node.domain ?? '').toBe('');
    }
    for (const o of g.output) expect(defined.has(o.name)).toBe(true);
  });

  it('has named inputs/outputs with a symbolic batch dimension, and the config in metadata', () => {
    const g = model.graph;
    const dims = (v: (typeof g.input)[number]): (number | string)[] =>
      v.type.tensorType.shape.dim.map((d) => d.dimParam || d.dimValue || 0);
    expect(g.input.map((i) => i.name)).toEqual(['clip']);
    expect(dims(g.input[0])).toEqual(['batch', 6, 24, 40, 3]);
    expect(g.output.map((o) => [o.name, dims(o)])).toEqual([
      ['logits.real', ['batch', 5]],
      ['logits.synth', ['batch', 7]],
      ['pooled', ['batch', 48]],
      ['tokens', ['batch', 2 * 6 * 5, 48]],
    ]);
    const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
    expect(JSON.parse(meta['ppma.config'])).toMatchObject({
      dim: 48,
      depth: 2,
      heads: 3,
      tubelet: [3, 4, 8],
      classes: { real: 5, synth: 7 },
      tokens: 60,
    });
    expect(JSON.parse(meta['ppma.outputs'])).toEqual(['logits.real', 'logits.synth', 'pooled', 'tokens']);
  });

  it('encoder-only drops the heads and their weights', () => {
    const enc = decode(encodeOnnxModel(source(), { encoderOnly: true }));
    expect(enc.graph.output.map((o) => o.name)).toEqual(['pooled']);
    expect(enc.graph.initializer.some((t) => t.name.startsWith('heads.'))).toBe(false);
  });

  it('rejects wrong shapes, stray tensors and opsets without LayerNormalization', () => {
    const dict = randomStateDict(NAIVE, 1);
    dict.set('blocks.1.attn.qkv.weight', { shape: [48, 48], data: new Float32Array(48 * 48) });
    expect(() => encodeOnnxModel({ config: CONFIG, stateDict: () => dict })).toThrow(
      /blocks\.1\.attn\.qkv\.weight has shape \[48, 48\], expected \[144, 48\]/,
    );
    const extra = randomStateDict(NAIVE, 1);
    extra.set('cls_token', { shape: [1, 1, 48], data: new Float32Array(48) });
    expect(() => encodeOnnxModel({ config: CONFIG, stateDict: () => extra })).toThrow(/cls_token/);
    expect(() => encodeOnnxModel(source(), { opset: 16 })).toThrow(/opset/);
    expect(() => encodeOnnxModel({ config: { ...CONFIG, width: 42 }, stateDict: () => extra })).toThrow(/width/);
  });
});

describe('ONNX numerics on a non-square config (vs a plain float64 forward)', () => {
  const tmp = tempDir();
  const clips = randomClips(3, 11);
  const per = clips.length / 3;
  let expected: ReturnType<typeof naiveForward>[];

  beforeAll(() => {
    const dict = source().stateDict() as Parameters<typeof naiveForward>[1];
    expected = [0, 1, 2].map((i) => naiveForward(NAIVE, dict, clips.subarray(i * per, (i + 1) * per)));
  });
  afterAll(() => tmp.cleanup());

  const check = (out: Record<string, { data: Float32Array }>): void => {
    const cat = (f: (e: (typeof expected)[number]) => Float64Array): Float32Array =>
      Float32Array.from(expected.flatMap((e) => [...f(e)]));
    expect(
      relError(
        out.pooled.data,
        cat((e) => e.pooled),
      ),
    ).toBeLessThan(1e-4);
    expect(
      relError(
        out['logits.real'].data,
        cat((e) => e.logits['heads.real']),
      ),
    ).toBeLessThan(1e-4);
    expect(
      relError(
        out['logits.synth'].data,
        cat((e) => e.logits['heads.synth']),
      ),
    ).toBeLessThan(1e-4);
  };

  for (const opset of [17, 18, 21]) {
    it(`opset ${opset}, dynamic batch: onnxruntime loads it and matches`, async () => {
      const file = path.join(tmp.dir, `m${opset}.onnx`);
      await exportOnnx(source(), file, { opset });
      const info = readOnnxInfo(fs.readFileSync(file));
      expect(info.opsets.get('')).toBe(opset);
      expect(info.irVersion).toBeGreaterThanOrEqual(8);
      const m = await loadOnnx(file, { threads: 1 });
      try {
        expect(m.fixedBatch).toBeNull();
        check(await m.run(clips));
      } finally {
        await m.dispose();
      }
    });
  }

  it('the onnxruntime-fused attention variant matches too and imports com.microsoft', async () => {
    const file = path.join(tmp.dir, 'fused.onnx');
    await exportOnnx(source(), file, { attention: 'ort-fused' });
    expect(readOnnxInfo(fs.readFileSync(file)).opsets.get('com.microsoft')).toBe(1);
    const m = await loadOnnx(file, { threads: 1 });
    try {
      check(await m.run(clips));
    } finally {
      await m.dispose();
    }
  });

  it('static batch 2 pads the last partial batch', async () => {
    const file = path.join(tmp.dir, 'static.onnx');
    await exportOnnx(source(), file, { dynamicBatch: false, batch: 2 });
    const m = await loadOnnx(file, { threads: 1 });
    try {
      expect(m.fixedBatch).toBe(2);
      check(await m.run(clips));
    } finally {
      await m.dispose();
    }
  });
});

describe('the float64 reference forward itself', () => {
  it('reproduces the PyTorch fixture logits (so it can judge the configs the fixture lacks)', async () => {
    const io = await readReferenceIo();
    const cfg = parseVitConfigLike(JSON.parse(fs.readFileSync(path.join(FIXTURES, 'config.json'), 'utf8')));
    const { tensors } = await readSafetensors(path.join(FIXTURES, 'classifier.safetensors'));
    const dict = new Map(
      [...tensors].map(([k, t]) => [k.slice('classifier.'.length), { shape: [...t.shape], data: toFloat32(t) }]),
    );
    const naive: NaiveConfig = {
      dim: cfg.dim,
      depth: cfg.depth,
      heads: cfg.heads,
      tubelet: [2, 8, 8],
      frames: 4,
      height: 32,
      width: 32,
      heads_: { head: 10 },
      eps: 1e-6,
    };
    const clip = ncthwToNthwc(io.video01.data, io.video01.shape);
    const per = clip.length / 2;
    const logits = Float32Array.from(
      [0, 1].flatMap((i) => [...naiveForward(naive, dict, clip.subarray(i * per, (i + 1) * per)).logits.head]),
    );
    expect(relError(logits, io.logits.data)).toBeLessThan(1e-4);
  });
});
