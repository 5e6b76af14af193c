/**
 * @ppma/align: stage 2 of PPMA (docs/ARCHITECTURE.md §5 "Stage 2"): multi-dataset supervised alignment of a
 * shared video ViT encoder with one linear head per dataset; with one dataset, fine-tuning.
 */
export { alignModel } from './align-model.js';
export type { AlignOptions, AlignResult, AlignDatasetReport } from './align-model.js';
export { ALIGN_PRESETS, resolveRecipe } from './align-options.js';
export type {
  AlignDataset,
  AlignInit,
  AlignPreset,
  AlignRecipe,
  AugmentOptions,
  RecipeOverrides,
} from './align-options.js';
export { batchesPerEpoch, epochSchedule } from './batch-schedule.js';
export type { ScheduledBatch } from './batch-schedule.js';
export { trainView, evalViews, mixBatch } from './augment.js';
export type { FrameSize, TrainBatch } from './augment.js';
export { evaluateTop1 } from './evaluate.js';
export type { EvalOptions, EvalResult } from './evaluate.js';
export { initModel, checkpointArchitecture, describeInit } from './init-model.js';
export { layerDecayScale } from './layer-decay.js';
