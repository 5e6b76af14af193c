/**
 * Readers of official dataset annotations: UCF101 (classInd + train/test lists), HMDB51 (split
 * files with 0/1/2 flags), Something-Something V2 (JSON + labels JSON), Kinetics (CSV, clips named
 * `<youtube_id>_<start:06d>_<end:06d>` in class folders) and Diving48 (JSON + vocabulary).
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { ManifestError } from '@ppma/core';
import type { Manifest } from './manifest.js';
import { build, exists, isVideoName, listDir, parseCsv, readJson, readText, sortedNames } from './manifest-util.js';
import { dataLines, readLabelsFile } from './ppma-csv.js';
import { parseLabelId } from './manifest-strict.js';
import type { StrictManifestOptions } from './manifest-strict.js';

type Split = 'train' | 'val' | 'test';

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** UCF101: `classInd.txt` is 1-based on disk (`1 ApplyEyeMakeup`); our ids are those minus 1. */
export async function readUcf101(
  root: string,
  annDir: string,
  split: Split,
  fold: number,
  strict: StrictManifestOptions = {},
): Promise<Manifest> {
  const classFile = join(annDir, 'classInd.txt');
  const labels: string[] = [];
  const classLines = dataLines(await readText(classFile));
  for (const { line, n } of classLines) {
    const [idText, name] = line.split(/\s+/);
    const id = parseLabelId(idText);
    if (id === null || id < 1 || !name)
      throw new ManifestError(classFile, `line ${n}: expected "<1-based id> <class>", got "${line}"`);
    if (id > classLines.length)
      throw new ManifestError(classFile, `line ${n}: class id ${id} but the file lists ${classLines.length} classes`);
    if (labels[id - 1] !== undefined) throw new ManifestError(classFile, `line ${n}: class id ${id} is listed twice`);
    labels[id - 1] = name;
  }
  const missing = labels.findIndex((l) => l === undefined);
  if (missing >= 0 || labels.length === 0)
    throw new ManifestError(classFile, `class ids are not 1..N (id ${missing + 1} is missing)`);
  const byName = new Map(labels.map((l, i) => [l.toLowerCase(), i]));
  const listFile = join(annDir, `${split === 'train' ? 'trainlist' : 'testlist'}0${fold}.txt`);
  const items = dataLines(await readText(listFile)).map(({ line, n }) => {
    const [rel, idText] = line.split(/\s+/);
    const cls = rel.split('/')[0];
    const fromName = byName.get(cls.toLowerCase());
    const parsed = idText === undefined ? undefined : parseLabelId(idText);
    const label = parsed === undefined ? fromName : parsed === null ? undefined : parsed - 1;
    if (label === undefined || !Number.isInteger(label) || (fromName !== undefined && label !== fromName)) {
      throw new ManifestError(listFile, `line ${n}: cannot tell the class of "${line}"`);
    }
    return { path: join(root, rel), label, line: n };
  });
  return build(listFile, labels, items, { ...strict, root });
}

/** HMDB51: `<class>_test_split<k>.txt` files, `video.avi 1|2|0` (1 train, 2 test, 0 unused); ids in sorted class order. */
export async function readHmdb51(
  root: string,
  annDir: string,
  split: Split,
  fold: number,
  strict: StrictManifestOptions = {},
): Promise<Manifest> {
  const suffix = `_test_split${fold}.txt`;
  const files = (await listDir(annDir)).filter((d) => d.isFile() && d.name.endsWith(suffix)).map((d) => d.name);
  if (files.length === 0) throw new ManifestError(annDir, `no *${suffix} split files`);
  const labels = sortedNames(files.map((f) => f.slice(0, -suffix.length)));
  const want = split === 'train' ? 1 : 2;
  const items: { path: string; label: number; line: string }[] = [];
  for (const [id, cls] of labels.entries()) {
    const file = join(annDir, `${cls}${suffix}`);
    for (const { line, n } of dataLines(await readText(file))) {
      const [video, flag] = line.split(/\s+/);
      if (!['0', '1', '2'].includes(flag))
        throw new ManifestError(file, `line ${n}: expected "<video> 0|1|2", got "${line}"`);
      if (Number(flag) === want) items.push({ path: join(root, cls, video), label: id, line: `${file} line ${n}` });
    }
  }
  return build(annDir, labels, items, { ...strict, root });
}

function asRecord(v: unknown, file: string, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ManifestError(file, `${what} must be a JSON object`);
  return v as Record<string, unknown>;
}

function asArray(v: unknown, file: string, what: string): unknown[] {
  if (!Array.isArray(v)) throw new ManifestError(file, `${what} must be a JSON array`);
  return v;
}

