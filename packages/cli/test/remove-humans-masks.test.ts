/**
 * `ppma remove-humans` writes the mask videos `masks/<video>.mkv` by default, and `--no-masks`
 * skips them (the removed video itself is written either way).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeVideo } from '@ppma/video-io';
import { writeSynthMasks } from '@ppma/synth';
import { main } from '../src/main.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-rh-masks-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const T = 8;
const S = 32;

/** A clip with a bright moving square and its exact mask beside it (what the oracle segmenter reads). */
async function clip(): Promise<string> {
  const rgb = new Uint8Array(T * S * S * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = 60 + ((i * 7) % 50);
  const masks = new Uint8Array(T * S * S);
  for (let t = 0; t < T; t++)
    for (let y = 10; y < 20; y++)
      for (let x = 8 + t; x < 16 + t; x++) {
        masks[(t * S + y) * S + x] = 255;
        rgb.fill(230, ((t * S + y) * S + x) * 3, ((t * S + y) * S + x) * 3 + 3);
      }
  const file = path.join(tmp, 'in', 'clip.mkv');
  await encodeVideo(file, rgb, { width: S, height: S, fps: 8, lossless: true });
  await writeSynthMasks(file, masks, T, S, S);
  return file;
}

const listMasks = (out: string): string[] =>
  fs.existsSync(path.join(out, 'masks'))
    ? fs.readdirSync(path.join(out, 'masks'), { recursive: true }).map(String)
    : [];

describe('ppma remove-humans --no-masks', () => {
  it('writes masks/<video>.mkv by default and skips it with --no-masks', async () => {
    const input = await clip();
    const run = (out: string, extra: string[]) =>
      main([
        'remove-humans',
        '--in',
        input,
        '--out',
        out,
        '--segmenter',
        'oracle',
        '--backend',
        'cpu',
        '--json',
        ...extra,
      ]);
    const withMasks = path.join(tmp, 'a');
    expect(await run(withMasks, [])).toBe(0);
    expect(listMasks(withMasks).some((f) => f.endsWith('.mkv'))).toBe(true);
    const without = path.join(tmp, 'b');
    expect(await run(without, ['--no-masks'])).toBe(0);
    expect(listMasks(without).filter((f) => f.endsWith('.mkv'))).toEqual([]);
    const summary = JSON.parse(fs.readFileSync(path.join(without, 'report.json'), 'utf8')) as {
      processed: number;
      outputs: { output: string }[];
    };
    expect(summary.processed).toBe(1);
    expect(fs.existsSync(path.join(without, summary.outputs[0].output))).toBe(true);
  }, 180_000);
});
