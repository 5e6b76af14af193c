/** `ppma export`: a safetensors checkpoint of the video ViT to a standard ONNX model (issue 8). */
import type { CommandModule } from 'yargs';
import { output, withCommon } from '../options.js';
import type { CommonOptions } from '../options.js';

/** Flags of `ppma export`. */
export interface ExportArgs extends CommonOptions {
  readonly model: string;
  readonly onnx: string;
  readonly 'encoder-only': boolean;
  readonly tokens: boolean;
  readonly opset: number;
  readonly batch: number | undefined;
  readonly prefix: string | undefined;
  readonly 'allow-non-finite': boolean;
}

/** The `ppma export` command. */
export const exportCommand: CommandModule<object, ExportArgs> = {
  command: 'export',
  describe: 'Export a video ViT checkpoint to ONNX (for onnxruntime, TensorRT, ...)',
  builder: (y) =>
    withCommon(y)
      .option('model', {
        type: 'string',
        demandOption: true,
        describe: 'Checkpoint (.safetensors) with PyTorch names; its metadata holds the config',
      })
      .option('onnx', { type: 'string', demandOption: true, describe: 'Output ONNX file' })
      .option('allow-non-finite', {
        type: 'boolean',
        default: false,
        describe: 'Export a checkpoint with NaN/Inf weights anyway (default: an error naming the tensor)',
      })
      .option('encoder-only', {
        type: 'boolean',
        default: false,
        describe: 'Drop the heads: output only the pooled features',
      })
      .option('tokens', { type: 'boolean', default: false, describe: 'Also output the last block tokens [B, N, D]' })
      .option('opset', { type: 'number', default: 17, describe: 'ONNX opset (17-21; LayerNormalization needs 17)' })
      .option('batch', { type: 'number', describe: 'Fix the batch size (default: a dynamic batch dimension)' })
      .option('prefix', {
        type: 'string',
        describe: 'Key prefix of the model inside the checkpoint (default: detected)',
      })
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
