/**
 * Typed errors shared by every PPMA-TS package.
 *
 * Each error has a stable `code` (`PPMA_…`), a message that names the file or key at fault, and an
 * optional `cause`. Library code throws these; only `@ppma/cli` turns them into exit codes.
 */

/** Every error code PPMA-TS packages throw. */
export type PpmaErrorCode =
  | 'PPMA_BACKEND_UNAVAILABLE'
  | 'PPMA_SAFETENSORS_FORMAT'
  | 'PPMA_CHECKPOINT'
  | 'PPMA_NONFINITE_LOSS'
  | 'PPMA_CONFIG'
  | 'PPMA_VIDEO_INPUT'
  | 'PPMA_MANIFEST'
  | 'PPMA_MODEL'
  | 'PPMA_PLUGIN'
  | 'PPMA_IO'
  | 'PPMA_INTERRUPTED'
  | 'PPMA_NOT_A_RUN_FOLDER'
  | 'PPMA_LOCKED'
  | 'PPMA_RESUME_MISMATCH';

/** Base class of all PPMA-TS errors. */
export class PpmaError extends Error {
  /** Stable machine-readable code. */
  readonly code: PpmaErrorCode;
  /** The file (or directory) the error is about, when there is one. */
  readonly file: string | undefined;

  constructor(code: PpmaErrorCode, message: string, options: { cause?: unknown; file?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.file = options.file;
  }
}

/** A compute backend was requested that is not installed or failed to initialise. */
export class BackendUnavailableError extends PpmaError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('PPMA_BACKEND_UNAVAILABLE', message, options);
  }
}

/** A safetensors file is malformed (bad header, offsets out of range, unknown dtype, …). */
export class SafetensorsFormatError extends PpmaError {
  constructor(file: string, problem: string, options: { cause?: unknown } = {}) {
    super('PPMA_SAFETENSORS_FORMAT', `${file}: ${problem}`, { ...options, file });
  }
}

/** A checkpoint does not fit the model or run it is loaded into. */
export class CheckpointError extends PpmaError {
  constructor(file: string, problem: string, options: { cause?: unknown } = {}) {
    super('PPMA_CHECKPOINT', `${file}: ${problem}`, { ...options, file });
  }
}

/** Training produced a NaN or infinite loss. */
export class NonFiniteLossError extends PpmaError {
  /** The step at which the loss stopped being finite. */
  readonly step: number;
  constructor(step: number, loss: number, hint = '') {
    super('PPMA_NONFINITE_LOSS', `loss is ${loss} at step ${step}${hint ? `; ${hint}` : ''}`);
    this.step = step;
  }
}

/** A configuration value is missing, unknown or of the wrong type. */
export class ConfigError extends PpmaError {
  /** Dotted path of the offending key, e.g. `pretrain.epochs`. */
  readonly key: string;
  constructor(key: string, problem: string, options: { cause?: unknown; file?: string } = {}) {
    super('PPMA_CONFIG', `${options.file ? `${options.file}: ` : ''}${key}: ${problem}`, options);
    this.key = key;
  }
}

/** Why a video input could not be used. */
export type VideoProblem =
  | 'missing'
  | 'empty'
  | 'not-a-video'
  | 'audio-only'
  | 'truncated'
  | 'unreadable-frames'
  | 'too-short'
  | 'decoder-failed';

/** A video (or folder of frames) is missing, empty, truncated, unreadable or too short. */
export class VideoInputError extends PpmaError {
  /** The kind of problem. */
  readonly problem: VideoProblem;
  constructor(file: string, problem: VideoProblem, detail: string, options: { cause?: unknown } = {}) {
    super('PPMA_VIDEO_INPUT', `${file}: ${problem}: ${detail}`, { ...options, file });
    this.problem = problem;
  }
}

/** A dataset manifest or annotation file could not be parsed. */
export class ManifestError extends PpmaError {
  constructor(file: string, problem: string, options: { cause?: unknown } = {}) {
    super('PPMA_MANIFEST', `${file}: ${problem}`, { ...options, file });
  }
}

/** A model file or model configuration is invalid or missing. */
export class ModelError extends PpmaError {
  constructor(message: string, options: { cause?: unknown; file?: string } = {}) {
    super('PPMA_MODEL', message, options);
  }
}

/** A plugin could not be loaded or is malformed. */
export class PluginError extends PpmaError {
  /** The plugin name or path as the user gave it. */
  readonly plugin: string;
  constructor(plugin: string, problem: string, options: { cause?: unknown } = {}) {
    super('PPMA_PLUGIN', `plugin ${plugin}: ${problem}`, options);
    this.plugin = plugin;
  }
}

/** A file-system operation failed. */
export class IoError extends PpmaError {
  constructor(file: string, problem: string, options: { cause?: unknown } = {}) {
    super('PPMA_IO', `${file}: ${problem}`, { ...options, file });
  }
}

/** A long run was stopped by SIGINT/SIGTERM after saving its state; rerun with `--resume`. */
export class InterruptedError extends PpmaError {
  constructor(message: string) {
    super('PPMA_INTERRUPTED', message);
  }
}

/** A destructive operation was refused because the folder was not created by PPMA-TS (it has no run marker). */
export class NotARunFolderError extends PpmaError {
  constructor(dir: string, problem: string) {
    super('PPMA_NOT_A_RUN_FOLDER', `${dir}: ${problem}`, { file: dir });
  }
}

/** Another live process holds the exclusive lock on an output folder. */
export class FolderLockedError extends PpmaError {
  /** The other process's id, when the lock file could be read. */
  readonly pid: number | undefined;
  constructor(dir: string, problem: string, pid?: number) {
    super('PPMA_LOCKED', `${dir}: ${problem}`, { file: dir });
    this.pid = pid;
  }
}

/** A run was resumed with settings that differ from those stored in its checkpoint. */
export class ResumeMismatchError extends PpmaError {
  /** The setting names whose values differ. */
  readonly keys: readonly string[];
  constructor(file: string, keys: readonly string[], detail: string) {
    super('PPMA_RESUME_MISMATCH', `${file}: ${detail}`, { file });
    this.keys = keys;
  }
}

/** True when `e` is a PPMA-TS error (of any code). */
export function isPpmaError(e: unknown): e is PpmaError {
  return e instanceof PpmaError;
}