/** Something-Something V2: `labels.json` (`{template: "id"}`) and `train.json` / `validation.json` entries `{id, template}`; videos `<root>/<id>.webm`. */
export async function readSsv2(
  root: string,
  ann: string,
  split: Split,
  strict: StrictManifestOptions = {},
): Promise<Manifest> {
  const annDir = (await isDir(ann)) ? ann : dirname(ann);
  const listFile = (await isDir(ann))
    ? join(annDir, split === 'train' ? 'train.json' : split === 'val' ? 'validation.json' : 'test.json')
    : ann;
  const labelsFile = join(annDir, 'labels.json');
  const map = asRecord(await readJson(labelsFile), labelsFile, 'labels.json');
  const labels: string[] = [];
  const count = Object.keys(map).length;
  for (const [name, idv] of Object.entries(map)) {
    const id =
      typeof idv === 'string' ? parseLabelId(idv) : typeof idv === 'number' && Number.isInteger(idv) ? idv : null;
    if (id === null || id < 0 || id >= count)
      throw new ManifestError(labelsFile, `label "${name}" has id ${JSON.stringify(idv)} (expected 0..${count - 1})`);
    if (labels[id] !== undefined)
      throw new ManifestError(labelsFile, `labels "${labels[id]}" and "${name}" share id ${id}`);
    labels[id] = name;
  }
  if (labels.some((l) => l === undefined) || labels.length === 0)
    throw new ManifestError(labelsFile, 'label ids are not 0..N-1');
  const byName = new Map(labels.map((l, i) => [l, i]));
  const items = asArray(await readJson(listFile), listFile, 'the split').map((raw, k) => {
    const e = asRecord(raw, listFile, `entry ${k}`);
    const template = typeof e.template === 'string' ? e.template.replace(/[[\]]/g, '') : undefined;
    const label = template === undefined ? undefined : byName.get(template);
    if (typeof e.id !== 'string' && typeof e.id !== 'number') throw new ManifestError(listFile, `entry ${k} has no id`);
    if (label === undefined)
      throw new ManifestError(
        listFile,
        `entry ${k} (id ${e.id}): template ${JSON.stringify(e.template)} is not in labels.json`,
      );
    return { path: join(root, `${e.id}.webm`), label, line: `entry ${k}` };
  });
  return build(listFile, labels, items, { ...strict, root });
}

/** Kinetics CSV (`label,youtube_id,time_start,time_end,split`); clips `<root>/<label>/<id>_<start:06d>_<end:06d>.<ext>`; ids in sorted label order (or `labels.txt` beside the CSV). */
export async function readKinetics(
  root: string,
  csvFile: string,
  strict: StrictManifestOptions = {},
): Promise<Manifest> {
  const rows = parseCsv(await readText(csvFile));
  const header = (rows.shift() ?? []).map((h) => h.trim());
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new ManifestError(csvFile, `header has no "${name}" column (got ${header.join(',')})`);
    return i;
  };
  const [cl, cy, cs, ce] = [col('label'), col('youtube_id'), col('time_start'), col('time_end')];
  const beside = join(dirname(csvFile), `${basename(csvFile, extname(csvFile))}.labels.txt`);
  const labels = (await exists(beside))
    ? await readLabelsFile(beside)
    : (await exists(join(dirname(csvFile), 'labels.txt')))
      ? await readLabelsFile(join(dirname(csvFile), 'labels.txt'))
      : sortedNames(rows.map((r) => r[cl]));
  const byName = new Map(labels.map((l, i) => [l, i]));
  const dirCache = new Map<string, Map<string, string>>();
  const folderFiles = async (dir: string): Promise<Map<string, string>> => {
    let m = dirCache.get(dir);
    if (!m) {
      m = new Map();
      if (await isDir(dir))
        for (const d of await listDir(dir)) if (isVideoName(d.name)) m.set(basename(d.name, extname(d.name)), d.name);
      dirCache.set(dir, m);
    }
    return m;
  };
  const items: { path: string; label: number; line: string }[] = [];
  for (const [k, r] of rows.entries()) {
    const name = r[cl];
    const label = byName.get(name);
    const s = Number(r[cs]);
    const e = Number(r[ce]);
    if (label === undefined || !r[cy] || !Number.isFinite(s) || !Number.isFinite(e))
      throw new ManifestError(csvFile, `row ${k + 2}: malformed (${r.join(',')})`);
    const stem = `${r[cy]}_${String(Math.round(s)).padStart(6, '0')}_${String(Math.round(e)).padStart(6, '0')}`;
    let path = join(root, name, `${stem}.mp4`);
    for (const folder of [name, name.replace(/ /g, '_')]) {
      const hit = (await folderFiles(join(root, folder))).get(stem);
      if (hit) {
        path = join(root, folder, hit);
        break;
      }
    }
    items.push({ path, label, line: `row ${k + 2}` });
  }
  return build(csvFile, labels, items, { ...strict, root });
}

/** Diving48: `Diving48_V2_<train|test>.json` entries `{vid_name, label}`, names from `Diving48_vocab.json`; videos `<root>/<vid_name>.mp4`. */
export async function readDiving48(
  root: string,
  ann: string,
  split: Split,
  strict: StrictManifestOptions = {},
): Promise<Manifest> {
  const annDir = (await isDir(ann)) ? ann : dirname(ann);
  let listFile = ann;
  if (await isDir(ann)) {
    const name = split === 'train' ? 'train' : 'test';
    listFile = join(annDir, `Diving48_V2_${name}.json`);
    if (!(await exists(listFile))) listFile = join(annDir, `Diving48_${name}.json`);
  }
  const entries = asArray(await readJson(listFile), listFile, 'the split').map((raw, k) => {
    const e = asRecord(raw, listFile, `entry ${k}`);
    if (typeof e.vid_name !== 'string' || !Number.isInteger(e.label))
      throw new ManifestError(listFile, `entry ${k} needs "vid_name" and an integer "label"`);
    return { vid: e.vid_name, label: e.label as number };
  });
  const vocabFile = join(annDir, 'Diving48_vocab.json');
  let labels: string[];
  if (await exists(vocabFile)) {
    labels = asArray(await readJson(vocabFile), vocabFile, 'the vocabulary').map((v) =>
      Array.isArray(v) ? v.join(' ') : String(v),
    );
  } else {
    labels = Array.from({ length: 48 }, (_, i) => String(i));
  }
  return build(
    listFile,
    labels,
    entries.map((e, k) => ({ path: join(root, `${e.vid}.mp4`), label: e.label, line: `entry ${k}` })),
    { ...strict, root },
  );
}
