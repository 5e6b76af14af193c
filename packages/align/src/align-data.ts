/**
 * Data preparation of stage 2 (docs/ARCHITECTURE.md §5 "Stage 2", §6): the datasets' manifests, one head
 * size per dataset, and a `@ppma/video-io` clip store per training and validation split. Bad videos
 * are left out and reported; a dataset with no usable video is an error naming it.
 */
import { ConfigError } from '@ppma/core';
import { ClipStore, resolveManifest, type ClipCachePolicy, type ClipSampling, type Manifest } from '@ppma/video-io';
import type { AlignDataset } from './align-options.js';

/** The datasets of an alignment run, before any clip is read. */
export interface AlignManifests {
  readonly manifests: readonly Manifest[];
  /** Head sizes by dataset name. */
  readonly classes: Record<string, number>;
}

/** The loaded clips of an alignment run. */
export interface AlignStores {
  readonly stores: readonly ClipStore[];
  /** Validation stores by dataset index. */
  readonly valStores: ReadonlyMap<number, ClipStore>;
}

/** How clips are loaded. */
export interface StoreOptions {
  readonly cache?: ClipCachePolicy;
  readonly memoryBudget?: number;
  readonly progress?: boolean;
}

/** A printable name of a manifest given as a path or in memory. */
export function manifestLabel(m: string | Manifest): string {
  return typeof m === 'string' ? m : `<in-memory manifest, ${m.entries.length} entries>`;
}

function checkDatasets(ds: readonly AlignDataset[]): void {
  if (ds.length === 0) throw new ConfigError('datasets', 'at least one dataset is needed');
  const seen = new Set<string>();
  for (const d of ds) {
    if (!/^[A-Za-z0-9_-]+$/.test(d.name))
      throw new ConfigError(`datasets.${d.name}`, 'names may use letters, digits, _ and - only (they name the heads)');
    if (seen.has(d.name)) throw new ConfigError(`datasets.${d.name}`, 'dataset names must be unique');
    seen.add(d.name);
    if (d.weight !== undefined && !(d.weight >= 0 && Number.isFinite(d.weight)))
      throw new ConfigError(`datasets.${d.name}.weight`, `must be a finite number >= 0, got ${d.weight}`);
  }
}

/** Checks the datasets and reads their manifests. */
export async function readAlignManifests(datasets: readonly AlignDataset[]): Promise<AlignManifests> {
  checkDatasets(datasets);
  const manifests = await Promise.all(
    datasets.map((d) => resolveManifest(d.manifest, { allowOutsideRoot: d.allowOutsideRoot })),
  );
  const classes: Record<string, number> = {};
  datasets.forEach((d, i) => {
    if (manifests[i].labels.length < 1)
      throw new ConfigError(`datasets.${d.name}`, `${manifestLabel(d.manifest)} has no labels`);
    classes[d.name] = manifests[i].labels.length;
  });
  return { manifests, classes };
}

async function valStore(
  d: AlignDataset,
  train: Manifest,
  sampling: ClipSampling,
  o: StoreOptions,
): Promise<ClipStore | null> {
  if (d.val === undefined) return null;
  const vm = await resolveManifest(d.val, { allowOutsideRoot: d.allowOutsideRoot });
  const same = vm.labels.length === train.labels.length && vm.labels.every((l, k) => l === train.labels[k]);
  if (!same)
    throw new ConfigError(
      `datasets.${d.name}.val`,
      `${manifestLabel(d.val)} has labels [${vm.labels.slice(0, 5).join(', ')}${vm.labels.length > 5 ? ', …' : ''}] (${vm.labels.length}), the training split has ${train.labels.length}: the label maps must be identical`,
    );
  return ClipStore.load(vm, sampling, { ...o, label: `load ${d.name} val` });
}

/** Loads a clip store per training split (and per validation split). */
export async function loadAlignStores(
  datasets: readonly AlignDataset[],
  m: AlignManifests,
  sampling: ClipSampling,
  o: StoreOptions,
): Promise<AlignStores> {
  const stores: ClipStore[] = [];
  for (const [i, d] of datasets.entries()) {
    const s = await ClipStore.load(m.manifests[i], sampling, { ...o, label: `load ${d.name}` });
    if (s.size === 0)
      throw new ConfigError(
        `datasets.${d.name}`,
        `no usable video in ${manifestLabel(d.manifest)} (${s.skipped.length} skipped; first: ${s.skipped[0]?.reason ?? 'none'})`,
      );
    stores.push(s);
  }
  const valStores = new Map<number, ClipStore>();
  for (const [i, d] of datasets.entries()) {
    const v = await valStore(d, m.manifests[i], sampling, o);
    if (v) valStores.set(i, v);
  }
  return { stores, valStores };
}

/** What a run records about each dataset (checkpoint provenance, the report, the step's head and weight). */
export interface DatasetInfo {
  readonly name: string;
  readonly manifest: string;
  readonly examples: number;
  readonly classes: number;
  readonly weight: number;
}

/** The {@link DatasetInfo} of each dataset. */
export function describeDatasets(datasets: readonly AlignDataset[], stores: readonly ClipStore[]): DatasetInfo[] {
  return datasets.map((d, i) => ({
    name: d.name,
    manifest: manifestLabel(d.manifest),
    examples: stores[i].size,
    classes: stores[i].numClasses,
    weight: d.weight ?? 1,
  }));
}
