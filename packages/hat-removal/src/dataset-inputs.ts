/**
 * What a dataset run works on: a PPMA manifest (`relpath;label` CSV), one video, or a folder of
 * videos (a folder per class gives the labels; `*.clean.*` clean plates of `@ppma/synth` are skipped).
 * Each entry gets a stable relative output path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, VideoInputError } from '@ppma/core';
import { readPpmaCsv, type Manifest } from '@ppma/video-io';

/** File extensions taken as videos when a folder is given. */
export const VIDEO_EXTENSIONS = ['.mp4', '.avi', '.mkv', '.webm', '.mov', '.m4v', '.mpg', '.mpeg'] as const;

/** One video of a run. */
export interface RunEntry {
  /** Absolute input path. */
  readonly input: string;
  /** Output path relative to the run's output folder (always `.mp4`). */
  readonly rel: string;
  readonly label: number;
}

/** The videos of a run, the labels, and the manifest name to write. */
export interface RunInputs {
  readonly entries: readonly RunEntry[];
  readonly labels: readonly string[];
  /** File name of the output manifest (`<name>.csv`), or null for a single video. */
  readonly manifestName: string | null;
}

function toMp4(rel: string): string {
  return rel.slice(0, rel.length - path.extname(rel).length) + '.mp4';
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (
      (VIDEO_EXTENSIONS as readonly string[]).includes(path.extname(e.name).toLowerCase()) &&
      !/\.clean\.[^.]+$/.test(e.name)
    )
      out.push(p);
  }
  return out;
}

/** Options of {@link resolveRunInputs}. */
export interface ResolveInputsOptions {
  /**
   * Accept manifest entries outside the manifest's folder (default false: they are refused, naming
   * the line's path). Their outputs go to `_outside/<absolute path>`, so they cannot collide.
   */
  readonly allowOutsideRoot?: boolean;
}

/** Output path of a manifest entry: its path relative to the dataset root, or null when it escapes the root. */
function relToRoot(root: string, file: string): string | null {
  const rel = path.relative(root, file);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return null;
  return rel.split(path.sep).join('/');
}

/** Every entry must map to its own output; two inputs with one output (e.g. `a.avi` and `a.mp4`) are refused. */
function checkCollisions(entries: readonly RunEntry[]): void {
  const seen = new Map<string, string>();
  for (const e of entries) {
    const other = seen.get(e.rel);
    if (other !== undefined && other !== e.input)
      throw new ConfigError('in', `${other} and ${e.input} would both be written to ${e.rel}`);
    seen.set(e.rel, e.input);
  }
}

/**
 * Resolves `--in` (manifest, video or folder) into run entries. Outputs keep each input's path
 * relative to the dataset root (the folder given, or the manifest's folder).
 * @throws ConfigError when a manifest entry escapes the root (unless `allowOutsideRoot`) or two inputs share an output.
 */
export async function resolveRunInputs(input: string, opts: ResolveInputsOptions = {}): Promise<RunInputs> {
  const abs = path.resolve(input);
  if (!fs.existsSync(abs))
    throw new VideoInputError(abs, 'missing', 'the input (manifest, video or folder) does not exist');
  if (fs.statSync(abs).isDirectory()) {
    const files = walk(abs);
    if (files.length === 0) throw new ConfigError('in', `no video files (${VIDEO_EXTENSIONS.join(', ')}) under ${abs}`);
    const rels = files.map((f) => path.relative(abs, f).split(path.sep).join('/'));
    const classes = [...new Set(rels.map((r) => (r.includes('/') ? r.split('/')[0] : '')))].sort();
    const labels = classes.length === 1 && classes[0] === '' ? ['0'] : classes;
    const entries = files.map((f, k) => {
      const cls = rels[k].includes('/') ? rels[k].split('/')[0] : '';
      return { input: f, rel: toMp4(rels[k]), label: Math.max(0, labels.indexOf(cls)) };
    });
    checkCollisions(entries);
    return { entries, labels, manifestName: 'manifest.csv' };
  }
  if (path.extname(abs).toLowerCase() === '.csv') {
    // readPpmaCsv may refuse escaping paths itself; we pass the choice on and check again below
    const m: Manifest = await readPpmaCsv(abs, { allowOutsideRoot: opts.allowOutsideRoot ?? false });
    const dir = path.dirname(abs);
    const entries = m.entries.map((e) => {
      const file = path.resolve(e.path);
      const rel = relToRoot(dir, file);
      if (rel !== null) return { input: file, rel: toMp4(rel), label: e.label };
      if (!opts.allowOutsideRoot)
        throw new ConfigError(
          'in',
          `${abs}: ${e.path} lies outside the manifest's folder ${dir}; move it under that folder, or allow it explicitly (allowOutsideRoot, --allow-outside-root)`,
        );
      const outside = file.split(path.sep).filter((p) => p !== '' && !p.endsWith(':'));
      return { input: file, rel: toMp4(['_outside', ...outside].join('/')), label: e.label };
    });
    checkCollisions(entries);
    return { entries, labels: m.labels, manifestName: path.basename(abs) };
  }
  return { entries: [{ input: abs, rel: toMp4(path.basename(abs)), label: 0 }], labels: ['0'], manifestName: null };
}

/** Parses `--shard i/N` (0-based i). */
export function parseShard(value: string | { index: number; count: number } | undefined): {
  index: number;
  count: number;
} {
  if (value === undefined) return { index: 0, count: 1 };
  if (typeof value !== 'string') {
    if (!(
      Number.isInteger(value.index) &&
      Number.isInteger(value.count) &&
      value.count > 0 &&
      value.index >= 0 &&
      value.index < value.count
    )) {
      throw new ConfigError('shard', `needs 0 <= index < count, got ${value.index}/${value.count}`);
    }
    return value;
  }
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!m) throw new ConfigError('shard', `expected "i/N" (0-based i), got "${value}"`);
  return parseShard({ index: Number(m[1]), count: Number(m[2]) });
}
