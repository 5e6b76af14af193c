/**
 * @ppma/core: compute backends, seeded RNG, safetensors I/O, optimizers, schedules and the
 * training loop shared by every PPMA-TS stage.
 */
export * from './errors.js';
export { Rng } from './rng.js';
export type { RngState } from './rng.js';
export { BACKENDS, initBackend, describeBackend, formatBackend, parseBackendName, registerBackendExtension } from './backend.js';
export type { BackendName, BackendInfo, BackendOptions, BackendExtension } from './backend.js';
export {
  SAFETENSORS_DTYPES,
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
} from './safetensors.js';
export { atomicWrite, atomicWriteSync } from './atomic-write.js';
