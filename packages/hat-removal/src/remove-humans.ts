/**
 * Dataset runs (docs/ARCHITECTURE.md §7 "Scale"): remove people from every video of a manifest, a folder or a
 * single video, writing the No-Human videos, a manifest in the same format, one done-marker per
 * video, `report.json` with the run summary, and optionally the privacy audit. Resumable and
 * shardable (`shard: 'i/N'`). Fail closed: a video that could not be fully processed is not
 * written and is listed with the reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import { acquireFolderLock, atomicWrite, ConfigError, createProgress, ensureRunFolder, isPpmaError } from '@ppma/core';
import { probeVideo, writePpmaCsv } from '@ppma/video-io';
import { match } from 'ts-pattern';
import { createSegmenter, type SegmenterConfigs } from './create-segmenter.js';
import type { MaskBatch } from './frames.js';
import { parseShard, resolveRunInputs, type RunEntry } from './dataset-inputs.js';
import { createDetector, type DetectorName, type PersonDetector } from './person-detector.js';
import {
  auditVideo,
  createAuditDetectors,
  defaultAuditDetectors,
  summarizeAudit,
  type AuditReport,
  type VideoAudit,
} from './privacy-audit.js';
import { describeModel } from './registry.js';
import { emptyProfile, PROFILE_PARTS, type RemovalProfile } from './removal-profile.js';
import { removeHumansFromVideo, type RemoveVideoOptions, type RemoveVideoResult } from './remove-video.js';
import type { Segmenter, SegmenterName } from './segmenter.js';
import { loadOracleMasks, loadSynthClean } from './synth-companions.js';

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
  /** Options passed to each video's removal. */
  readonly video?: Omit<RemoveVideoOptions, 'segmenter' | 'catchDetector' | 'onFrame' | 'keepMasks'>;
  /** Log lines (licences, failures); default: stderr. */
  readonly log?: (line: string) => void;
  /** Show a progress bar (default true). */
  readonly progress?: boolean;
}

/** A video that failed. */
export interface RunFailure {
  readonly input: string;
  readonly reason: string;
  readonly code: string;
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
  readonly outputs: readonly {
    readonly input: string;
    readonly output: string;
    readonly frames: number;
    /** Frames in the output (unrecoverable frames dropped). */
    readonly framesWritten: number;
    readonly maskedFraction: number;
    readonly cuts: number;
    readonly unrecoverable: number;
  }[];
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

const doneMarker = (out: string, rel: string): string => path.join(out, '.done', `${rel}.json`);

/** Runs human removal over a dataset. */
export async function removeHumans(opts: RemoveHumansOptions): Promise<RunSummary> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const shard = parseShard(opts.shard);
  const segName = opts.segmenter ?? 'rvm';
  if (segName === 'oracle' && opts.segmenterConfig && 'masks' in opts.segmenterConfig) {
    throw new ConfigError(
      'segmenterConfig.masks',
      'dataset runs load the oracle masks of each video from its synthetic companions; pass no masks',
    );
  }
  const inputs = await resolveRunInputs(opts.input, { allowOutsideRoot: opts.allowOutsideRoot ?? false });
  const out = path.resolve(opts.out);
  const mine = inputs.entries.filter((_, k) => k % shard.count === shard.index);
  const auditCfg = opts.audit === true ? {} : opts.audit || null;
  const catchName = opts.catchDetector ?? (segName === 'oracle' ? 'none' : 'centernet');

