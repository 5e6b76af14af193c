/**
 * Reads the output folder of a human-removal run (docs/ARCHITECTURE.md §7) by its on-disk format:
 * the run reports (`report.json`, `report.shard-i-of-N.json`: `outputs[]` with the input path and
 * the output's path relative to the folder), the privacy audits (`audit/audit.json` and its shard
 * files: `videos[]` with the per-frame residual-person counts and the flagged frames), and the
 * removal masks when the run wrote them (`masks/<video>.mkv` or `.mp4`, gray, 255 = removed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, ManifestError } from '@ppma/core';
import { z } from 'zod';
import { isInside } from './path-guard.js';

const frameList = z.array(z.number().int().nonnegative());

const reportSchema = z.looseObject({
  outputs: z.array(
    z.looseObject({
      input: z.string(),
      output: z.string(),
      frames: z.number().optional(),
      /** Input index of each output frame (runs that dropped unrecoverable frames write fewer). */
      writtenFrames: frameList.optional(),
    }),
  ),
});

/** A video's done-marker (`.done/<video>.json`): older reports lack `writtenFrames`, the markers have it. */
const markerSchema = z.looseObject({ writtenFrames: frameList.optional() });

const auditVideoSchema = z.looseObject({
  name: z.string().optional(),
  input: z.string(),
  output: z.string(),
  frames: z.number().int().nonnegative().optional(),
  residualRate: z.number().optional(),
  residualFrames: z.array(z.number().int()).default([]),
  outputPersons: z.array(z.number()).optional(),
  /** The highest person score per output frame, when the audit wrote it. */
  outputScores: z.array(z.number()).optional(),
  hasResidual: z.boolean(),
  sheet: z.string().optional(),
});

const auditSchema = z.looseObject({
  detector: z.string().default('unknown'),
  minScore: z.number().optional(),
  /** Set when the audit's detectors hardly see the people of the input. */
  caveat: z.string().optional(),
  models: z.looseObject({ removal: z.array(z.string()), audit: z.array(z.string()) }).optional(),
  videos: z.array(auditVideoSchema),
});

/** What the automatic audit said about one video. */
export interface VideoAuditView {
  /** The audit detector(s), `+`-joined. */
  readonly detector: string;
  /** The audit's own warning that its residual rates say little (detectors blind to the input's people). */
  readonly caveat: string | undefined;
  /** The models that removed the people, when the audit names them. */
  readonly removalModels: readonly string[] | undefined;
  readonly minScore: number | undefined;
  readonly hasResidual: boolean;
  readonly residualRate: number | undefined;
  readonly residualFrames: readonly number[];
  /** Persons detected per output frame. */
  readonly outputPersons: readonly number[] | undefined;
  /** Highest person score per output frame (when the audit wrote it). */
  readonly outputScores: readonly number[] | undefined;
  /** The contact sheet, relative to the output folder (when it is inside it). */
  readonly sheet: string | undefined;
}

/** One video of the review. */
export interface ReviewVideo {
  /** The output's path relative to the folder, with `/` separators: the id used in `review.json`. */
  readonly id: string;
  /** The original video (absolute). */
  readonly input: string;
  /** The human-removed video (absolute, inside the folder). */
  readonly output: string;
  /** The removal masks video (absolute), when the run wrote one. */
  readonly masks: string | undefined;
  /**
   * Input frame index of each output frame (from the report's `writtenFrames`, or the video's
   * done-marker), when the run recorded it; undefined means output frame `t` is input frame `t`.
   * Runs that drop unrecoverable frames write fewer frames than the input has.
   */
  readonly frameMap?: readonly number[];
  readonly audit: VideoAuditView | undefined;
}

function readJson<T>(file: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ManifestError(file, `not readable JSON (${(e as Error).message})`, { cause: e });
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw new ManifestError(file, `unexpected content: ${z.prettifyError(r.error)}`);
  return r.data;
}

const list = (dir: string, re: RegExp): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => re.test(f))
        .sort()
        .map((f) => path.join(dir, f))
    : [];

/** The name `remove-humans --audit` gives a video's audit: its id without `.mp4`, `/` as `__`. */
const auditName = (id: string): string =>
  id
    .replace(/\.mp4$/, '')
    .split('/')
    .join('__');

const toId = (rel: string): string => rel.split(path.sep).join('/');

