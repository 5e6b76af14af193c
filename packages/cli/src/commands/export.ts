/** `ppma export`: a safetensors checkpoint of the video ViT to a standard ONNX model (issue 8). */
import type { CommandModule } from 'yargs';
import { z } from 'zod';
import { withFlags } from '../flags.js';
import type { FlagValues } from '../flags.js';
import { output, withCommon } from '../options.js';
import type { CommonOptions } from '../options.js';

/** The flags of `ppma export`, declared once (type, help text, default). */
export const EXPORT_FLAGS = {
  model: z.string().describe('Checkpoint (.safetensors) with PyTorch names; its metadata holds the config'),
  onnx: z.string().describe('Output ONNX file'),
  'allow-non-finite': z
    .boolean()
    .default(false)
    .describe('Export a checkpoint with NaN/Inf weights anyway (default: an error naming the tensor)'),
  'encoder-only': z.boolean().default(false).describe('Drop the heads: output only the pooled features'),
  tokens: z.boolean().default(false).describe('Also output the last block tokens [B, N, D]'),
  opset: z.number().default(17).describe('ONNX opset (17-21; LayerNormalization needs 17)'),
  batch: z.number().optional().describe('Fix the batch size (default: a dynamic batch dimension)'),
  prefix: z.string().optional().describe('Key prefix of the model inside the checkpoint (default: detected)'),
};

/** Flags of `ppma export`. */
export type ExportArgs = CommonOptions & FlagValues<typeof EXPORT_FLAGS>;

/** The `ppma export` command. */
export const exportCommand: CommandModule<object, ExportArgs> = {
  command: 'export',
  describe: 'Export a video ViT checkpoint to ONNX (for onnxruntime, TensorRT, ...)',
  builder: (y) =>
    withFlags(withCommon(y), EXPORT_FLAGS)
      .example(
        '$0 export --model runs/align/model.safetensors --onnx vit.onnx',
        'classifier with logits and pooled outputs',
      )
      .example('$0 export --model ft.safetensors --onnx enc.onnx --encoder-only', 'features only'),
  handler: async (argv) => {
    const { exportOnnxFromSafetensors } = await import('@ppma/vit');
    const { readSafetensorsHeader } = await import('@ppma/core');
    const { metadata } = await readSafetensorsHeader(argv.model);
    const keep = Object.fromEntries(Object.entries(metadata).filter(([k]) => ['labels', 'stage', 'data'].includes(k)));
    const t0 = Date.now();
    const res = await exportOnnxFromSafetensors(argv.model, argv.onnx, {
      opset: argv.opset,
      dynamicBatch: argv.batch === undefined,
      batch: argv.batch,
      encoderOnly: argv['encoder-only'],
      tokens: argv.tokens,
      prefix: argv.prefix,
      metadata: keep,
      allowNonFinite: argv['allow-non-finite'],
    });
    const seconds = (Date.now() - t0) / 1000;
    output(
      argv,
      { onnx: argv.onnx, outputs: res.outputs, bytes: res.bytes, opset: argv.opset, seconds },
      `wrote ${argv.onnx} (${(res.bytes / 2 ** 20).toFixed(1)} MiB, opset ${argv.opset}, outputs ${res.outputs.join(', ')}) in ${seconds.toFixed(1)} s`,
    );
  },
};
