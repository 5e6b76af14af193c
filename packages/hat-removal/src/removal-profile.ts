/**
 * Where a video's removal spends its time (docs/ARCHITECTURE.md §7, §8): seconds per part, summed over the
 * video, and the table the bench prints from them.
 */

/** Seconds spent in each part of one video's removal. */
export interface RemovalProfile {
  /** Waiting for ffmpeg's decoded frames (the next chunk decodes while this one is processed). */
  decode: number;
  /**
   * The segmenter's compute time, including its warm-up. With the models in worker threads this
   * overlaps the rest of the loop (see `wait`).
   */
  segment: number;
  /** The segmenter's warm-up alone (rvm's backward pass over the first frames of each shot). */
  warmup: number;
  /** The missed-person catch detector's compute time (overlapping the loop when in a worker thread). */
  detect: number;
  /** Time the main loop waited for the segmenter's masks and the catch's boxes. */
  wait: number;
  /** Mask refinement: thresholds, temporal smoothing, the catch's clean plate, dilation. */
  refine: number;
  /** Shot detection and camera motion (phase correlation). */
  motion: number;
  /** Temporal fill: the median of the same scene point in other frames of the shot. */
  temporal: number;
  /** Spatial fill of pixels no frame shows. */
  spatial: number;
  /** Seam blending (the lighting offset membrane). */
  blend: number;
  /** Time the encoder kept the pipeline waiting (writing into ffmpeg). */
  encode: number;
  /** Wall time of the whole video. */
  total: number;
}

/** The parts of {@link RemovalProfile}, in pipeline order. */
export const PROFILE_PARTS = [
  'decode',
  'segment',
  'warmup',
  'detect',
  'wait',
  'refine',
  'motion',
  'temporal',
  'spatial',
  'blend',
  'encode',
] as const;

/** An all-zero profile. */
export function emptyProfile(): RemovalProfile {
  return {
    decode: 0,
    segment: 0,
    warmup: 0,
    detect: 0,
    wait: 0,
    refine: 0,
    motion: 0,
    temporal: 0,
    spatial: 0,
    blend: 0,
    encode: 0,
    total: 0,
  };
}

/**
 * The parts that add up to the wall time: the segmenter and the catch detector compute ahead of
 * the loop (in worker threads, or between its awaits), so the loop's share of them is `wait`.
 */
const ON_LOOP = PROFILE_PARTS.filter((k) => k !== 'segment' && k !== 'warmup' && k !== 'detect');

/**
 * Milliseconds per frame of each part, as a Markdown table (`warmup` is part of `segment`;
 * `segment` and `detect` are compute times that overlap the loop, `wait` is the loop waiting for them).
 */
export function profileTable(rows: readonly { label: string; frames: number; profile: RemovalProfile }[]): string {
  const head = ['run', 'frames', ...PROFILE_PARTS, 'other', 'total', 'frames/s'];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  for (const r of rows) {
    const p = r.profile;
    const ms = (s: number): string => ((1000 * s) / Math.max(1, r.frames)).toFixed(1);
    const counted = ON_LOOP.reduce((s, k) => s + p[k], 0);
    const other = Math.max(0, p.total - counted);
    lines.push(
      `| ${[r.label, r.frames, ...PROFILE_PARTS.map((k) => ms(p[k])), ms(other), ms(p.total), (r.frames / p.total).toFixed(2)].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}
