/**
 * Segmenters and detectors that run in a worker thread (docs/ARCHITECTURE.md §7 "Throughput"). The
 * tfjs wasm backend computes convolutions on one thread in Node, so the main thread runs the pixel
 * loops of the removal while the segmenter and the catch detector each compute in a thread of their
 * own, with their own backend instance: the same models on the same backend, so the same masks
 * and boxes as in the main thread.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describeBackend, ModelError, PpmaError, type BackendName, type PpmaErrorCode } from '@ppma/core';
import type { SegmenterConfigs } from './create-segmenter.js';
import { getModel, MODEL_REGISTRY } from './registry.js';
import type { DetectionBox, FrameBatch, MaskBatch } from './frames.js';
import type { UnsentRequest, WorkerModel, WorkerReply, WorkerRequest } from './model-protocol.js';
import type { DetectorConfig, DetectorName, PersonDetector } from './person-detector.js';
import type { Segmenter, SegmenterInfo, SegmenterName } from './segmenter.js';

type Reply<T extends WorkerReply['type']> = Extract<WorkerReply, { type: T }>;
type Pending = { resolve: (r: WorkerReply) => void; reject: (e: Error) => void; onFrame?: () => void };

/**
 * Starts the worker thread. From the TypeScript sources (tests, the bench) the worker registers
 * the tsx loader before it imports its entry; from `dist` it runs the compiled entry directly.
 */
function spawnWorker(): Worker {
  const ext = path.extname(fileURLToPath(import.meta.url));
  const url = new URL(`./model-worker${ext}`, import.meta.url);
  if (ext !== '.ts') return new Worker(url);
  const tsx = pathToFileURL(
    path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs'),
  ).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  const cond = process.execArgv.join(' ').includes('@ppma/source') ? [] : ['--conditions=@ppma/source'];
  return new Worker(boot, { eval: true, execArgv: [...process.execArgv, ...cond] });
}

/** A worker thread holding one model; requests are answered in order. */
class ModelWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private dead: Error | null = null;

  constructor(private readonly label: string) {
    this.worker = spawnWorker();
    this.worker.unref(); // kept alive only while a request is pending (see request)
    this.worker.on('message', (r: WorkerReply) => this.onReply(r));
    this.worker.on('error', (e) => this.fail(new ModelError(`${label} worker failed: ${e.message}`, { cause: e })));
    this.worker.on('exit', (code) => this.fail(new ModelError(`${label} worker exited (code ${code})`)));
  }

  private onReply(r: WorkerReply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    if (r.type === 'frame') return p.onFrame?.();
    this.pending.delete(r.id);
    if (this.pending.size === 0) this.worker.unref();
    if (r.type === 'error') p.reject(new PpmaError(r.code as PpmaErrorCode, r.message));
    else p.resolve(r);
  }

  private fail(e: Error): void {
    this.dead ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Sends a request and resolves with its reply (`onFrame` for the per-frame ticks of `segment`). */
  request<T extends WorkerReply['type']>(
    req: UnsentRequest,
    transfer: ArrayBuffer[] = [],
    onFrame?: () => void,
  ): Promise<Reply<T>> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<Reply<T>>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve: resolve as (r: WorkerReply) => void, reject, ...(onFrame ? { onFrame } : {}) });
      this.worker.postMessage({ ...req, id } as WorkerRequest, transfer);
    });
  }

  /** Sends a request whose reply nobody waits for (`reset`); its failure shows on the next request. */
  send(req: { type: 'reset' }): void {
    if (!this.dead) this.worker.postMessage({ ...req, id: 0 } satisfies WorkerRequest);
  }

  close(): void {
    this.fail(new ModelError(`${this.label} worker was disposed`));
    void this.worker.terminate();
  }
}

/** A copy of the frames in a buffer of their own, which the worker then owns. */
function own(frames: FrameBatch): { frames: FrameBatch; transfer: ArrayBuffer[] } {
  const data = frames.data.slice();
  return { frames: { ...frames, data }, transfer: [data.buffer] };
}

