/**
 * The `onnx` segmenter: any ONNX person-segmentation model, run with onnxruntime-node and described
 * by a JSON adapter ({@link OnnxAdapter}). The adapter is checked against the model's own input and
 * output metadata when the session opens, and against the output shape on the first run, so a
 * mismatched adapter fails with a clear error instead of producing garbage masks.
 */
import fs from 'node:fs';
import ort from 'onnxruntime-node';
import { ModelError } from '@ppma/core';
import type { FrameBatch, MaskBatch } from './frames.js';
import { parseOnnxAdapter, readOnnxAdapter, type OnnxAdapter } from './onnx-adapter.js';
import { resizeBilinear } from './resize.js';
import type { Segmenter } from './segmenter.js';

/** Options of the `onnx` segmenter. */
export interface OnnxSegmenterConfig {
  /** Path of the `.onnx` model. */
  readonly modelPath: string;
  /** The adapter, or the path of its JSON file. */
  readonly adapter: OnnxAdapter | string;
  /** Licence of the model, as the user states it (default `unknown`). */
  readonly licence?: string;
}

/** Builds the `onnx` segmenter. */
export async function createOnnxSegmenter(cfg: OnnxSegmenterConfig): Promise<Segmenter> {
  const file = cfg.modelPath;
  if (!file || !fs.existsSync(file)) throw new ModelError(`${file}: ONNX model file does not exist`, { file });
  const ad = typeof cfg.adapter === 'string' ? readOnnxAdapter(cfg.adapter) : parseOnnxAdapter(cfg.adapter);
  const where = typeof cfg.adapter === 'string' ? cfg.adapter : 'the adapter';
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(file);
  } catch (e) {
    throw new ModelError(`${file}: onnxruntime could not open the model: ${(e as Error).message}`, { file, cause: e });
  }
  const mismatch = (what: string): ModelError =>
    new ModelError(`${file}: ${where} does not match the model: ${what}`, { file });
  const inName = ad.input.name || session.inputNames[0];
  const outName = ad.output.name || session.outputNames[0];
  if (!session.inputNames.includes(inName))
    throw mismatch(`no input "${inName}" (inputs: ${session.inputNames.join(', ')})`);
  if (!session.outputNames.includes(outName))
    throw mismatch(`no output "${outName}" (outputs: ${session.outputNames.join(', ')})`);
  const { width: w, height: h, layout } = ad.input;
  const want = layout === 'nchw' ? [1, 3, h, w] : [1, h, w, 3];
  const meta = session.inputMetadata.find((m) => m.name === inName);
  if (meta && meta.isTensor) {
    if (meta.type !== 'float32') throw mismatch(`input "${inName}" is ${meta.type}; the onnx segmenter feeds float32`);
    if (meta.shape.length > 0) {
      const bad = meta.shape.length !== 4 || meta.shape.some((d, k) => typeof d === 'number' && d > 0 && d !== want[k]);
      if (bad)
        throw mismatch(
          `input "${inName}" has shape [${meta.shape.join(', ')}] but the adapter describes [${want.join(', ')}] (${layout})`,
        );
    }
  }
  const [m0, m1, m2] = ad.input.mean;
  const [s0, s1, s2] = ad.input.std;
  const mean = ad.input.colour === 'rgb' ? [m0, m1, m2] : [m2, m1, m0];
  const std = ad.input.colour === 'rgb' ? [s0, s1, s2] : [s2, s1, s0];

  return {
    info: { name: 'onnx', licence: cfg.licence ?? 'unknown', models: [`onnx: ${file}`] },
    async segment(frames: FrameBatch): Promise<MaskBatch> {
      const { width: W, height: H } = frames;
      const n = W * H;
      const out = new Uint8Array(frames.frames * n);
      for (let t = 0; t < frames.frames; t++) {
        const rgb = resizeBilinear(frames.data.subarray(t * n * 3, (t + 1) * n * 3), W, H, 3, w, h); // [h,w,3]
        const x = new Float32Array(3 * w * h);
        for (let i = 0; i < w * h; i++) {
          for (let c = 0; c < 3; c++) {
            const src = ad.input.colour === 'rgb' ? c : 2 - c;
            const v = (rgb[i * 3 + src] / ad.input.scale - mean[c]) / std[c];
            x[layout === 'nchw' ? c * w * h + i : i * 3 + c] = v;
          }
        }
        let res: ort.InferenceSession.ReturnType;
        try {
          res = await session.run({ [inName]: new ort.Tensor('float32', x, want) });
        } catch (e) {
          throw mismatch(`running it failed: ${(e as Error).message}`);
        }
        const y = res[outName];
        const dims = y.dims;
        if (dims.length !== 4 || dims[0] !== 1)
          throw mismatch(`output "${outName}" has shape [${dims.join(', ')}], expected a 4-D [1, …] tensor`);
        const [C, oh, ow] = ad.output.layout === 'nchw' ? [dims[1], dims[2], dims[3]] : [dims[3], dims[1], dims[2]];
        if (ad.output.personChannel >= C)
          throw mismatch(
            `person channel ${ad.output.personChannel} but output "${outName}" has ${C} channel(s) (shape [${dims.join(', ')}], ${ad.output.layout})`,
          );
        const data = y.data as Float32Array;
        const prob = new Float32Array(oh * ow);
        for (let i = 0; i < oh * ow; i++) {
          const at = (c: number): number => (ad.output.layout === 'nchw' ? data[c * oh * ow + i] : data[i * C + c]);
          const v = at(ad.output.personChannel);
          if (ad.output.activation === 'sigmoid') prob[i] = 1 / (1 + Math.exp(-v));
          else if (ad.output.activation === 'softmax') {
            let mx = -Infinity;
            for (let c = 0; c < C; c++) mx = Math.max(mx, at(c));
            let s = 0;
            for (let c = 0; c < C; c++) s += Math.exp(at(c) - mx);
            prob[i] = Math.exp(v - mx) / s;
          } else prob[i] = v;
        }
        const full = resizeBilinear(prob, ow, oh, 1, W, H);
        for (let i = 0; i < n; i++) out[t * n + i] = Math.round(Math.min(1, Math.max(0, full[i])) * 255);
      }
      return { data: out, frames: frames.frames, width: W, height: H };
    },
    reset(): void {},
    dispose(): void {
      void session.release();
    },
  };
}
