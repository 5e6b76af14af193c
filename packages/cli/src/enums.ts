/**
 * The value sets of `ppma`'s flags and of `ppma.config.json`, each written once as a zod enum: the
 * pipeline schema (`pipeline/config.ts`) and the yargs `choices` of the commands (`flags.ts`) both
 * use these. They repeat, on purpose, lists that the packages own (`MAE_PRESETS` of @ppma/mae,
 * `SEGMENTERS` and `DETECTORS` of @ppma/hat-removal, `MANIFEST_FORMATS` of @ppma/video-io), because
 * the commands must not load those packages before a handler runs (`ppma --help` stays fast);
 * `test/flags.test.ts` checks that each copy equals its package's list.
 */
import { z } from 'zod';

/**
 * Benchmark runs at once (FT/LP runs and learned-beta FT runs), each in its own worker process on a
 * one-thread backend; the results do not depend on it.
 */
export const BENCH_JOBS = z
  .number()
  .int()
  .positive()
  .describe(
    "FT/LP runs at once, each in a worker process on one thread (default 1; the pipeline's tiny preset: 2 on 2+ cores)",
  );

/** Scale presets of the MAE recipe (@ppma/mae), the bench protocol (@ppma/bench) and the pipeline. */
export const SCALE_PRESETS = z.enum(['tiny', 'small', 'paper']);
/** Presets of the embedded benchmark (@ppma/synth). */
export const SYNTH_PRESETS = SCALE_PRESETS.extract(['tiny', 'small']);
/** Alignment recipes (@ppma/align). */
export const ALIGN_PRESETS = z.enum(['cpu', 'paper', 'plain']);
/** Encoder masking of MAE pre-training. */
export const MASKING_MODES = z.enum(['random', 'tube']);
/** Decoder masking of MAE pre-training (VideoMAE V2 dual masking or none). */
export const DECODER_MASKING_MODES = z.enum(['none', 'running-cell']);
/** Downstream protocols: fine-tuning and linear probe. */
export const BENCH_MODES = z.enum(['ft', 'lp']);
/** `ppma bench --mode`: one protocol or both. */
export const BENCH_MODE_CHOICES = z.enum([...BENCH_MODES.options, 'both']);
/** Feature engines of the benchmark. */
export const ENGINES = z.enum(['auto', 'tfjs', 'onnx']);
/** Person segmenters of human removal (@ppma/hat-removal `SEGMENTERS`). */
export const SEGMENTERS = z.enum(['rvm', 'selfie-crops', 'onnx', 'oracle']);
/** Segmenters the pipeline can run on its own (no ONNX model file to give). */
export const PIPELINE_SEGMENTERS = SEGMENTERS.extract(['oracle', 'rvm', 'selfie-crops']);
/** Person detectors (@ppma/hat-removal `DETECTORS`): the missed-person catch and the audit. */
export const DETECTORS = z.enum(['centernet', 'nanodet', 'movenet-multipose']);
/** `--catch`: a detector, or none. */
export const CATCH_DETECTORS = z.enum([...DETECTORS.options, 'none']);
/** Manifest formats (@ppma/video-io `MANIFEST_FORMATS`), as `ppma data list --format`. */
export const MANIFEST_FORMATS = z.enum([
  'ppma-csv',
  'videomae',
  'rawframes',
  'ucf101',
  'hmdb51',
  'ssv2',
  'kinetics',
  'diving48',
  'folders',
]);
/** Dataset splits. */
export const SPLITS = z.enum(['train', 'val', 'test']);
/** UCF101 / HMDB51 official split numbers. */
export const FOLDS = z.literal([1, 2, 3]);
/** Evaluation crops per clip (1 centre crop, or 3 along the long side as in the paper). */
export const EVAL_CROPS = z.literal([1, 3]);
