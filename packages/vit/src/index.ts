/**
 * @ppma/vit: the PyTorch-exact video ViT of PPMA (docs/ARCHITECTURE.md §4): model, presets, checkpoints,
 * and the layers the MAE reuses.
 */
export { VideoViT, VIT_FORMAT } from './video-vit.js';
export type { VitOutput, ForwardOptions, LoadOptions } from './video-vit.js';
export { checkpointMetadata } from './checkpoint/save-metadata.js';
export type { SaveOptions } from './checkpoint/save-metadata.js';
export { resolveVitConfig, headList, headPrefix } from './config.js';
export type { VitConfig, VitConfigInput } from './config.js';
export { registerVariant, listVariants, variantConfig, createModel } from './variants.js';
export { crossEntropy } from './loss.js';
export { ParamStore } from './param-store.js';
export { TorchParameters } from './torch-parameters.js';
export type { TorchTensor, ParamLayout } from './param-store.js';
export { detectSource, toClassifierKeys, toMaeKeys, unwrapKeys, WRAPPER_PREFIXES } from './checkpoint-keys.js';
export type { CheckpointSource } from './checkpoint-keys.js';
export { resolveAttentionMode } from './attention-mode.js';
export { checkClip, normalisePixels } from './clip.js';
export { matMul2d, matMulConstLeft, denseConstLeft, linear, columnSum } from './layers/matmul-2d.js';
export { untaped, reshape, residualAdd, addConstant, sliceRows, concatRows } from './layers/tape-ops.js';
export { layerNorm } from './layers/layer-norm.js';
export { gelu } from './layers/gelu.js';
export { attention } from './layers/attention.js';
export type { AttentionMode, AttentionWeights } from './layers/attention.js';
export { addBlockParams, block } from './layers/block.js';
export type { BlockContext } from './layers/block.js';
export { dropPath } from './layers/drop-path.js';
export { sinusoidTable, tableRows } from './layers/sinusoid-table.js';
export {
  addPatchEmbedParams,
  patchify,
  patchSize,
  tokenCount,
  patchKernelFromTorch,
  patchKernelToTorch,
} from './layers/patch-embed-3d.js';
export type { PatchGeometry } from './layers/patch-embed-3d.js';
export { vitFlops } from './flops.js';
export type { FlopCount } from './flops.js';
export * from './onnx/index.js';
export * from './pth/index.js';
export { asGradFunc } from './layers/custom-grad.js';
export {
  ARCHITECTURE_KEYS,
  TRUNK_CONFIG_KEYS,
  REQUIRED_CONFIG_KEYS,
  CONFIG_LIMITS,
  metadataConfig,
  trunkConfigOf,
  checkConfigLimits,
  configFromMetadata,
} from './checkpoint/model-config.js';
export { isHeadKey, isRequiredTrunkKey, layerId, layerGroupNames } from './checkpoint/param-groups.js';
export {
  readCheckpointHeader,
  checkTensorsFit,
  readClassifierWeights,
  requireTrunk,
} from './checkpoint/read-checkpoint.js';
export type {
  CheckpointHeader,
  TrunkGeometry,
  ReadWeightsOptions,
  ClassifierWeights,
} from './checkpoint/read-checkpoint.js';
export { loadWithFreshHeads } from './checkpoint/load-vit.js';
export type { FreshHeadsOptions } from './checkpoint/load-vit.js';
