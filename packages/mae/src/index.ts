/**
 * @ppma/mae: stage 1 of PPMA, masked-autoencoder pre-training of the video ViT (docs/ARCHITECTURE.md §4, §5).
 */
export { VideoMAE, MAE_FORMAT } from './video-mae.js';
export type { MaeOutput, MaeForwardOptions, MaeLoadOptions } from './video-mae.js';
export { resolveMaeConfig, encoderConfig } from './mae-config.js';
export type { MaeConfig, MaeConfigInput } from './mae-config.js';
export { normPixelTarget, reconstructionLoss } from './norm-pixel-loss.js';
export { maskIndices } from './mask-indices.js';
export type { MaskIndices } from './mask-indices.js';
export { drawMask, drawMaskBatch, maskTensor } from './masking/masking.js';
export type { MaskingSpec, DecoderMaskingSpec, TokenMaskBatch } from './masking/masking.js';
export { randomMask } from './masking/random-masking.js';
export { tubeMask } from './masking/tube-masking.js';
export { runningCellPattern, runningCellDecoderMask } from './masking/running-cell-masking.js';
export { tokenGrid } from './masking/mask-geometry.js';
export type { TokenGrid } from './masking/mask-geometry.js';
export { encoderToVit } from './encoder-to-vit.js';
export { pretrainMae } from './pretrain.js';
export type { PretrainMaeOptions, PretrainMaeResult, MaeData } from './pretrain.js';
export { maePreset, MAE_PRESETS } from './presets.js';
export type { MaePreset, MaePresetName } from './presets.js';
export { reconstructClip, writePreviewPng } from './reconstruction-preview.js';
export type { PreviewClip } from './reconstruction-preview.js';
export { writeMaePreview } from './preview-step.js';
