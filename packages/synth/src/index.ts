/**
 * @ppma/synth: procedural videos of virtual humans (with exact person masks and clean plates) and
 * the embedded PPMA mini-benchmark (docs/ARCHITECTURE.md §9).
 */
export { ACTIONS } from './actions.js';
export type { ActionDef, ActionParams, ActionTime, Facing } from './actions.js';
export { DIVE, DIVE_VARIANTS } from './dive.js';
export { DEFAULT_PROPORTIONS, poseToCapsules, restPose, segmentDirection } from './skeleton.js';
export type { BodyCapsule, LimbPose, Outfit, PartColour, Pose, Proportions, SegmentAngles, Vec3 } from './skeleton.js';
export type { CameraSpec, ClipSpec, PersonSpec, PostSpec, Style, View } from './clip-spec.js';
export type { GroundPattern, Rgb, SceneDesc, ShapeDesc, UpperPattern } from './background.js';
export { sceneColour } from './background.js';
export { AERIAL_SCENES, ALL_GROUND, SIDE_SCENES, makeScene, randomFlatScene } from './scenes.js';
export { ACTION_SCENES, pickSceneKind } from './scene-bias.js';
export { HAIR, SKIN, sampleClip } from './sample-clip.js';
export type { SampleClipOptions } from './sample-clip.js';
export { MASK_THRESHOLD, actionByName, frameCapsules, personPose, renderClip } from './render-clip.js';
export type { RenderedClip } from './render-clip.js';
export type { Capsule2D } from './figure-raster.js';
export {
  BENCHMARK_DATASETS,
  DOWNSTREAM_TASKS,
  PRESETS,
  PRETRAIN_REAL,
  PRETRAIN_SYNTHETIC,
  presetCounts,
} from './datasets.js';
export type { ClassSpec, DatasetKind, DatasetSpec, PresetSpec } from './datasets.js';
export { planClip, planSceneKind } from './plan.js';
export type { ClipGeometry, SynthSplit } from './plan.js';
export { generateBenchmark, slug } from './generate.js';
export { IDENTITY_TASK, labelIdentities, writeIdentityTask } from './identity-task.js';
export type { IdentityClip } from './identity-task.js';
export type {
  BenchmarkIndex,
  BenchmarkIndexEntry,
  BenchmarkPrivacyEntry,
  GenerateOptions,
  GenerateResult,
} from './generate.js';
export { IDENTITY_ATTRIBUTES, clipIdentity, hueSector, personIdentity } from './identity.js';
export type { IdentityAttribute, IdentityLabels } from './identity.js';
export {
  encodeMaskStrip,
  encodeRgbStrip,
  readSynthClean,
  readSynthMasks,
  synthCompanions,
  writeSynthClean,
  writeSynthMasks,
} from './companions.js';
export type { SynthMasks } from './companions.js';
export { renderContactSheet } from './preview.js';
export type { RenderContactSheetOptions } from './preview.js';
