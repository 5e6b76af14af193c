/**
 * The review page's input/output pairing when the removal dropped frames (fail closed): output
 * frame `t` is shown beside the input frame it was made from, `writtenFrames[t]` from the run's
 * report, or from the video's done-marker for reports that lack it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeVideo } from '@ppma/video-io';
import { loadRemovalOutput, startReviewServer, type ReviewServer } from '../src/index.js';
import { rawRequest } from './helpers/raw-http.js';

const W = 32;
const H = 24;
const T = 12;
const DROPPED = [3, 4, 5]; // the unrecoverable stretch the removal dropped
const WRITTEN = Array.from({ length: T }, (_, t) => t).filter((t) => !DROPPED.includes(t));
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-review-map-'));
const out = path.join(base, 'nh');
let srv: ReviewServer;

/** Frame `t` of the input is one flat colour that names it. */
const colour = (t: number): number[] => [10 + 20 * t, 200 - 10 * t, 60];

function frames(ts: readonly number[]): Uint8Array {
  const rgb = new Uint8Array(ts.length * W * H * 3);
  ts.forEach((t, k) => {
    for (let i = 0; i < W * H; i++) rgb.set(colour(t), (k * W * H + i) * 3);
  });
  return rgb;
}

beforeAll(async () => {
  const enc = { width: W, height: H, fps: 10, lossless: true };
  const input = path.join(base, 'in', 'a.mp4');
  await encodeVideo(input, frames(Array.from({ length: T }, (_, t) => t)), enc);
  // v/report.mp4: mapped by the report; v/marker.mp4: by its done-marker only; v/none.mp4: neither
  for (const id of ['report', 'marker', 'none'])
    await encodeVideo(path.join(out, 'v', `${id}.mp4`), frames(WRITTEN), enc);
  fs.mkdirSync(path.join(out, '.done', 'v'), { recursive: true });
  fs.writeFileSync(path.join(out, '.done', 'v', 'marker.mp4.json'), JSON.stringify({ writtenFrames: WRITTEN }));
  const row = (id: string) => ({ input, output: `v/${id}.mp4`, frames: T, framesWritten: WRITTEN.length });
  fs.writeFileSync(
    path.join(out, 'report.json'),
    JSON.stringify({ outputs: [{ ...row('report'), writtenFrames: WRITTEN }, row('marker'), row('none')] }),
  );
  srv = await startReviewServer({ dir: out });
}, 120_000);
afterAll(async () => {
  await srv?.close();
  fs.rmSync(base, { recursive: true, force: true });
});

const png = async (video: number, kind: string, t: number): Promise<PNG> => {
  const r = await rawRequest(srv.port, `/api/frame/${video}/${kind}/${t}.png`);
  expect(r.status).toBe(200);
  return PNG.sync.read(r.body);
};
const rgbAt = (p: PNG, x: number, y: number) => [...p.data.subarray((y * p.width + x) * 4, (y * p.width + x) * 4 + 3)];

describe('frame mapping after dropped frames', () => {
  it('reads writtenFrames from the report, else from the done-marker', () => {
    const vs = loadRemovalOutput(out);
    expect(vs.map((v) => v.id)).toEqual(['v/report.mp4', 'v/marker.mp4', 'v/none.mp4']);
    expect(vs[0]!.frameMap).toEqual(WRITTEN);
    expect(vs[1]!.frameMap).toEqual(WRITTEN);
    expect(vs[2]!.frameMap).toBeUndefined();
  });

  it.each([0, 1])('video %i: output frame t beside input frame writtenFrames[t]', async (video) => {
    for (const t of [0, 2, 3, 5, WRITTEN.length - 1]) {
      const inp = await png(video, 'input', t);
      const outp = await png(video, 'output', t);
      expect(rgbAt(outp, 5, 5)).toEqual(colour(WRITTEN[t]!));
      expect(rgbAt(inp, 5, 5)).toEqual(rgbAt(outp, 5, 5)); // the same picture: nothing was removed here
      // the changed-pixels overlay (no mask video) compares the right pair: nothing changed
      expect((await png(video, 'mask', t)).data.some((v, i) => i % 4 === 3 && v > 0)).toBe(false);
    }
    expect((await rawRequest(srv.port, `/api/frame/${video}/input/${WRITTEN.length}.png`)).status).toBe(404);
  });

  it('without a map, output frame t is paired with input frame t (what the page did before)', async () => {
    const inp = await png(2, 'input', 3);
    expect(rgbAt(inp, 5, 5)).toEqual(colour(3));
    expect(rgbAt(await png(2, 'output', 3), 5, 5)).toEqual(colour(6));
  });
});
