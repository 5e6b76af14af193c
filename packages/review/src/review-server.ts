/**
 * `ppma review`'s server (docs/ARCHITECTURE.md §7 "Privacy audit"): node:http bound to 127.0.0.1 only,
 * serving the page from the package's own assets, the frames of each video, the verdict API
 * (every mark written to `review.json` before the answer) and, through the path guard, files of
 * the output folder and nothing else.
 *
 * Routes: `GET /` (the page), `GET /assets/<file>`, `GET /api/state`, `GET /api/video/<i>`,
 * `GET /api/frame/<i>/<input|output|mask>/<t>.png`, `POST /api/mark` `{id, verdict|null, note}`,
 * `GET /api/summary`, `GET /files/<path inside the folder>`.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ConfigError } from '@ppma/core';
import { z } from 'zod';
import { FrameSource, type FrameKind } from './frame-source.js';
import { CONTENT_TYPES, hostAllowed, originAllowed, readJsonBody, send, sendError, sendJson } from './http-util.js';
import { resolveInside } from './path-guard.js';
import { loadRemovalOutput, type ReviewVideo } from './removal-output.js';
import { ReviewStore, VERDICTS } from './review-file.js';
import { summarizeReview, type ReviewSummary } from './review-summary.js';

/** Options of {@link startReviewServer}. */
export interface ReviewServerOptions {
  /** The output folder of a removal run. */
  readonly dir: string;
  /** Port on 127.0.0.1 (default 0: any free port). */
  readonly port?: number;
  /** Review a spread, seeded sample of this many videos. */
  readonly sample?: number;
  /** Seed of the sample (default 0). */
  readonly seed?: number;
}

/** A running review server. */
export interface ReviewServer {
  /** `http://127.0.0.1:<port>/`. */
  readonly url: string;
  readonly port: number;
  /** The videos under review, in order. */
  readonly videos: readonly ReviewVideo[];
  readonly store: ReviewStore;
  /** The current summary. */
  summary(): ReviewSummary;
  /** Stops the server (every mark is already on disk). */
  close(): Promise<void>;
}

/** The page and its scripts: the only files served from the package. */
const ASSETS = new Set(['index.html', 'review.css', 'review.js', 'player.js', 'strip.js', 'summary-view.js']);
const ASSET_DIR = new URL('../assets/', import.meta.url);

const markBody = z.object({
  id: z.string(),
  verdict: z.enum(VERDICTS).nullable(),
  note: z.string().max(4000).default(''),
});

/** Opens the review of `opts.dir` and serves it on 127.0.0.1. */
export async function startReviewServer(opts: ReviewServerOptions): Promise<ReviewServer> {
  const dir = path.resolve(opts.dir);
  const all = loadRemovalOutput(dir);
  const store = await ReviewStore.open(
    dir,
    all.map((v) => v.id),
    { ...(opts.sample !== undefined ? { sample: opts.sample } : {}), seed: opts.seed ?? 0 },
  );
  const byId = new Map(all.map((v) => [v.id, v]));
  const videos = store.ids.map((id) => byId.get(id)!);
  const frames = new FrameSource();
  const summary = (): ReviewSummary => summarizeReview(videos, store.verdicts());
  let port = 0;

  const state = () => ({
    dir,
    sample: store.sample ? { size: store.sample.size, seed: store.sample.seed } : null,
    videos: videos.map((v, i) => ({
      index: i,
      id: v.id,
      input: v.input,
      overlay: v.masks ? 'masks' : 'changed pixels',
      audit: v.audit ?? null,
    })),
    verdicts: store.verdicts(),
    summary: summary(),
  });

  const route = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    if (!hostAllowed(req, port)) return sendError(res, 403, 'this server answers to 127.0.0.1 and localhost only');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = (req.url ?? '/').split('?')[0]!; // undecoded, for the path guard
    const seg = url.pathname.split('/').filter(Boolean);
    if (hasDotSegment(raw)) return sendError(res, 403, 'dot segments are refused');
    if (req.method === 'POST' && url.pathname === '/api/mark') {
      if (!originAllowed(req, port)) return sendError(res, 403, 'cross-origin request refused');
      if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
        return sendError(res, 415, 'send application/json');
      const body = markBody.safeParse(await readJsonBody(req));
      if (!body.success)
        return sendError(res, 400, 'expected {"id", "verdict": clean|residual-person|artifact|null, "note"}');
      if (!byId.has(body.data.id) || !store.ids.includes(body.data.id))
        return sendError(res, 404, `${body.data.id} is not under review`);
      const mark = await store.mark(body.data.id, body.data.verdict, body.data.note);
      return sendJson(res, 200, { mark: mark ?? null, summary: summary() });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'method not allowed');
    if (url.pathname === '/') return sendAsset(res, 'index.html');
    if (seg[0] === 'assets' && seg.length === 2) return sendAsset(res, seg[1]!);
    if (url.pathname === '/api/state') return sendJson(res, 200, state());
    if (url.pathname === '/api/summary') return sendJson(res, 200, summary());
    if (seg[0] === 'api' && seg[1] === 'video' && seg.length === 3) {
      const v = videos[Number(seg[2])];
      if (!v || !/^\d+$/.test(seg[2]!)) return sendError(res, 404, 'no such video');
      return sendJson(res, 200, await frames.info(v));
    }
    if (seg[0] === 'api' && seg[1] === 'frame' && seg.length === 5) {
      const v = /^\d+$/.test(seg[2]!) ? videos[Number(seg[2])] : undefined;
      const kind = seg[3] as FrameKind;
      const t = /^\d+\.png$/.test(seg[4]!) ? Number(seg[4]!.slice(0, -4)) : NaN;
      if (!v || !['input', 'output', 'mask'].includes(kind) || !Number.isInteger(t))
        return sendError(res, 404, 'no such frame');
      const png = await frames.png(v, kind, t);
      return png ? send(res, 200, 'image/png', png) : sendError(res, 404, 'no such frame');
    }
    if (raw.startsWith('/files/')) {
      const g = resolveInside(dir, raw.slice('/files/'.length));
      if (!g.ok) return sendError(res, g.status, g.reason);
      const type = CONTENT_TYPES[path.extname(g.file).toLowerCase()] ?? 'application/octet-stream';
      return send(res, 200, type, await fs.promises.readFile(g.file));
    }
    return sendError(res, 404, 'not found');
  };

  const server = http.createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendError(res, 500, e instanceof Error ? e.message : String(e));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new ConfigError('port', `cannot listen on 127.0.0.1:${opts.port ?? 0} (${e.code ?? e.message})`, { cause: e }),
      ),
    );
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    videos,
    store,
    summary,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** True when a raw URL path has a `.` or `..` segment, plainly or percent-encoded (`%2e%2e`). */
function hasDotSegment(raw: string): boolean {
  return raw.split('/').some((s) => {
    try {
      const d = decodeURIComponent(s);
      return d.split(/[\\/]/).some((p) => p === '.' || p === '..');
    } catch {
      return false; // malformed encoding: the route that reads the path answers 400
    }
  });
}

async function sendAsset(res: http.ServerResponse, name: string): Promise<void> {
  if (!ASSETS.has(name)) return sendError(res, 404, 'no such asset');
  const body = await fs.promises.readFile(new URL(name, ASSET_DIR));
  send(res, 200, CONTENT_TYPES[path.extname(name)]!, body);
}
