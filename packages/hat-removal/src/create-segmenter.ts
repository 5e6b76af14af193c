/**
 * `createSegmenter(name, cfg)`: the one factory for every segmenter (CONVENTIONS.md), with the
 * config type following the name.
 */
import { match } from 'ts-pattern';
import { createOnnxSegmenter, type OnnxSegmenterConfig } from './onnx-segmenter.js';
import { createOracleSegmenter, type OracleConfig } from './oracle-segmenter.js';
import { createRvmSegmenter, type RvmConfig } from './rvm-segmenter.js';
import type { Segmenter, SegmenterName } from './segmenter.js';
import { createSelfieCropsSegmenter, type SelfieCropsConfig } from './selfie-crops-segmenter.js';

/** The config each segmenter takes. */
export interface SegmenterConfigs {
  rvm: RvmConfig;
  'selfie-crops': SelfieCropsConfig;
  onnx: OnnxSegmenterConfig;
  oracle: OracleConfig;
}

/** Builds a segmenter by name. */
export async function createSegmenter<N extends SegmenterName>(name: N, cfg: SegmenterConfigs[N]): Promise<Segmenter> {
  type Any = { [K in SegmenterName]: { name: K; cfg: SegmenterConfigs[K] } }[SegmenterName];
  const req = { name, cfg } as Any;
  return match(req)
    .with({ name: 'rvm' }, (r) => createRvmSegmenter(r.cfg))
    .with({ name: 'selfie-crops' }, (r) => createSelfieCropsSegmenter(r.cfg))
    .with({ name: 'onnx' }, (r) => createOnnxSegmenter(r.cfg))
    .with({ name: 'oracle' }, (r) => Promise.resolve(createOracleSegmenter(r.cfg)))
    .exhaustive();
}
