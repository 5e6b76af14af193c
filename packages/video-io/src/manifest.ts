/**
 * The typed dataset manifest every reader produces (docs/ARCHITECTURE.md §6 "Manifests"). Label ids are
 * 0-based and `labels[id]` is the label's name; the mapping is stored with the manifest.
 */

/** One video (or frame folder) of a dataset. */
export interface ManifestEntry {
  /** Absolute path of the video file or frame folder. */
  path: string;
  /** 0-based label id (index into {@link Manifest.labels}). */
  label: number;
  /** The label's name (`labels[label]`). */
  labelName: string;
  /** Frame count given by the annotation (rawframes lists), when there is one. */
  numFrames?: number;
}

/** A dataset split: its entries and the label map (`labels[id] = name`). */
export interface Manifest {
  entries: ManifestEntry[];
  labels: string[];
}
