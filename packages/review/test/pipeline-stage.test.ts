/**
 * `ppma review` on the pipeline's own removal output: a folder laid out as the `remove-humans-<key>/`
 * stage lays it out (test/helpers/make-pipeline-stage.ts), served as the review page serves it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRemovalOutput, reviewSummary, startReviewServer, type ReviewServer } from '../src/index.js';
import { makePipelineStage, STAGE_AUDITED, STAGE_CLIP, STAGE_IDS } from './helpers/make-pipeline-stage.js';
import { rawRequest } from './helpers/raw-http.js';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-review-stage-'));
const data = path.join(base, 'stages', 'data-133d9e39519c');
const stage = path.join(base, 'stages', 'remove-humans-c05a291d94e7');
let srv: ReviewServer;

beforeAll(async () => {
  await makePipelineStage(stage, data);
  srv = await startReviewServer({ dir: stage });
}, 120_000);
afterAll(async () => {
  await srv?.close();
  fs.rmSync(base, { recursive: true, force: true });
});

describe('review of a pipeline remove-humans stage', () => {
  it('lists every video in report order, with the audit of the sampled ones and the masks', () => {
    const vs = loadRemovalOutput(stage);
    expect(vs.map((v) => v.id)).toEqual(STAGE_IDS);
    expect(vs.map((v) => v.input)).toEqual(STAGE_IDS.map((id) => path.join(data, 'pretrain-real', ...id.split('/'))));
    expect(vs.filter((v) => v.audit).map((v) => v.id)).toEqual(STAGE_AUDITED);
    expect(vs.find((v) => v.id === 'train/run/run_001.mp4')!.audit).toMatchObject({
      hasResidual: true,
      detector: 'nanodet+movenet-multipose',
      sheet: 'audit/run_001.sheet.png',
    });
    expect(vs.every((v) => v.masks === path.join(stage, 'masks', v.id.replace(/\.mp4$/, '.mkv')))).toBe(true);
  });

  it('serves the page state, the input, output and mask frames, and the contact sheet', async () => {
    const st = JSON.parse((await rawRequest(srv.port, '/api/state')).body.toString());
    expect(st.videos.map((v: { id: string }) => v.id)).toEqual(STAGE_IDS);
    expect(st.videos.every((v: { overlay: string }) => v.overlay === 'masks')).toBe(true);
    const k = STAGE_IDS.indexOf('train/run/run_000.mp4');
    const get = async (kind: string, t: number) => {
      const r = await rawRequest(srv.port, `/api/frame/${k}/${kind}/${t}.png`);
      expect(r.status).toBe(200);
      return PNG.sync.read(r.body);
    };
    const px = (p: PNG, x: number, y: number) => [...p.data.subarray((y * p.width + x) * 4, (y * p.width + x) * 4 + 4)];
    const [inp, outp, mask] = [await get('input', 3), await get('output', 3), await get('mask', 3)];
    expect([inp.width, inp.height]).toEqual([STAGE_CLIP.width, STAGE_CLIP.height]);
    // the person box at t = 3 spans x in [10, 18), y in [8, 28)
    expect(px(inp, 14, 20).slice(0, 3)).toEqual([220, 170, 140]);
    expect(px(outp, 14, 20).slice(0, 3)).not.toEqual([220, 170, 140]);
    expect(px(mask, 14, 20)[3]).toBeGreaterThan(0); // the run's own mask, not the changed pixels
    expect(px(mask, 25, 20)[3]).toBe(0);
    expect((await rawRequest(srv.port, '/files/audit/run_001.sheet.png')).status).toBe(200);
    expect((await rawRequest(srv.port, `/api/frame/${k}/output/${STAGE_CLIP.frames}.png`)).status).toBe(404);
  });

  it('summarises with the audit on the reviewed videos', async () => {
    const s = await reviewSummary(stage);
    expect(s.videos).toBe(STAGE_IDS.length);
    expect(s.reviewed).toBe(0);
  });

  it('finds the audits after the stage folder was copied elsewhere (the audit names videos by file name)', () => {
    const moved = path.join(base, 'copied-stage');
    fs.cpSync(stage, moved, { recursive: true });
    const vs = loadRemovalOutput(moved);
    expect(vs.filter((v) => v.audit).map((v) => v.id)).toEqual(STAGE_AUDITED);
    expect(vs.find((v) => v.id === 'train/run/run_001.mp4')!.audit?.hasResidual).toBe(true);
  });
});
