/**
 * The models of a dataset run (docs/ARCHITECTURE.md §7): the segmenter, the missed-person catch
 * and the audit detectors, loaded once for all videos; each is logged with its licence.
 */
import os from 'node:os';
import { match } from 'ts-pattern';
import { createSegmenter, type SegmenterConfigs } from './create-segmenter.js';
import { createDetector, type DetectorName, type PersonDetector } from './person-detector.js';
import { createWorkerDetector, createWorkerSegmenter } from './model-proxy.js';
import { createAuditDetectors, defaultAuditDetectors } from './privacy-audit.js';
import { describeModel } from './registry.js';
import type { Segmenter, SegmenterName } from './segmenter.js';

/** What the audit of a run is asked to do (the object form of `RemoveHumansOptions.audit`). */
export interface RunAuditConfig {
  readonly detectors?: readonly DetectorName[];
  readonly detector?: DetectorName;
  readonly minScore?: number;
  readonly inputStride?: number;
}

/** The loaded models of a run. */
export interface RunModels {
  readonly segName: SegmenterName;
  /** The shared segmenter; null for `oracle`, which is built per video from its masks. */
  readonly baseSeg: Segmenter | null;
  readonly catchName: DetectorName | 'none';
  readonly catchDet?: PersonDetector;
  /** Registry names of the models that removed the people. */
  readonly removalModels: readonly string[];
  readonly auditDets: PersonDetector[] | null;
}

/** Segmenters that can run in a worker thread of their own (tfjs models with plain configs). */
const WORKER_SEGMENTERS: ReadonlySet<SegmenterName> = new Set(['rvm', 'selfie-crops']);

/** Whether runs put their models in worker threads by default: when there is more than one core. */
export function defaultModelWorkers(): boolean {
  return os.availableParallelism() > 1;
}

/**
 * Loads the segmenter, the catch detector and the audit detectors, and logs them. With `workers`,
 * the segmenter (rvm, selfie-crops) and the catch detector each run in a worker thread of their own,
 * so they compute alongside each other and the main loop (docs/ARCHITECTURE.md §7 "Throughput"),
 * each on its registry's preferred backend (`native` for rvm and CenterNet) when it starts there,
 * else the main thread's; `PPMA_BACKEND`, when set, forces every worker onto the main thread's.
 */
export async function loadRunModels(
  segName: SegmenterName,
  segConfig: Partial<SegmenterConfigs[SegmenterName]> | undefined,
  catchName: DetectorName | 'none',
  catchScore: number,
  auditCfg: RunAuditConfig | null,
  log: (line: string) => void,
  workers = false,
): Promise<RunModels> {
  const segCfg = (segConfig ?? {}) as never;
  const baseSeg: Segmenter | null =
    segName === 'oracle'
      ? null
      : workers && WORKER_SEGMENTERS.has(segName)
        ? await createWorkerSegmenter(segName, segCfg, { backend: 'preferred' })
        : await createSegmenter(segName, segCfg);
  const detCfg = { minScore: catchScore };
  const catchDet =
    catchName === 'none'
      ? undefined
      : workers
        ? await createWorkerDetector(catchName, detCfg, { backend: 'preferred' })
        : await createDetector(catchName, detCfg);
  const removalModels = [
    ...match(segName)
      .with('rvm', () => ['rvm'])
      .with('selfie-crops', () => ['selfie', (segConfig as { detector?: string } | undefined)?.detector ?? 'centernet'])
      .with('onnx', () => ['onnx'])
      .with('oracle', () => ['oracle'])
      .exhaustive(),
    ...(catchName === 'none' ? [] : [catchName]),
  ];
  const auditDets = auditCfg
    ? await createAuditDetectors({
        detectors:
          auditCfg.detectors ?? (auditCfg.detector ? [auditCfg.detector] : defaultAuditDetectors(removalModels)),
        minScore: auditCfg.minScore ?? 0.5,
      })
    : null;
  if (baseSeg) for (const m of baseSeg.info.models) log(`segmenter ${m}`);
  match(segName)
    .with('rvm', () => log(describeModel('rvm')))
    .with('selfie-crops', () => log(describeModel('selfie')))
    .with('onnx', 'oracle', () => undefined)
    .exhaustive();
  if (catchName !== 'none') log(describeModel(catchName));
  for (const d of auditDets ?? []) log(`audit: ${describeModel(d.info.name)}`);
  const on = (m: Segmenter | PersonDetector | undefined | null): string =>
    m && 'backend' in m ? ` (${String(m.backend)})` : '';
  const threaded = workers
    ? [
        ...(baseSeg && WORKER_SEGMENTERS.has(segName) ? [segName + on(baseSeg)] : []),
        ...(catchDet ? [catchName + on(catchDet)] : []),
      ]
    : [];
  if (threaded.length) log(`in worker threads: ${threaded.join(', ')}`);
  log(
    `removal models: ${removalModels.join(', ')}; audit models: ${(auditDets ?? []).map((d) => d.info.name).join(', ') || 'none'}`,
  );
  return { segName, baseSeg, catchName, ...(catchDet ? { catchDet } : {}), removalModels, auditDets };
}

/** Frees the models of a run. */
export function disposeRunModels(m: RunModels): void {
  m.baseSeg?.dispose();
  m.catchDet?.dispose();
  m.auditDets?.forEach((d) => d.dispose());
}