  const baseSeg: Segmenter | null =
    segName === 'oracle' ? null : await createSegmenter(segName, (opts.segmenterConfig ?? {}) as never);
  const catchDet: PersonDetector | undefined =
    catchName === 'none'
      ? undefined
      : await createDetector(catchName, { minScore: opts.video?.boxes?.nearScore ?? 0.15 });
  const removalModels = [
    ...match(segName)
      .with('rvm', () => ['rvm'])
      .with('selfie-crops', () => [
        'selfie',
        (opts.segmenterConfig as { detector?: string } | undefined)?.detector ?? 'centernet',
      ])
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
  log(
    `removal models: ${removalModels.join(', ')}; audit models: ${(auditDets ?? []).map((d) => d.info.name).join(', ') || 'none'}`,
  );
  fs.mkdirSync(out, { recursive: true }); // only once every model loaded, so a bad model path leaves nothing behind
  ensureRunFolder(out, { command: 'remove-humans' });
  // One run per output folder (per shard for sharded runs, which share the folder); a lock left by a killed run is recovered.
  const lockDir = shard.count > 1 ? path.join(out, '.locks', `shard-${shard.index}-of-${shard.count}`) : out;
  fs.mkdirSync(lockDir, { recursive: true });
  const lock = acquireFolderLock(lockDir, {
    command: `remove-humans --out ${out} --shard ${shard.index}/${shard.count}`,
  });
  try {
    const t0 = performance.now();
    const failed: RunFailure[] = [];
    const outputs: RunSummary['outputs'][number][] = [];
    const audits: VideoAudit[] = [];
    const auditErrors: RunFailure[] = [];
    let skipped = 0;
    let frames = 0;
    let cuts = 0;
    let lost = 0;
    const policies = new Set<string>(); // the policy each video applied (oracle runs keep such frames)
    const profile = emptyProfile();
    const todo: { e: RunEntry; frames: number }[] = [];
    for (const e of mine) {
      const marker = doneMarker(out, e.rel);
      if (opts.resume && fs.existsSync(marker) && fs.existsSync(path.join(out, e.rel))) {
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
    const bar = createProgress({
      label: 'remove-humans',
      total: todo.reduce((s, x) => s + x.frames, 0),
      unit: 'frame',
      enabled: opts.progress ?? true,
    });
    let segLicence = baseSeg?.info.licence ?? (segName === 'oracle' ? 'n/a (ground truth)' : 'unknown');
    try {
      for (const { e, frames: expected } of todo) {
        const target = path.join(out, e.rel);
        const marker = doneMarker(out, e.rel);
        fs.rmSync(marker, { force: true });
        let seg: Segmenter | null = baseSeg;
        let ticked = 0;
        try {
          if (!seg) seg = await createSegmenter('oracle', { masks: await loadOracleMasks(e.input) });
          segLicence = seg.info.licence;
          const res: RemoveVideoResult = await removeHumansFromVideo(e.input, target, {
            // rvm on every 2nd frame (the frames between take the union of their neighbours' masks)
            segmentStride: segName === 'rvm' ? 2 : 1,
            // exact oracle masks: a spatially filled hole shows nothing of the person, so keep (and count) those frames
            unrecoverable: segName === 'oracle' ? 'keep' : 'drop',
            ...opts.video,
            segmenter: seg,
            ...(catchDet ? { catchDetector: catchDet } : {}),
            keepMasks: Boolean(auditCfg),
            onFrame: () => {
              ticked++;
              bar.tick(1);
            },
          });
          frames += res.frames;
          cuts += res.cuts.length;
          lost += res.unrecoverable.frames.length;
          if (res.unrecoverable.frames.length) policies.add(res.unrecoverable.policy);
          for (const k of [...PROFILE_PARTS, 'total'] as const) profile[k] += res.seconds[k];
          if (res.unrecoverable.frames.length)
            log(
              `${e.input}: ${res.unrecoverable.frames.length} of ${res.frames} frames unrecoverable (${res.unrecoverable.policy})`,
            );
          if (auditDets) {
            // an audit failure is reported, but does not undo a finished removal
            try {
              const clean = await loadSynthClean(e.input);
              audits.push(
                await auditVideo(
                  {
                    name: e.rel
                      .replace(/\.mp4$/, '')
                      .split('/')
                      .join('__'),
                    input: e.input,
                    output: target,
                    masks: res.masks as MaskBatch,
                    frameMap: res.writtenFrames,
                    ...(clean ? { clean } : {}),
                  },
                  auditDets,
                  {
                    outDir: path.join(out, 'audit'),
                    minScore: auditCfg?.minScore ?? 0.5,
                    inputStride: auditCfg?.inputStride ?? 4,
                  },
                ),
              );
            } catch (err) {
              const reason = err instanceof Error ? err.message : String(err);
              auditErrors.push({ input: e.input, reason, code: isPpmaError(err) ? err.code : 'PPMA_IO' });
              log(`audit failed: ${e.input}: ${reason}`);
            }
          }
          const { masks: _m, ...summary } = res;
          await atomicWrite(marker, [Buffer.from(JSON.stringify({ ...summary, output: e.rel }, null, 2) + '\n')]);
          outputs.push({
            input: e.input,
            output: e.rel,
            frames: res.frames,
            framesWritten: res.framesWritten,
            maskedFraction: res.maskedFraction,
            cuts: res.cuts.length,
            unrecoverable: res.unrecoverable.frames.length,
          });
        } catch (err) {
          // fail closed: nothing of this video stays in the output
          fs.rmSync(target, { force: true });
          fs.rmSync(marker, { force: true });
          const reason = err instanceof Error ? err.message : String(err);
          failed.push({ input: e.input, reason, code: isPpmaError(err) ? err.code : 'PPMA_IO' });
          log(`failed: ${e.input}: ${reason}`);
          if (expected > ticked) bar.tick(expected - ticked);
        } finally {
          if (seg && seg !== baseSeg) seg.dispose();
        }
      }
    } finally {
      bar.stop();
      baseSeg?.dispose();
      catchDet?.dispose();
    }
    // The manifest lists every video of the input that is done (by any shard), in input order.
    if (inputs.manifestName) {
      const done = inputs.entries.filter(
        (e) => fs.existsSync(doneMarker(out, e.rel)) && fs.existsSync(path.join(out, e.rel)),
      );
      await writePpmaCsv(
        {
          labels: [...inputs.labels],
          entries: done.map((e) => ({
            path: path.join(out, e.rel),
            label: e.label,
            labelName: inputs.labels[e.label],
          })),
        },
        path.join(out, inputs.manifestName),
      );
    }
    let auditSummary: RunSummary['audit'];
    if (auditDets) {
      const rep = summarizeAudit(audits, auditDets, { minScore: auditCfg?.minScore ?? 0.5, removalModels });
      auditDets.forEach((d) => d.dispose());
      await atomicWrite(
        path.join(out, 'audit', shard.count > 1 ? `audit.shard-${shard.index}-of-${shard.count}.json` : 'audit.json'),
        [Buffer.from(JSON.stringify(rep, null, 2) + '\n')],
      );
      auditSummary = {
        ...rep.summary,
        detector: rep.detector,
        models: rep.models,
        detectors: rep.detectors,
        ...(rep.caveat ? { caveat: rep.caveat } : {}),
        minScore: rep.minScore,
        errors: auditErrors,
      };
      if (rep.caveat) log(`audit: ${rep.caveat}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const summary: RunSummary = {
      segmenter: segName,
      licence: segLicence,
      shard: `${shard.index}/${shard.count}`,
      removalModels,
      videos: mine.length,
      processed: outputs.length,
      skipped,
      failed,
      frames,
      seconds,
      fps: seconds > 0 ? frames / seconds : 0,
      outputs,
      cuts,
      unrecoverable: {
        policy: policies.size ? [...policies].join('+') : (opts.video?.unrecoverable ?? 'drop'),
        frames: lost,
        fraction: frames ? lost / frames : 0,
      },
      profile,
      ...(auditSummary ? { audit: auditSummary } : {}),
    };
    const reportName = shard.count > 1 ? `report.shard-${shard.index}-of-${shard.count}.json` : 'report.json';
    await atomicWrite(path.join(out, reportName), [Buffer.from(JSON.stringify(summary, null, 2) + '\n')]);
    log(
      `remove-humans: ${summary.processed} of ${summary.videos} videos done, ${skipped} skipped, ${failed.length} failed; ` +
        `${frames} frames in ${seconds.toFixed(1)} s (${summary.fps.toFixed(2)} frames/s); ${cuts} shot cuts, ` +
        `${lost} unrecoverable frames (${summary.unrecoverable.policy})`,
    );
    return summary;
  } finally {
    lock.release();
  }
}
