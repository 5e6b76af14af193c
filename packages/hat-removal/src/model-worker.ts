/**
 * The entry of a model worker thread (docs/ARCHITECTURE.md §7 "Throughput"): one segmenter or one
 * person detector with its own TensorFlow.js backend instance, driven by messages from
 * {@link ./model-proxy.ts}. Requests are handled strictly in the order they arrive, so a
 * recurrent segmenter sees its frames and resets in the same order as in the main thread.
 */
import { parentPort } from 'node:worker_threads';
import { formatBackend, initBackend, isPpmaError, type BackendInfo } from '@ppma/core';
import { match } from 'ts-pattern';
import { createSegmenter } from './create-segmenter.js';
import type { FrameBatch } from './frames.js';
import type { WorkerReply, WorkerRequest } from './model-protocol.js';
import { createDetector, type PersonDetector } from './person-detector.js';
import type { Segmenter } from './segmenter.js';

const port = parentPort;
if (!port) throw new Error('model-worker.ts runs as a worker thread only');

let seg: Segmenter | null = null;
let det: PersonDetector | null = null;
let queue: Promise<void> = Promise.resolve();

const reply = (r: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(r, transfer);

async function handle(req: WorkerRequest): Promise<void> {
  await match(req)
    .with({ type: 'init' }, async (r) => {
      let backend: BackendInfo;
      try {
        backend = await initBackend(r.backend ?? {});
      } catch (e) {
        if (r.fallback === undefined) throw e;
        backend = await initBackend(r.fallback ?? {}); // the preferred backend is unavailable here
      }
      if (r.model.kind === 'segmenter') seg = await createSegmenter(r.model.name, r.model.config as never);
      else det = await createDetector(r.model.name, r.model.config);
      reply({ type: 'ready', id: r.id, info: (seg ?? det)!.info, backend: formatBackend(backend) });
    })
    .with({ type: 'segment' }, async (r) => {
      const frames: FrameBatch = r.frames;
      const before = seg!.stats?.warmupSeconds ?? 0;
      const out = await seg!.segment(frames, () => reply({ type: 'frame', id: r.id }));
      const warmup = (seg!.stats?.warmupSeconds ?? 0) - before;
      reply({ type: 'masks', id: r.id, masks: out, warmupSeconds: warmup }, [out.data.buffer as ArrayBuffer]);
    })
    .with({ type: 'detect' }, async (r) => {
      reply({ type: 'boxes', id: r.id, boxes: await det!.detect(r.frames) });
    })
    .with({ type: 'reset' }, () => {
      seg?.reset();
    })
    .with({ type: 'dispose' }, () => {
      seg?.dispose();
      det?.dispose();
      seg = det = null;
      port!.close();
    })
    .exhaustive();
}

port.on('message', (req: WorkerRequest) => {
  queue = queue
    .then(() => handle(req))
    .catch((e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      reply({ type: 'error', id: req.id, message, code: isPpmaError(e) ? e.code : 'PPMA_MODEL' });
    });
});
