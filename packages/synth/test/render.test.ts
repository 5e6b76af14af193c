import { describe, expect, it } from 'vitest';
import {
  BENCHMARK_DATASETS,
  DOWNSTREAM_TASKS,
  MASK_THRESHOLD,
  PRETRAIN_REAL,
  PRETRAIN_SYNTHETIC,
  frameCapsules,
  planClip,
  renderClip,
} from '../src/index.js';
import type { Capsule2D, ClipSpec, DatasetSpec } from '../src/index.js';

const GEOM = { width: 40, height: 32, frames: 6, fps: 8 };

/** Independent reference: signed distance (px) from a pixel centre to the nearest capsule surface. */
function nearestSurface(caps: readonly Capsule2D[], px: number, py: number): number {
  let best = Infinity;
  for (const c of caps) {
    const dx = c.bx - c.ax;
    const dy = c.by - c.ay;
    const l2 = dx * dx + dy * dy;
    let t = l2 === 0 ? 0 : ((px - c.ax) * dx + (py - c.ay) * dy) / l2;
    t = Math.max(0, Math.min(1, t));
    const d = Math.hypot(px - c.ax - t * dx, py - c.ay - t * dy) - (c.ra + (c.rb - c.ra) * t);
    best = Math.min(best, d);
  }
  return best;
}

function specsFor(ds: DatasetSpec, n: number): ClipSpec[] {
  return Array.from({ length: n }, (_, i) => planClip(ds, GEOM, 7, 'train', i % ds.classes.length, i));
}

const CASES: [string, ClipSpec][] = [
  ...specsFor(PRETRAIN_REAL, 4).map((s, i): [string, ClipSpec] => [`real ${i} ${s.people[0].action}`, s]),
  ...specsFor(PRETRAIN_SYNTHETIC, 3).map((s, i): [string, ClipSpec] => [`synthetic ${i} ${s.people[0].action}`, s]),
  ...DOWNSTREAM_TASKS.map((d): [string, ClipSpec] => [d.name, planClip(d, GEOM, 3, 'val', 1, 0)]),
];

describe('renderClip', () => {
  it('is a pure function of the spec (same seed -> byte-identical frames, masks, clean plates)', () => {
    for (const ds of BENCHMARK_DATASETS) {
      const a = renderClip(planClip(ds, GEOM, 11, 'train', 0, 2));
      const b = renderClip(planClip(ds, GEOM, 11, 'train', 0, 2));
      expect(Buffer.compare(Buffer.from(a.video), Buffer.from(b.video))).toBe(0);
      expect(Buffer.compare(Buffer.from(a.mask), Buffer.from(b.mask))).toBe(0);
      const c = renderClip(planClip(ds, GEOM, 12, 'train', 0, 2));
      expect(Buffer.compare(Buffer.from(a.video), Buffer.from(c.video))).not.toBe(0);
    }
  });

  it.each(CASES)('%s: frame == clean plate wherever the mask is 0, and differs on the person', (_name, spec) => {
    const clip = renderClip(spec, { withClean: true });
    const clean = clip.clean as Uint8Array;
    const n = clip.width * clip.height;
    let personPx = 0;
    let differing = 0;
    for (let i = 0; i < clip.frames * n; i++) {
      const same =
        clip.video[3 * i] === clean[3 * i] &&
        clip.video[3 * i + 1] === clean[3 * i + 1] &&
        clip.video[3 * i + 2] === clean[3 * i + 2];
      if (clip.mask[i] === 0) expect(same).toBe(true);
      else {
        expect(clip.mask[i]).toBe(255);
        personPx++;
        if (!same) differing++;
      }
    }
    expect(personPx).toBeGreaterThan(clip.frames * 4);
    expect(differing / personPx).toBeGreaterThan(0.85);
  });

  it.each(CASES)('%s: the clean plate is the same video rendered with nobody in it', (_name, spec) => {
    const clip = renderClip(spec, { withClean: true });
    // move everybody 1 km to the side: out of view, same camera path (the camera follows travel, not position)
    const empty = renderClip(
      { ...spec, people: spec.people.map((p) => ({ ...p, x: p.x + 1000 })) },
      { withClean: true },
    );
    expect(empty.mask.every((m) => m === 0)).toBe(true);
    expect(Buffer.compare(Buffer.from(empty.video), Buffer.from(clip.clean as Uint8Array))).toBe(0);
  });

  it.each(CASES)('%s: the mask matches the figure geometry (inside -> 255, far outside -> 0)', (_name, spec) => {
    const clip = renderClip(spec, { withClean: false });
    const blurReach = spec.style === 'real' && spec.post.blur ? Math.SQRT2 : 0;
    const n = clip.width * clip.height;
    let inside = 0;
    for (let f = 0; f < clip.frames; f++) {
      const caps = frameCapsules(spec, f).flat();
      for (let y = 0; y < clip.height; y++) {
        for (let x = 0; x < clip.width; x++) {
          const d = nearestSurface(caps, x + 0.5, y + 0.5);
          const m = clip.mask[f * n + y * clip.width + x];
          if (d <= -0.5) {
            inside++;
            expect(m).toBe(255);
          }
          if (d >= 0.5 + blurReach + 1e-9) expect(m).toBe(0);
          // synthetic style: coverage = clamp(0.5 - d) of one capsule >= threshold => person
          if (!blurReach && d <= 0.5 - MASK_THRESHOLD - 1e-9) expect(m).toBe(255);
        }
      }
    }
    expect(inside).toBeGreaterThan(0);
  });
});
