/**
 * The one shape of a per-video prediction (docs/ARCHITECTURE.md §5 "Downstream", §12): the validation
 * video, its true label, and the five most probable classes after averaging over the views.
 */

/** One validation video's prediction. */
export interface ClipPrediction {
  /** The validation video's path. */
  readonly clip: string;
  readonly label: number;
  /** `[[class, probability], ...]`, best first. */
  readonly top5: readonly (readonly [number, number])[];
}
