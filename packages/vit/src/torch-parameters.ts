/**
 * What every model of ours that holds its weights in a {@link ParamStore} offers: its parameters
 * in PyTorch names and layouts (the state dict), loading one, and the trainable variables in our
 * layouts (docs/ARCHITECTURE.md §4, "Checkpoints"). `VideoViT` and `VideoMAE` extend it.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { writeSafetensors } from '@ppma/core';
import { checkpointMetadata, type SaveOptions } from './checkpoint/save-metadata.js';
import { ParamStore, type TorchTensor } from './param-store.js';

/** A model whose parameters live in one {@link ParamStore}, in PyTorch names. */
export abstract class TorchParameters {
  /** The parameters, by PyTorch name. */
  protected readonly store = new ParamStore();

  /** Every parameter in PyTorch names and layouts (exactly what `save` writes). */
  stateDict(): Map<string, TorchTensor> {
    return this.store.stateDict();
  }

  /**
   * Assigns parameters from PyTorch-layout tensors (`prefix + name`). With `strict` (default),
   * missing or unexpected keys are an error; otherwise the missing names are returned.
   */
  loadStateDict(map: ReadonlyMap<string, TorchTensor>, options: { prefix?: string; strict?: boolean } = {}): string[] {
    return this.store.loadStateDict(map, options);
  }

  /**
   * Trainable variables keyed by PyTorch name. Linear kernels are held `[in, out]` and the patch
   * kernel `[t*p*p*3, D]`; use {@link stateDict} for PyTorch layouts.
   */
  trainableVariables(): Record<string, tf.Variable> {
    return this.store.variables();
  }

  /** Converts a tensor held in our layout for parameter `name` (e.g. its gradient) to PyTorch layout. */
  toTorchLayout(name: string, data: Float32Array): TorchTensor {
    return this.store.toTorchLayout(name, data);
  }

  /** Writes the state dict to `file` with the config, the format tag and provenance as metadata. */
  protected async writeCheckpoint(
    file: string,
    format: string,
    config: object,
    defaultStage: string,
    options: SaveOptions,
  ): Promise<void> {
    await writeSafetensors(file, this.stateDict(), checkpointMetadata(format, config, defaultStage, options));
  }
}
