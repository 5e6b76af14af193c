/**
 * Dataset runs (docs/ARCHITECTURE.md §7 "Scale"): remove people from every video of a manifest, a folder or a
 * single video, writing the No-Human videos, a manifest in the same format, one done-marker per
 * video, `report.json` with the run summary, and optionally the privacy audit. Resumable and
 * shardable (`shard: 'i/N'`). Fail closed: a video that could not be fully processed is not
 * written and is listed with the reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import { acquireFolderLock, atomicWrite, ConfigError, createProgress, ensureRunFolder } from '@ppma/core';
import { probeVideo } from '@ppma/video-io';
import type { SegmenterConfigs } from './create-segmenter.js';
import { parseShard, resolveRunInputs, type RunEntry, type RunInputs } from './dataset-inputs.js';
import type { DetectorName } from './person-detector.js';
import type { AuditReport } from './privacy-audit.js';
import type { RemovalProfile } from './removal-profile.js';
import type { RemoveVideoOptions } from './remove-video.js';
import {
  defaultModelWorkers,
  disposeRunModels,
  loadRunModels,
  type RunAuditConfig,
  type RunModels,
} from './run-models.js';
import { summaryLines, writeRunAudit, writeRunManifest } from './run-report.js';
import { doneMarker, emptyTally, runVideo, type RunFailure, type RunOutput, type RunTally } from './run-video.js';
import type { SegmenterName } from './segmenter.js';

export type { RunFailure, RunOutput } from './run-video.js';

/** Options of {@link removeHumans}. */
export interface RemoveHumansOptions {
  /** A PPMA manifest CSV, a video, or a folder of videos. */
  readonly input: string;
  /** Output folder. */
  readonly out: string;
  /** Segmenter (default `rvm`). */
  readonly segmenter?: SegmenterName;
  /** Its config; `oracle` masks default to the synthetic companions of each video. */
  readonly segmenterConfig?: Partial<SegmenterConfigs[SegmenterName]>;
  /** Detector for the missed-person catch (default `centernet`, `none` for `oracle`; `none` turns the catch off). */
  readonly catchDetector?: DetectorName | 'none';
  /** `i/N`: process the videos whose index mod N is i. */
  readonly shard?: string | { index: number; count: number };
  /**
   * Accept manifest entries outside the manifest's folder (default false: the run refuses them).
   * Their outputs go to `<out>/_outside/<absolute path>`.
   */
  readonly allowOutsideRoot?: boolean;
  /** Skip videos that already have a done-marker and an output. */
  readonly resume?: boolean;
  /** Run the privacy audit on each output (default false). */
  readonly audit?:
    | boolean
    | {
        /** Audit detectors (default: two that the removal did not use, see {@link defaultAuditDetectors}). */
        readonly detectors?: readonly DetectorName[];
        readonly detector?: DetectorName;
        readonly minScore?: number;
        readonly inputStride?: number;
      };
  /**
   * Write each video's refined masks beside the output, `<out>/masks/<video>.mkv` (lossless gray,
   * 255 = removed, one frame per output frame; default true). `ppma review` overlays them.
   */
  readonly masks?: boolean;
  /** Options passed to each video's removal. */
  readonly video?: Omit<RemoveVideoOptions, 'segmenter' | 'catchDetector' | 'onFrame' | 'keepMasks' | 'masksOutput'>;
  /**
   * Run the segmenter (rvm, selfie-crops) and the catch detector each in a worker thread of their
   * own, a chunk ahead of the main loop (default: when the machine has more than one core). The
   * masks are the same either way.
   */
  readonly workers?: boolean;
  /** Log lines (licences, failures); default: stderr. */
  readonly log?: (line: string) => void;
  /** Show a progress bar (default true). */
  readonly progress?: boolean;
}

/** The run summary (`report.json`). */
export interface RunSummary {
  readonly segmenter: string;
  readonly licence: string;
  readonly shard: string;
  readonly videos: number;
  readonly processed: number;
  readonly skipped: number;
  readonly failed: readonly RunFailure[];
  readonly frames: number;
  readonly seconds: number;
  readonly fps: number;
  readonly outputs: readonly RunOutput[];
  /** Shot cuts found, over all processed videos. */
  readonly cuts: number;
  /** Frames whose background could not be recovered, and what was done with them (`drop`, `mark`, `keep`). */
  readonly unrecoverable: { readonly policy: string; readonly frames: number; readonly fraction: number };
  /** Seconds per part of the pipeline, summed over the processed videos. */
  readonly profile: RemovalProfile;
  /** Registry names of the models that removed the people (segmenter, its detector, the catch). */
  readonly removalModels: readonly string[];
  readonly audit?: AuditReport['summary'] & {
    readonly detector: string;
    readonly models: AuditReport['models'];
    readonly detectors: AuditReport['detectors'];
    readonly caveat?: string;
    readonly minScore: number;
    readonly errors: readonly RunFailure[];
  };
}

/** Runs human removal over a dataset: plan, load the models, lock the output, run each video, report. */
export async function removeHumans(opts: RemoveHumansOptions): Promise<RunSummary> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const plan = await planRun(opts);
  const models = await loadRunModels(
    plan.segName,
    opts.segmenterConfig,
    plan.catchName,
    opts.video?.boxes?.nearScore ?? 0.15,
    plan.auditCfg,
    log,
    opts.workers ?? defaultModelWorkers(),
  );
  try {
    const lock = lockOutput(plan);
    try {
      const t0 = performance.now();
      const { todo, skipped } = await pendingVideos(plan, opts.resume ?? false);
      const tally = await runVideos(todo, plan, models, opts, log);
      await writeRunManifest(plan.inputs, plan.out);
      const audit = await writeRunAudit(tally, models, plan.auditCfg, plan.out, plan.shardName, log);
      const summary = runSummary(plan, models, tally, skipped, (performance.now() - t0) / 1000, opts, audit);
      const reportName = plan.shardName ? `report.${plan.shardName}.json` : 'report.json';
      await atomicWrite(path.join(plan.out, reportName), [Buffer.from(JSON.stringify(summary, null, 2) + '\n')]);
      for (const l of summaryLines(summary, reportName)) log(l);
      return summary;
    } finally {
      lock.release();
    }
  } finally {
    disposeRunModels(models);
  }
}

