/**
 * @ppma/core: compute backends, seeded RNG, safetensors I/O, optimizers, schedules and the
 * training loop shared by every PPMA-TS stage.
 */
export * from './errors.js';
export { Rng } from './rng.js';
export { definedOnly } from './defined.js';
export type { DefinedOnly } from './defined.js';
export { IMAGENET_MEAN, IMAGENET_STD } from './imagenet.js';
export type { RngState } from './rng.js';
export {
  BACKENDS,
  CONVOLUTION_BACKENDS,
  initBackend,
  describeBackend,
  formatBackend,
  parseBackendName,
  registerBackendExtension,
} from './backend.js';
export type { BackendName, BackendInfo, BackendOptions, BackendExtension } from './backend.js';
export { FUSED_KERNELS, fusedKernel } from './fused-kernels.js';
export type { FusedKernelName } from './fused-kernels.js';
export {
  SAFETENSORS_DTYPES,
  FLOAT_DTYPES,
  MAX_HEADER_BYTES,
  readSafetensors,
  readSafetensorsHeader,
  parseSafetensors,
  serializeSafetensors,
  writeSafetensors,
  toFloat32,
  float16ToFloat32,
  float32ToFloat16,
  bfloat16ToFloat32,
  float32ToBfloat16,
} from './safetensors.js';
export type {
  SafetensorsDtype,
  SafetensorsData,
  SafeTensor,
  SafeTensorInput,
  SafetensorsFile,
  SafetensorsHeader,
  SafetensorsHeaderEntry,
  ReadSafetensorsOptions,
  TensorChecks,
} from './safetensors.js';
export { duplicateJsonKeys, formatJsonKey } from './json-strict.js';
export type { DuplicateJsonKey } from './json-strict.js';
export { atomicWrite, atomicWriteSync, publishFile } from './atomic-write.js';
export {
  RUN_MARKER,
  isRunFolder,
  ensureRunFolder,
  removeRunFolder,
  resetRunFolder,
  cleanTmpLeftovers,
  tmpWriterPid,
} from './run-folder.js';
export type { RunFolderOptions, RunFolderState } from './run-folder.js';
export { LOCK_FILE, acquireFolderLock, holdsFolderLock, readLockOwner, releaseAllLocks, pidAlive } from './run-lock.js';
export type { FolderLock, LockOwner, LockOptions } from './run-lock.js';
export { createProgress, formatDuration } from './progress.js';
export type { Progress, ProgressOptions } from './progress.js';
export { defaultDecayFilter } from './optim/optimizer.js';
export type { Optimizer, OptimizerState, NamedVariables, NamedGrads, LrScale } from './optim/optimizer.js';
export { AdamW } from './optim/adamw.js';
export type { AdamWOptions } from './optim/adamw.js';
export { Sgd } from './optim/sgd.js';
export type { SgdOptions } from './optim/sgd.js';
export { clipGradNorm } from './optim/clip-grad-norm.js';
export { cosineSchedule, constantSchedule } from './optim/schedule.js';
export type { LrSchedule, CosineScheduleOptions } from './optim/schedule.js';
export { runTraining } from './train/loop.js';
export type { TrainingOptions, TrainingResult, StepContext, StepPlan } from './train/loop.js';
export type { RunSettings, SettingValue } from './train/run-settings.js';
export { saveTrainCheckpoint, loadTrainCheckpoint } from './train/checkpoint.js';
export type { TrainState } from './train/checkpoint.js';
export { MetricsLog } from './train/metrics-log.js';
export type { MetricsRecord } from './train/metrics-log.js';
