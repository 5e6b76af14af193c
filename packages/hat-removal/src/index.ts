/**
 * @ppma/hat-removal: remove every person from real video (segment, refine, inpaint) and prove it
 * with an automatic privacy audit (docs/ARCHITECTURE.md §7).
 */
export type { FrameBatch, MaskBatch, DetectionBox } from './frames.js';
export { sliceFrames, sliceMasks, emptyMasks } from './frames.js';
export { MODEL_REGISTRY, getModel, modelPath, describeModel } from './registry.js';
export type { ModelEntry, ModelTask } from './registry.js';
export { humanModelsDir, readGraphModelArtifacts, loadGraphModelFromFile } from './model-files.js';
export { SEGMENTERS } from './segmenter.js';
export type { Segmenter, SegmenterInfo, SegmenterName } from './segmenter.js';
export { createSegmenter } from './create-segmenter.js';
export type { SegmenterConfigs } from './create-segmenter.js';
export type { RvmConfig } from './rvm-segmenter.js';
export type { SelfieCropsConfig } from './selfie-crops-segmenter.js';
export type { OnnxSegmenterConfig } from './onnx-segmenter.js';
export type { OracleConfig } from './oracle-segmenter.js';
export { parseOnnxAdapter, readOnnxAdapter } from './onnx-adapter.js';
export type { OnnxAdapter } from './onnx-adapter.js';
export { DETECTORS, createDetector } from './person-detector.js';
export { iou, nms, clampBox } from './boxes.js';
export { createWorkerSegmenter, createWorkerDetector } from './model-proxy.js';
export { defaultModelWorkers } from './run-models.js';
export type { DetectorName, DetectorConfig, PersonDetector } from './person-detector.js';
export { refineMasks, dilateCross, catchMissedPeople } from './mask-refine.js';
export type { RefineOptions, CatchOptions } from './mask-refine.js';
export { estimateShift, estimateCameraPath, fft } from './global-motion.js';
export type { Shift } from './global-motion.js';
export { membraneFill } from './spatial-fill.js';
export { inpaintWindow, BackgroundSampler } from './temporal-inpaint.js';
export type { InpaintOptions, InpaintStats } from './temporal-inpaint.js';
export { removeHumansFromVideo } from './remove-video.js';
export { emptyProfile, profileTable, PROFILE_PARTS } from './removal-profile.js';
export type { RemovalProfile } from './removal-profile.js';
export { frameSignature, signatureDistance, isCut } from './shot-detect.js';
export type { FrameSignature, ShotOptions } from './shot-detect.js';
export { trackedBoxes, fillUncoveredBoxes, touchesKnown } from './box-tracking.js';
export type { BoxTrackOptions, TrackFrame } from './box-tracking.js';
export type { RemoveVideoOptions, RemoveVideoResult, UnrecoverablePolicy } from './remove-video.js';
export { removeHumans } from './remove-humans.js';
export type { RemoveHumansOptions, RunSummary, RunFailure } from './remove-humans.js';
export { resolveRunInputs, parseShard, VIDEO_EXTENSIONS } from './dataset-inputs.js';
export type { RunEntry, RunInputs, ResolveInputsOptions } from './dataset-inputs.js';
export {
  auditRemoval,
  auditVideo,
  summarizeAudit,
  createAuditDetectors,
  defaultAuditDetectors,
} from './privacy-audit.js';
export type { AuditItem, AuditOptions, AuditReport, DetectorAudit, VideoAudit } from './privacy-audit.js';
export { maskedPsnr, maskedSsim } from './quality-metrics.js';
export { contactSheet, writeContactSheet } from './contact-sheet.js';
export type { ContactSheetOptions } from './contact-sheet.js';
export { resizeBilinear } from './resize.js';
