/**
 * Model variants as data (timm style): `registerVariant(name, cfg)` and one
 * `createModel(name, overrides)`. ViT-Ti/S/B/L follow docs/ARCHITECTURE.md §4 (tubelet 2x16x16, 16x224x224
 * clips); the `vit-nano` / `vit-micro` presets are ours, sized for 32-64 px clips on a 2-core CPU.
 */
import { ConfigError } from '@ppma/core';
import type { VitConfigInput } from './config.js';
import { VideoViT } from './video-vit.js';

const registry = new Map<string, VitConfigInput>();

/** Registers (or replaces) a named variant. */
export function registerVariant(name: string, config: VitConfigInput): void {
  registry.set(name, { ...config });
}

/** Names of the registered variants. */
export function listVariants(): string[] {
  return [...registry.keys()];
}

/** The config of a variant, with overrides applied. */
export function variantConfig(name: string, overrides: Partial<VitConfigInput> = {}): VitConfigInput {
  const base = registry.get(name);
  if (!base) throw new ConfigError('model', `unknown variant "${name}"; known: ${listVariants().join(', ')}`);
  return { ...base, ...overrides };
}

/** Builds a variant with fresh weights. */
export function createModel(
  name: string,
  overrides: Partial<VitConfigInput> = {},
  options: { seed?: number | string } = {},
): VideoViT {
  return VideoViT.create(variantConfig(name, overrides), options);
}

const paperClip = { tubelet: 2, patch: 16, frames: 16, height: 224, width: 224 } as const;
registerVariant('vit-ti', { dim: 192, depth: 12, heads: 3, ...paperClip });
registerVariant('vit-s', { dim: 384, depth: 12, heads: 6, ...paperClip });
registerVariant('vit-b', { dim: 768, depth: 12, heads: 12, ...paperClip });
registerVariant('vit-l', { dim: 1024, depth: 24, heads: 16, ...paperClip });
/** Ours: 8 x 32 x 32 clips, tubelet 2x8x8 (64 tokens), for the embedded mini-benchmark. */
registerVariant('vit-nano', { dim: 64, depth: 4, heads: 4, tubelet: 2, patch: 8, frames: 8, height: 32, width: 32 });
/** Ours: 8 x 48 x 48 clips, tubelet 2x8x8 (144 tokens). */
registerVariant('vit-micro', { dim: 96, depth: 6, heads: 4, tubelet: 2, patch: 8, frames: 8, height: 48, width: 48 });
/** Ours: 8 x 64 x 64 clips, tubelet 2x16x16 (64 tokens), ViT-Ti width. */
registerVariant('vit-ti-64', { dim: 192, depth: 6, heads: 3, tubelet: 2, patch: 16, frames: 8, height: 64, width: 64 });
