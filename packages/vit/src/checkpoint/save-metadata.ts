/**
 * The metadata a model checkpoint is written with (docs/ARCHITECTURE.md §4, "`__metadata__` holds
 * the model config, the training stage and …"): one home for the ViT's and the MAE's `save`.
 */
import { definedOnly } from '@ppma/core';

/** Options of a model's `save`. */
export interface SaveOptions {
  /** Training stage, e.g. `align`, `finetune`. */
  readonly stage?: string;
  /** The data the weights saw (free-form, stored as JSON). */
  readonly data?: unknown;
  /** Extra metadata entries. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * `format`, the config as JSON, the stage (`options.stage`, else `defaultStage`), the data as JSON
 * when given, then `options.metadata` (whose entries win).
 */
export function checkpointMetadata(
  format: string,
  config: object,
  defaultStage: string,
  options: SaveOptions,
): Record<string, string> {
  return {
    format,
    config: JSON.stringify(config),
    stage: options.stage ?? defaultStage,
    ...definedOnly({ data: options.data === undefined ? undefined : JSON.stringify(options.data) }),
    ...options.metadata,
  };
}
