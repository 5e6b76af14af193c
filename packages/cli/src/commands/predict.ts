/**
 * `ppma predict`: classify videos with an exported ONNX model (or a checkpoint, exported in memory)
 * on onnxruntime-node. Multi-view testing as in the paper's evaluation (docs/ARCHITECTURE.md §5 "Downstream"):
 * `clips` uniform temporal windows x `crops` spatial crops, softmax averaged over the views, then the
 * top-k classes with their probabilities.
 */
import type { CommandModule } from 'yargs';
import { z } from 'zod';
import { withFlags, withPositionals } from '../flags.js';
import type { FlagValues } from '../flags.js';
import type { Box, Clip } from '@ppma/video-io';
import type { OnnxVideoEncoder } from '@ppma/vit';
import { output, withCommon } from '../options.js';
import type { CommonOptions } from '../options.js';

/** The positional arguments of `ppma predict`. */
export const PREDICT_POSITIONALS = {
  videos: z.array(z.string()).describe('Video files or frame folders'),
};

/** The flags of `ppma predict`, declared once (type, help text, default). */
export const PREDICT_FLAGS = {
  model: z.string().describe('ONNX model from `ppma export`, or a .safetensors checkpoint'),
  topk: z.number().default(5).describe('Classes to print per video'),
  labels: z.string().optional().describe('Labels file, one class name per line in id order'),
  head: z.string().optional().describe('Head of a multi-dataset model (default: the first)'),
  clips: z.number().default(2).describe('Uniform temporal windows per video'),
  crops: z.number().default(3).describe('Spatial crops per window'),
  stride: z.number().default(2).describe('Frame stride inside a window'),
  'allow-non-finite': z
    .boolean()
    .default(false)
    .describe('Load a checkpoint with NaN/Inf weights anyway (default: an error naming the tensor)'),
};

/** Flags of `ppma predict`. */
export type PredictArgs = CommonOptions & FlagValues<typeof PREDICT_POSITIONALS> & FlagValues<typeof PREDICT_FLAGS>;

/** One video's result. */
export interface Prediction {
  readonly video: string;
  readonly views: number;
  readonly top: { readonly class: number; readonly label: string; readonly prob: number }[];
}

/** `count` boxes of `h`x`w` spread along the axis with slack (centre first when one). */
function cropBoxes(clip: Pick<Clip, 'width' | 'height'>, w: number, h: number, count: number): Box[] {
  const sx = clip.width - w;
  const sy = clip.height - h;
  const at = (k: number): number => (count === 1 ? 0.5 : k / (count - 1));
  return Array.from({ length: count }, (_, k) =>
    sx >= sy
      ? { x: Math.round(sx * at(k)), y: Math.floor(sy / 2), width: w, height: h }
      : { x: Math.floor(sx / 2), y: Math.round(sy * at(k)), width: w, height: h },
  );
}