/** What a run does: its inputs, this shard's share, the models by name and the audit. */
interface RunPlan {
  readonly shard: { readonly index: number; readonly count: number };
  /** `shard-i-of-N` for sharded runs, else null. */
  readonly shardName: string | null;
  readonly segName: SegmenterName;
  readonly catchName: DetectorName | 'none';
  readonly inputs: RunInputs;
  readonly out: string;
  readonly mine: readonly RunEntry[];
  readonly auditCfg: RunAuditConfig | null;
}

async function planRun(opts: RemoveHumansOptions): Promise<RunPlan> {
  const shard = parseShard(opts.shard);
  const segName = opts.segmenter ?? 'rvm';
  if (segName === 'oracle' && opts.segmenterConfig && 'masks' in opts.segmenterConfig) {
    throw new ConfigError(
      'segmenterConfig.masks',
      'dataset runs load the oracle masks of each video from its synthetic companions; pass no masks',
    );
  }
  const inputs = await resolveRunInputs(opts.input, { allowOutsideRoot: opts.allowOutsideRoot ?? false });
  return {
    shard,
    shardName: shard.count > 1 ? `shard-${shard.index}-of-${shard.count}` : null,
    segName,
    catchName: opts.catchDetector ?? (segName === 'oracle' ? 'none' : 'centernet'),
    inputs,
    out: path.resolve(opts.out),
    mine: inputs.entries.filter((_, k) => k % shard.count === shard.index),
    auditCfg: opts.audit === true ? {} : opts.audit || null,
  };
}

/**
 * Creates and marks the output folder (only once every model loaded, so a bad model path leaves
 * nothing behind) and takes its lock: one run per folder, or per shard for sharded runs, which
 * share the folder; a lock left by a killed run is recovered.
 */
function lockOutput(plan: RunPlan): { release(): void } {
  const { out, shard } = plan;
  fs.mkdirSync(out, { recursive: true });
  ensureRunFolder(out, { command: 'remove-humans' });
  const lockDir = plan.shardName ? path.join(out, '.locks', plan.shardName) : out;
  fs.mkdirSync(lockDir, { recursive: true });
  return acquireFolderLock(lockDir, { command: `remove-humans --out ${out} --shard ${shard.index}/${shard.count}` });
}

/** This shard's videos still to do (with their frame counts for the progress bar), and how many `resume` skips. */
async function pendingVideos(
  plan: RunPlan,
  resume: boolean,
): Promise<{ todo: { e: RunEntry; frames: number }[]; skipped: number }> {
  const todo: { e: RunEntry; frames: number }[] = [];
  let skipped = 0;
  for (const e of plan.mine) {
    if (resume && fs.existsSync(doneMarker(plan.out, e.rel)) && fs.existsSync(path.join(plan.out, e.rel))) {
      skipped++;
      continue;
    }
    let n = 0;
    try {
      n = (await probeVideo(e.input)).frameCount;
    } catch {
      n = 0; // reported when the video itself is processed
    }
    todo.push({ e, frames: n });
  }
  return { todo, skipped };
}

/** Runs every pending video under one progress bar (per frame). */
async function runVideos(
  todo: readonly { e: RunEntry; frames: number }[],
  plan: RunPlan,
  models: RunModels,
  opts: RemoveHumansOptions,
  log: (line: string) => void,
): Promise<RunTally> {
  const bar = createProgress({
    label: 'remove-humans',
    total: todo.reduce((s, x) => s + x.frames, 0),
    unit: 'frame',
    enabled: opts.progress ?? true,
  });
  const tally = emptyTally(
    models.baseSeg?.info.licence ?? (plan.segName === 'oracle' ? 'n/a (ground truth)' : 'unknown'),
  );
  const ctx = {
    out: plan.out,
    models,
    auditCfg: plan.auditCfg,
    masks: opts.masks ?? true,
    ...(opts.video ? { video: opts.video } : {}),
    bar,
    log,
  };
  try {
    for (const { e, frames } of todo) await runVideo(e, frames, ctx, tally);
  } finally {
    bar.stop();
  }
  return tally;
}

function runSummary(
  plan: RunPlan,
  models: RunModels,
  tally: RunTally,
  skipped: number,
  seconds: number,
  opts: RemoveHumansOptions,
  audit: RunSummary['audit'],
): RunSummary {
  const { frames, lost } = tally;
  return {
    segmenter: plan.segName,
    licence: tally.segLicence,
    shard: `${plan.shard.index}/${plan.shard.count}`,
    removalModels: models.removalModels,
    videos: plan.mine.length,
    processed: tally.outputs.length,
    skipped,
    failed: tally.failed,
    frames,
    seconds,
    fps: seconds > 0 ? frames / seconds : 0,
    outputs: tally.outputs,
    cuts: tally.cuts,
    unrecoverable: {
      policy: tally.policies.size ? [...tally.policies].join('+') : (opts.video?.unrecoverable ?? 'drop'),
      frames: lost,
      fraction: frames ? lost / frames : 0,
    },
    profile: tally.profile,
    ...(audit ? { audit } : {}),
  };
}
