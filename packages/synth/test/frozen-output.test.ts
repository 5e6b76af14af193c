/**
 * The existing datasets must not change when identity labels are added (issue 17 §3): the specs and
 * rendered pixels (video, masks, clean plates) of a clip of every class of every dataset, and the
 * generated CSV manifests, are hashed and compared with hashes recorded with the code before the
 * identity labels existed (commit 7766201).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENCHMARK_DATASETS, PRESETS, generateBenchmark, planClip, renderClip } from '../src/index.js';

const RECORDED_PIXELS = '3a72fff48a6c1dc7b7b709a69c7d489d63038d365e97b1270965739c9769d491';
const RECORDED_MANIFESTS = '38d78583f35f7b974069764f4031008799c289b7063873ba7c748e8ad8c1f9a4';

function hashEveryClass(): string {
  const h = createHash('sha256');
  const geom = { ...PRESETS.tiny, width: 24, height: 20, frames: 4 };
  for (const ds of BENCHMARK_DATASETS)
    for (const split of ['train', 'val'] as const)
      ds.classes.forEach((_, ci) => {
        const spec = planClip(ds, geom, 11, split, ci, ci % 3);
        const clip = renderClip(spec, { withClean: true });
        h.update(JSON.stringify(spec));
        h.update(clip.video);
        h.update(clip.mask);
        if (clip.clean) h.update(clip.clean);
      });
  return h.digest('hex');
}

describe('existing datasets are unchanged', () => {
  it('specs and pixels of a clip of every class of every dataset hash as recorded before identity labels', () => {
    expect(hashEveryClass()).toBe(RECORDED_PIXELS);
  });

  it('the CSV manifests and labels.txt of every existing dataset hash as recorded', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ppma-frozen-'));
    try {
      await generateBenchmark({
        preset: 'tiny',
        seed: 5,
        out,
        geometry: { width: 16, height: 16, frames: 2, fps: 8 },
        perClass: {
          'pretrain-real': { train: 1, val: 0 },
          'pretrain-synthetic': { train: 0, val: 1 },
          downstream: { train: 1, val: 1 },
        },
      });
      const h = createHash('sha256');
      const walk = (d: string): void => {
        for (const n of readdirSync(d).sort()) {
          const p = join(d, n);
          if (statSync(p).isDirectory()) walk(p);
          else if (/\.(csv|txt)$/.test(n) && !relative(out, p).startsWith('synth-identity')) {
            h.update(relative(out, p));
            h.update(readFileSync(p));
          }
        }
      };
      walk(out);
      expect(h.digest('hex')).toBe(RECORDED_MANIFESTS);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 240_000);
});
