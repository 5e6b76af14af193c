import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DOWNSTREAM_TASKS,
  HAIR,
  IDENTITY_ATTRIBUTES,
  IDENTITY_TASK,
  PRESETS,
  SKIN,
  clipIdentity,
  generateBenchmark,
  hueSector,
  labelIdentities,
  planClip,
} from '../src/index.js';
import type { Rgb } from '../src/index.js';

const linf = (a: Rgb, b: Rgb): number => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
const root = mkdtempSync(join(tmpdir(), 'ppma-identity-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('identity attributes', () => {
  it('hue sectors of known colours (boundaries at 30, 90, ... degrees)', () => {
    const cases: [Rgb, number][] = [
      [[255, 0, 0], 0],
      [[255, 255, 0], 1],
      [[0, 255, 0], 2],
      [[0, 255, 255], 3],
      [[0, 0, 255], 4],
      [[255, 0, 255], 5],
      [[255, 120, 0], 0], // 28.2 deg
      [[255, 135, 0], 1], // 31.8 deg
      [[255, 0, 20], 0], // 355.3 deg wraps to red
      [[128, 128, 128], 0],
    ];
    for (const [c, s] of cases) expect(hueSector(c), JSON.stringify(c)).toBe(s);
  });

  it('the skin and hair labels name the only palette entry within the jitter of the drawn colour', () => {
    const geom = { ...PRESETS.tiny };
    const seen = IDENTITY_ATTRIBUTES.map(() => new Set<number>());
    for (const ds of DOWNSTREAM_TASKS)
      for (let k = 0; k < 30; k++) {
        const spec = planClip(ds, geom, 2, 'val', k % ds.classes.length, k);
        const id = clipIdentity(spec);
        const p = spec.people[0];
        for (const [pal, c, label] of [
          [SKIN, p.colours.skin, id.skin],
          [HAIR, p.colours.hair, id.hair],
        ] as const) {
          pal.forEach((e, i) => {
            if (i === label) expect(linf(e, c)).toBeLessThanOrEqual(10);
            else expect(linf(e, c)).toBeGreaterThan(10);
          });
        }
        expect(id.sleeves).toBe(p.outfit.shortSleeves ? 1 : 0);
        const hf = p.proportions.height / 1.75;
        expect(id.height).toBe(hf < 0.94 ? 0 : hf < 1.02 ? 1 : 2);
        IDENTITY_ATTRIBUTES.forEach((a, i) => seen[i].add(id[a.name]));
      }
    // 150 clips populate every class of every attribute
    IDENTITY_ATTRIBUTES.forEach((a, i) => expect(seen[i].size, a.name).toBe(a.classes.length));
  });

  it('generateBenchmark writes the identity manifests of every downstream clip and lists them in index.json', async () => {
    const out = join(root, 'g');
    const { index } = await generateBenchmark({
      preset: 'tiny',
      seed: 9,
      out,
      geometry: { width: 16, height: 16, frames: 2, fps: 8 },
      datasets: ['pretrain-real', 'synth-ssv2', 'synth-uav'],
      perClass: { 'pretrain-real': { train: 1, val: 0 }, downstream: { train: 1, val: 1 } },
    });
    const entry = index.privacy?.[0];
    expect(entry?.name).toBe(IDENTITY_TASK);
    expect(entry?.sources).toEqual(['synth-ssv2', 'synth-uav']);
    expect(entry?.attributes.map((a) => a.name)).toEqual(IDENTITY_ATTRIBUTES.map((a) => a.name));
    const ssv2 = index.tasks[0];
    expect(entry?.clips).toEqual({ train: 12, val: index.tasks[0].clips.val + index.tasks[1].clips.val });
    const csv = join(out, entry?.val ?? '');
    const [header, ...rows] = readFileSync(csv, 'utf8').trim().split('\n');
    expect(header).toBe(['path', ...IDENTITY_ATTRIBUTES.map((a) => a.name)].join(';'));
    expect(rows).toHaveLength(entry?.clips.val ?? -1);
    // first val row: clip 0 of class 0 of synth-ssv2, labelled as planClip's spec says
    const [path, ...values] = rows[0].split(';');
    expect(resolve(dirname(csv), path)).toBe(join(out, 'synth-ssv2', 'val', 'sit_down', 'sit_down_000.mp4'));
    const ds = DOWNSTREAM_TASKS.find((d) => d.name === ssv2.name);
    if (!ds) throw new Error('no ssv2');
    const id = clipIdentity(
      planClip(ds, { ...PRESETS.tiny, width: 16, height: 16, frames: 2, fps: 8 }, 9, 'val', 0, 0),
    );
    expect(values).toEqual(IDENTITY_ATTRIBUTES.map((a) => a.classes[id[a.name]]));
    // labelling the benchmark afterwards (as for one generated before the labels existed) gives the same files
    const again = join(root, 'relabelled');
    const relabelled = await labelIdentities(out, again);
    expect(relabelled.clips).toEqual(entry?.clips);
    for (const split of ['train', 'val'] as const) {
      const a = readFileSync(join(out, IDENTITY_TASK, `${split}.csv`), 'utf8').split('\n');
      const b = readFileSync(join(again, IDENTITY_TASK, `${split}.csv`), 'utf8').split('\n');
      const abs = (lines: string[], dir: string): string[] =>
        lines.map((l) =>
          l.includes('.mp4') ? [resolve(dir, l.split(';')[0]), ...l.split(';').slice(1)].join(';') : l,
        );
      expect(abs(b, join(again, IDENTITY_TASK))).toEqual(abs(a, join(out, IDENTITY_TASK)));
    }
  }, 120_000);
});
