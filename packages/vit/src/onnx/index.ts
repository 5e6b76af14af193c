/** ONNX export and onnxruntime-node inference of the video ViT (issue 8). */
export { parseVitConfigLike, resolveOnnxVitConfig } from './config.js';
export type { HeadSpec, ResolvedVitConfig, VitConfigLike } from './config.js';
export {
  ONNX_FORMAT,
  ONNX_META_CONFIG,
  ONNX_META_FORMAT,
  ONNX_META_OUTPUTS,
  buildOnnxModel,
  encodeOnnxModel,
  exportOnnx,
  exportOnnxFromSafetensors,
  irVersionForOpset,
  loadSafetensorsSource,
} from './export.js';
export type { OnnxExportOptions, OnnxExportSource, SafetensorsSourceOptions } from './export.js';
export type { OnnxAttention, StateTensor } from './vit-graph.js';
export { OnnxVideoEncoder, loadOnnx, readOnnxInfo } from './runtime.js';
export type { OnnxLoadOptions, OnnxModelInfo, OnnxOutput } from './runtime.js';