function softmax(row: Float32Array): Float64Array {
  const m = Math.max(...row);
  const e = Float64Array.from(row, (v) => Math.exp(v - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

/** Decodes the views of one video as `[V, T, H, W, 3]` pixels in [0, 1]. */
async function videoViews(
  file: string,
  model: OnnxVideoEncoder,
  a: PredictArgs,
): Promise<{ data: Float32Array; views: number }> {
  const io = await import('@ppma/video-io');
  const { frames, height, width } = model.config;
  const clips = await io.sampleEvalClips(file, {
    frames,
    stride: a.stride,
    numClips: a.clips,
    shortSide: Math.max(height, width),
  });
  const views: Clip[] = clips.flatMap((c) => cropBoxes(c, width, height, a.crops).map((b) => io.cropClip(c, b)));
  const per = frames * height * width * 3;
  const data = new Float32Array(views.length * per);
  views.forEach((v, i) => io.clipToFloat32(v.data, 'none', data.subarray(i * per, (i + 1) * per)));
  return { data, views: views.length };
}

async function openModel(
  file: string,
  threads: number | undefined,
  allowNonFinite: boolean,
): Promise<OnnxVideoEncoder> {
  const vit = await import('@ppma/vit');
  if (file.endsWith('.onnx')) return vit.loadOnnx(file, { threads });
  const { metadata } = await (await import('@ppma/core')).readSafetensorsHeader(file);
  const bytes = vit.encodeOnnxModel(await vit.loadSafetensorsSource(file, { allowNonFinite }), {
    metadata: metadata.labels ? { labels: metadata.labels } : {},
  });
  return vit.OnnxVideoEncoder.fromBytes(bytes, file, { threads });
}

async function labelNames(a: PredictArgs, model: OnnxVideoEncoder): Promise<string[] | undefined> {
  if (a.labels) return (await import('@ppma/video-io')).readLabelsFile(a.labels);
  const stored = model.info.metadata.labels;
  if (!stored) return undefined;
  try {
    const parsed = JSON.parse(stored) as unknown;
    if (Array.isArray(parsed)) return parsed.map(String);
    if (parsed && typeof parsed === 'object' && a.head && Array.isArray((parsed as Record<string, unknown>)[a.head])) {
      return (parsed as Record<string, unknown[]>)[a.head].map(String);
    }
  } catch {
    return stored.split('\n');
  }
  return undefined;
}

/** The `ppma predict` command. */
export const predictCommand: CommandModule<object, PredictArgs> = {
  command: 'predict <videos..>',
  describe: 'Classify videos with an exported ONNX model or a checkpoint (onnxruntime-node)',
  builder: (y) =>
    withFlags(withPositionals(withCommon(y), PREDICT_POSITIONALS), PREDICT_FLAGS).example(
      '$0 predict --model vit.onnx a.mp4 b.mp4 --labels classes.txt',
      'top-5 classes, 2 clips x 3 crops',
    ),
  handler: async (argv) => {
    const { ModelError, createProgress } = await import('@ppma/core');
    const model = await openModel(argv.model, argv.threads, argv['allow-non-finite']);
    try {
      const logitNames = model.outputNames.filter((n) => n === 'logits' || n.startsWith('logits.'));
      if (logitNames.length === 0)
        throw new ModelError(`${argv.model}: the model has no classification head (exported with --encoder-only?)`, {
          file: argv.model,
        });
      const out = argv.head === undefined ? logitNames[0] : `logits.${argv.head}`;
      if (!logitNames.includes(out))
        throw new ModelError(`${argv.model}: no head "${argv.head}"; the model has ${logitNames.join(', ')}`, {
          file: argv.model,
        });
      const labels = await labelNames(argv, model);
      process.stderr.write(
        `ppma: inference onnxruntime-node (cpu, ${argv.threads ?? 'all'} threads), ${argv.clips} clips x ${argv.crops} crops per video\n`,
      );
      const progress = createProgress({ label: 'predict', total: argv.videos.length, unit: 'video' });
      const results: Prediction[] = [];
      const failures: { video: string; error: string }[] = [];
      for (const video of argv.videos) {
        try {
          const { data, views } = await videoViews(video, model, argv);
          const logits = (await model.run(data, { outputs: [out] }))[out];
          const classes = logits.shape[1];
          const mean = new Float64Array(classes);
          for (let v = 0; v < views; v++)
            softmax(logits.data.subarray(v * classes, (v + 1) * classes)).forEach((p, c) => (mean[c] += p / views));
          const order = [...mean.keys()].sort((i, j) => mean[j] - mean[i]).slice(0, argv.topk);
          results.push({
            video,
            views,
            top: order.map((c) => ({ class: c, label: labels?.[c] ?? String(c), prob: mean[c] })),
          });
        } catch (e) {
          failures.push({ video, error: e instanceof Error ? e.message.split('\n')[0] : String(e) });
        }
        progress.tick();
      }
      progress.stop();
      const human = [
        ...results.flatMap((r) => [
          r.video,
          ...r.top.map((t, i) => `  ${i + 1}. ${t.label.padEnd(24)} ${t.prob.toFixed(4)}`),
        ]),
        ...failures.map((f) => `${f.video}: FAILED ${f.error}`),
      ].join('\n');
      output(argv, { model: argv.model, head: out, predictions: results, failures }, human);
      if (failures.length) process.exitCode = 1;
    } finally {
      await model.dispose();
    }
  },
};