/** The file name of an id without its extension (`train/walk/walk_000.mp4` -> `walk_000`). */
const fileStem = (id: string): string => path.posix.basename(id).replace(/\.[^.]+$/, '');

/** `writtenFrames` of the video's done-marker, when it has one. */
function markerFrames(dir: string, id: string): readonly number[] | undefined {
  const file = path.join(dir, '.done', ...`${id}.json`.split('/'));
  return fs.existsSync(file) ? readJson(file, markerSchema).writtenFrames : undefined;
}

const frameMapOf = (m: readonly number[] | undefined): { frameMap?: readonly number[] } => (m ? { frameMap: m } : {});

function findMasks(dir: string, id: string): string | undefined {
  const stem = id.replace(/\.[^./]+$/, '');
  for (const c of [`${stem}.mkv`, `${stem}.mp4`])
    if (fs.existsSync(path.join(dir, 'masks', c))) return path.join(dir, 'masks', c);
  return undefined;
}

/**
 * The videos of a removal output folder, in the order of its reports (then its audits).
 * @throws ConfigError when the folder has neither a run report nor an audit;
 *   ManifestError naming the file when a report or audit is not in the expected format.
 */
export function loadRemovalOutput(dirIn: string): ReviewVideo[] {
  const dir = path.resolve(dirIn);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new ConfigError('in', `${dir} is not a folder (give the output folder of ppma remove-humans)`);
  const reports = list(dir, /^report(\.shard-\d+-of-\d+)?\.json$/);
  const audits = list(path.join(dir, 'audit'), /^audit(\.shard-\d+-of-\d+)?\.json$/);
  if (reports.length === 0 && audits.length === 0)
    throw new ConfigError('in', `${dir} has no report.json of a remove-humans run and no audit/audit.json`);
  const byId = new Map<string, VideoAuditView & { input: string }>();
  const byName = new Map<string, VideoAuditView & { input: string }>(); // audits of a folder since moved
  for (const f of audits) {
    const a = readJson(f, auditSchema);
    for (const v of a.videos) {
      const out = path.resolve(dir, v.output);
      const sheet = v.sheet !== undefined ? path.resolve(path.dirname(f), v.sheet) : undefined;
      const view = {
        input: v.input,
        detector: a.detector,
        caveat: a.caveat,
        removalModels: a.models?.removal,
        minScore: a.minScore,
        hasResidual: v.hasResidual,
        residualRate: v.residualRate,
        residualFrames: v.residualFrames,
        outputPersons: v.outputPersons,
        outputScores: v.outputScores,
        sheet: sheet !== undefined && isInside(dir, sheet) ? toId(path.relative(dir, sheet)) : undefined,
      };
      if (isInside(dir, out)) byId.set(toId(path.relative(dir, out)), view);
      else if (v.name !== undefined) byName.set(v.name, view);
    }
  }
  const listed = reports.flatMap((f) =>
    readJson(f, reportSchema).outputs.map((o) => ({
      id: toId(path.normalize(o.output)),
      input: o.input,
      writtenFrames: o.writtenFrames,
    })),
  );
  // `auditRemoval` names a video by its file name: a moved folder's audits are matched by it too,
  // when no other video of the folder has the same file name
  const stems = new Map<string, number>();
  for (const { id } of listed) stems.set(fileStem(id), (stems.get(fileStem(id)) ?? 0) + 1);
  const byStem = (id: string) => (stems.get(fileStem(id)) === 1 ? byName.get(fileStem(id)) : undefined);
  const videos = new Map<string, ReviewVideo>();
  const add = (id: string, input: string, writtenFrames?: readonly number[]): void => {
    if (videos.has(id)) return;
    const found = byId.get(id) ?? byName.get(auditName(id)) ?? byStem(id);
    const output = path.join(dir, ...id.split('/'));
    if (!isInside(dir, output)) throw new ManifestError(id, `output ${id} lies outside ${dir}`);
    videos.set(id, {
      id,
      input: path.resolve(dir, input),
      output,
      masks: findMasks(dir, id),
      ...frameMapOf(writtenFrames ?? markerFrames(dir, id)),
      audit: found ? (({ input: _i, ...a }) => a)(found) : undefined,
    });
  };
  for (const { id, input, writtenFrames } of listed) add(id, input, writtenFrames);
  for (const [id, a] of byId) add(id, a.input);
  return [...videos.values()];
}
