import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeMaskStrip, encodeRgbStrip, renderContactSheet, synthCompanions } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'ppma-synth-comp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('companion files', () => {
  it('names the mask strip and the clean plate beside the video; clean is null when absent', () => {
    const v = join(dir, 'walk_000.mp4');
    expect(synthCompanions(v)).toEqual({ mask: join(dir, 'walk_000.mask.png'), clean: null });
    writeFileSync(join(dir, 'walk_000.clean.png'), '');
    expect(synthCompanions(v).clean).toBe(join(dir, 'walk_000.clean.png'));
  });

  it('the mask strip is a gray PNG of T frames stacked top to bottom, decoded exactly', () => {
    const [t, h, w] = [3, 5, 7];
    const m = new Uint8Array(t * h * w).map((_, i) => ((i * 31) % 7 < 3 ? 255 : 0));
    const png = PNG.sync.read(encodeMaskStrip(m, t, w, h));
    expect([png.width, png.height]).toEqual([w, t * h]);
    for (let i = 0; i < m.length; i++) expect(png.data[4 * i]).toBe(m[i]);
  });

  it('the clean-plate strip is an RGB PNG of T frames stacked top to bottom, decoded exactly', () => {
    const [t, h, w] = [2, 4, 5];
    const rgb = new Uint8Array(t * h * w * 3).map((_, i) => (i * 37) % 256);
    const png = PNG.sync.read(encodeRgbStrip(rgb, t, w, h));
    expect([png.width, png.height]).toEqual([w, t * h]);
    for (let i = 0; i < t * h * w; i++) for (let c = 0; c < 3; c++) expect(png.data[4 * i + c]).toBe(rgb[3 * i + c]);
  });
});

describe('contact sheet', () => {
  it('renders one row per action and dive, both styles, as a PNG', () => {
    const png = PNG.sync.read(renderContactSheet({ size: 24, shown: 2, frames: 4, dives: false }));
    expect(png.height).toBe(14 * (24 + 2) + 8 + 6);
    expect(png.width).toBe(8 * 17 + 2 * 2 * 24 + 6);
  });
});
