/**
 * The contact sheet: one clip per action in the "real" and in the "synthetic" style, a few frames
 * each, written as a PNG (pngjs). Rows are labelled with a tiny built-in bitmap font.
 */
import { Rng } from '@ppma/core';
import { PNG } from 'pngjs';
import { ACTIONS } from './actions.js';
import { DIVE_VARIANTS } from './dive.js';
import { renderClip } from './render-clip.js';
import { sampleClip } from './sample-clip.js';
import { ACTION_SCENES } from './scene-bias.js';
import { makeScene, randomFlatScene } from './scenes.js';
import { drawText, TEXT_HEIGHT } from './tiny-font.js';

/** Options of {@link renderContactSheet}. */
export interface RenderContactSheetOptions {
  seed?: number;
  /** Side of one frame in pixels (default 96). */
  size?: number;
  /** Frames shown per clip and style (default 5). */
  shown?: number;
  /** Frames rendered per clip (default 16) at `fps` (default 8). */
  frames?: number;
  fps?: number;
  /** Show the base actions (default true). */
  actions?: boolean;
  /** Show the dives of the Diving48-like task (default true). */
  dives?: boolean;
}

/** Renders the contact sheet and returns the PNG file bytes. */
export function renderContactSheet(opts: RenderContactSheetOptions = {}): Buffer {
  const size = opts.size ?? 96;
  const shown = opts.shown ?? 5;
  const frames = opts.frames ?? 16;
  const fps = opts.fps ?? 8;
  const rng = new Rng(opts.seed ?? 0);
  const rows: { label: string; action: string; variant: string; scene: string }[] = [];
  if (opts.actions ?? true)
    for (const a of ACTIONS) rows.push({ label: a.name, action: a.name, variant: '', scene: ACTION_SCENES[a.name] });
  if (opts.dives ?? true)
    for (const v of DIVE_VARIANTS) rows.push({ label: `dive ${v}`, action: 'dive', variant: v, scene: 'pool' });
  const labelW = 8 * 17;
  const gap = 6;
  const W = labelW + 2 * shown * size + gap;
  const H = rows.length * (size + 2) + TEXT_HEIGHT + 6;
  const png = new PNG({ width: W, height: H });
  png.data.fill(255);
  drawText(png.data, W, labelW + 4, 2, 'real style', [0, 0, 0]);
  drawText(png.data, W, labelW + shown * size + gap + 4, 2, 'synthetic style', [0, 0, 0]);
  rows.forEach((row, ri) => {
    const y0 = TEXT_HEIGHT + 6 + ri * (size + 2);
    drawText(png.data, W, 2, y0 + size / 2 - 4, row.label, [0, 0, 0]);
    (['real', 'synthetic'] as const).forEach((style, si) => {
      const r = rng.split(row.label, style);
      const scene = style === 'real' ? makeScene(row.scene, r.split('scene')) : randomFlatScene(r.split('scene'));
      const spec = sampleClip(r.split('clip'), {
        action: row.action,
        variant: row.variant,
        style,
        scene,
        width: size,
        height: size,
        frames,
        fps,
      });
      const clip = renderClip(spec, { withClean: false });
      for (let k = 0; k < shown; k++) {
        const f = Math.round((k * (frames - 1)) / Math.max(1, shown - 1));
        const x0 = labelW + si * (shown * size + gap) + k * size;
        for (let y = 0; y < size; y++) {
          for (let x = 0; x < size; x++) {
            const s = ((f * size + y) * size + x) * 3;
            const d = ((y0 + y) * W + x0 + x) * 4;
            png.data[d] = clip.video[s];
            png.data[d + 1] = clip.video[s + 1];
            png.data[d + 2] = clip.video[s + 2];
            png.data[d + 3] = 255;
          }
        }
      }
    });
  });
  return PNG.sync.write(png, { colorType: 2 });
}
