import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReviewServer, type ReviewServer } from '../src/index.js';
import { CLIP, IDS, makeRemovalOutput } from './helpers/make-removal-output.js';
import { rawRequest } from './helpers/raw-http.js';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-review-srv-'));
const out = path.join(base, 'nh');
let srv: ReviewServer;

beforeAll(async () => {
  await makeRemovalOutput(out, path.join(base, 'in'));
  fs.writeFileSync(path.join(base, 'secret.txt'), 'secret');
  fs.symlinkSync(path.join(base, 'secret.txt'), path.join(out, 'leak.txt'));
  srv = await startReviewServer({ dir: out });
}, 120_000);
afterAll(async () => {
  await srv?.close();
  fs.rmSync(base, { recursive: true, force: true });
});

describe('review server', () => {
  it('listens on 127.0.0.1 and serves the page and the state', async () => {
    expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await rawRequest(srv.port, '/');
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('/assets/review.js');
    const st = JSON.parse((await rawRequest(srv.port, '/api/state')).body.toString());
    expect(st.videos.map((v: { id: string }) => v.id)).toEqual(IDS);
    expect(st.videos[0].overlay).toBe('masks');
    expect(st.videos[1].overlay).toBe('changed pixels');
    expect(st.videos[1].audit.hasResidual).toBe(true);
  });

  it('serves frames by index: input with the person, output without, the mask overlay', async () => {
    const get = async (kind: string, t: number) => {
      const r = await rawRequest(srv.port, `/api/frame/0/${kind}/${t}.png`);
      expect(r.status).toBe(200);
      return PNG.sync.read(r.body);
    };
    const px = (p: PNG, x: number, y: number) => [...p.data.subarray((y * p.width + x) * 4, (y * p.width + x) * 4 + 4)];
    const [inp, outp, mask] = [await get('input', 2), await get('output', 2), await get('mask', 2)];
    expect([inp.width, inp.height]).toEqual([CLIP.width, CLIP.height]);
    // the person square at t = 2 spans x in [14, 26), y in [12, 40)
    expect(px(inp, 20, 25).slice(0, 3)).toEqual([230, 180, 150]);
    expect(px(outp, 20, 25).slice(0, 3)).not.toEqual([230, 180, 150]);
    expect(px(mask, 20, 25)[3]).toBeGreaterThan(0);
    expect(px(mask, 2, 2)[3]).toBe(0);
    expect((await rawRequest(srv.port, `/api/frame/0/output/${CLIP.frames}.png`)).status).toBe(404);
    expect((await rawRequest(srv.port, '/api/frame/9/output/0.png')).status).toBe(404);
  });

  it.each([
    '/files/../secret.txt',
    '/files/%2e%2e/secret.txt',
    '/files/%2E%2E%2Fsecret.txt',
    '/files/audit/..%2F..%2Fsecret.txt',
    '/files//etc/passwd',
    '/files/%2Fetc%2Fpasswd',
    '/files/leak.txt',
    '/assets/../../package.json',
    '/assets/%2e%2e%2fpackage.json',
  ])('refuses %s with 403', async (p) => {
    const r = await rawRequest(srv.port, p);
    expect(r.status).toBe(403);
    expect(r.body.toString()).not.toContain('secret');
  });

  it('serves files inside the folder, and only its own assets', async () => {
    const r = await rawRequest(srv.port, '/files/audit/audit.json');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body.toString()).detector).toBe('centernet');
    expect((await rawRequest(srv.port, '/assets/package.json')).status).toBe(404);
  });

  it('refuses foreign Host names and cross-origin marks', async () => {
    expect((await rawRequest(srv.port, '/api/state', { headers: { Host: 'evil.example:80' } })).status).toBe(403);
    const post = (headers: Record<string, string>) =>
      rawRequest(srv.port, '/api/mark', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify({ id: IDS[0], verdict: 'clean', note: '' }),
      });
    expect((await post({ Origin: 'http://evil.example' })).status).toBe(403);
    expect((await post({ 'Content-Type': 'text/plain' })).status).toBe(415);
    expect(fs.existsSync(path.join(out, 'review.json'))).toBe(false);
  });

  it('writes review.json before it answers a mark', async () => {
    const r = await rawRequest(srv.port, '/api/mark', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: `http://127.0.0.1:${srv.port}` },
      body: JSON.stringify({ id: IDS[2], verdict: 'artifact', note: 'smear at the left' }),
    });
    expect(r.status).toBe(200);
    const file = JSON.parse(fs.readFileSync(path.join(out, 'review.json'), 'utf8'));
    expect(file.verdicts[IDS[2]]).toMatchObject({ verdict: 'artifact', note: 'smear at the left' });
    const bad = await rawRequest(srv.port, '/api/mark', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 'clips/nope.mp4', verdict: 'clean' }),
    });
    expect(bad.status).toBe(404);
  });
});