/**
 * Which backend a model worker runs on (docs/ARCHITECTURE.md §7 "Throughput"):
 * - `main`: the main thread's (so the worker gives the same masks and boxes as the main thread);
 * - `preferred`: the model's `preferredBackend` in the registry (`native` for rvm and CenterNet)
 *   when it starts, else the main thread's; but `PPMA_BACKEND`, when set, forces the main thread's
 *   backend (which honours it) on every worker.
 */
export type WorkerBackend = 'main' | 'preferred';

/** Options of {@link createWorkerSegmenter} and {@link createWorkerDetector}. */
export interface WorkerOptions {
  /** Which backend the worker runs on; default `main`. */
  readonly backend?: WorkerBackend;
}

type BackendRequest = { backend: BackendName; threads: number } | null;

function mainBackend(): BackendRequest {
  try {
    const b = describeBackend();
    return { backend: b.name, threads: b.threads };
  } catch {
    return null; // none chosen yet: the worker picks one as initBackend() does
  }
}

/** The init request's backend fields for `model` (see {@link WorkerBackend}). */
export function workerBackendRequest(
  model: WorkerModel,
  choice: WorkerBackend,
): { backend: BackendRequest; fallback?: BackendRequest } {
  const main = mainBackend();
  if (choice === 'main' || process.env.PPMA_BACKEND) return { backend: main };
  const registryName = model.kind === 'segmenter' && model.name === 'selfie-crops' ? 'selfie' : model.name;
  const preferred = registryName in MODEL_REGISTRY ? getModel(registryName).preferredBackend : undefined;
  if (!preferred || preferred === main?.backend) return { backend: main };
  // one thread each: the segmenter, the catch detector and the main loop already share the cores
  const threads = Number(process.env.PPMA_THREADS) > 0 ? Number(process.env.PPMA_THREADS) : 1;
  return { backend: { backend: preferred, threads }, fallback: main };
}

async function startWorker(
  model: WorkerModel,
  choice: WorkerBackend,
): Promise<{ w: ModelWorker; info: Reply<'ready'>['info']; backend: string }> {
  const w = new ModelWorker(`${model.kind} ${model.name}`);
  try {
    const ready = await w.request<'ready'>({ type: 'init', model, ...workerBackendRequest(model, choice) });
    return { w, info: ready.info, backend: ready.backend };
  } catch (e) {
    w.close();
    throw e;
  }
}

/**
 * Builds segmenter `name` in a worker thread of its own (on the main thread's backend unless
 * `options.backend` is `preferred`, see {@link WorkerBackend}); `backend` names the one it runs on. Its
 * config must be structured-clonable (paths and numbers; not `oracle` masks of a whole video).
 */
export async function createWorkerSegmenter<N extends SegmenterName>(
  name: N,
  config: SegmenterConfigs[N],
  options: WorkerOptions = {},
): Promise<Segmenter & { readonly backend: string }> {
  const model = { kind: 'segmenter', name, config } as WorkerModel;
  const { w, info, backend } = await startWorker(model, options.backend ?? 'main');
  const stats = { warmupSeconds: 0 };
  return {
    info: info as SegmenterInfo,
    backend,
    stats,
    async segment(frames: FrameBatch, onFrame?: () => void): Promise<MaskBatch> {
      const msg = own(frames);
      const r = await w.request<'masks'>({ type: 'segment', frames: msg.frames }, msg.transfer, onFrame);
      stats.warmupSeconds += r.warmupSeconds;
      return r.masks;
    },
    reset: () => w.send({ type: 'reset' }),
    dispose: () => w.close(),
  };
}

/** Builds person detector `name` in a worker thread of its own (backend as for {@link createWorkerSegmenter}). */
export async function createWorkerDetector(
  name: DetectorName,
  config: DetectorConfig = {},
  options: WorkerOptions = {},
): Promise<PersonDetector & { readonly backend: string }> {
  const { w, info, backend } = await startWorker({ kind: 'detector', name, config }, options.backend ?? 'main');
  return {
    info: info as PersonDetector['info'],
    backend,
    async detect(frames: FrameBatch): Promise<DetectionBox[][]> {
      const msg = own(frames);
      return (await w.request<'boxes'>({ type: 'detect', frames: msg.frames }, msg.transfer)).boxes;
    },
    dispose: () => w.close(),
  };
}
