/**
 * The typed functions behind `ppma data list` and `ppma data validate`.
 */
import type { Manifest } from './manifest.js';
import { readManifest } from './manifest-formats.js';
import type { ReadManifestOptions } from './manifest-formats.js';
import { validateManifest, validatePaths } from './validate.js';
import type { ValidateOptions, ValidationReport } from './validate.js';

/** `ppma data list --json` output: `{"entries":[{"path","label","labelName"}],"labels":[...]}`. */
export interface DatasetListing {
  entries: { path: string; label: number; labelName: string }[];
  labels: string[];
}

/** Reads a dataset split and returns exactly the listing shape (absolute paths, 0-based ids). */
export async function listDataset(opts: ReadManifestOptions): Promise<DatasetListing> {
  const m: Manifest = await readManifest(opts);
  return {
    entries: m.entries.map((e) => ({ path: e.path, label: e.label, labelName: e.labelName })),
    labels: [...m.labels],
  };
}

/** What to validate: a dataset split, or single video files / frame folders. */
export type ValidateDatasetOptions = (ReadManifestOptions | { paths: string[] }) & ValidateOptions;

/** Probes every entry (or path); `ok` counts the usable ones and `problems` lists the rest. */
export async function validateDataset(opts: ValidateDatasetOptions): Promise<ValidationReport> {
  if ('paths' in opts) return validatePaths(opts.paths, opts);
  return validateManifest(await readManifest(opts), opts);
}
