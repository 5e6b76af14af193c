// End to end on data in real formats, with no index.json: real footage with people (cut into short
// labelled clips, Kinetics layout) as `real`, a small rendered set (PPMA CSV) as `synthetic`, and
// two downstream tasks in the official UCF101 and HMDB51 layouts. The human-removal stage runs the
// learned segmenter (rvm) on the real clips, the audit reports a residual-person rate, and the
// report has a row per model and a column per task. The plan (--dry-run) writes nothing under
// stages/ and, after the run, finds every stage done under the same keys.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, ManifestError, Rng } from '@ppma/core';
import { randomFlatScene, renderClip, sampleClip } from '@ppma/synth';
import { encodeVideo, findFfmpeg } from '@ppma/video-io';
import { parsePipelineConfig } from '../src/pipeline/config.js';
import type { PipelineConfigInput } from '../src/pipeline/config.js';
import { planPipeline, runPipeline } from '../src/pipeline/run-pipeline.js';
import { resolvePipelineSettings } from '../src/pipeline/presets.js';
import { importRemoval } from '../src/pipeline/stage-runs.js';

const FOOTAGE = path.join(import.meta.dirname, 'fixtures', 'pedestrians-96f-384x288.mp4');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-userdata-'));

/** Cuts `frames` frames from `start` (seconds) of the footage, scaled to 192x144. */
function cut(out: string, start: number, frames: number): void {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const r = spawnSync(findFfmpeg().ffmpeg, [
    ...['-v', 'error', '-y', '-ss', String(start), '-i', FOOTAGE],
    ...['-frames:v', String(frames), '-vf', 'scale=192:144', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', out],
  ]);
  if (r.status !== 0) throw new Error(`ffmpeg: ${r.stderr.toString()}`);
}

/** Renders one synthetic clip of `action` (a virtual human) to `out`. */
async function render(out: string, action: string, seed: string): Promise<void> {
  const r = new Rng(seed);
  const spec = sampleClip(r.split('clip'), {
    action,
    style: 'synthetic',
    scene: randomFlatScene(r.split('scene')),
    width: 64,
    height: 48,
    frames: 12,
    fps: 10,
  });
  const clip = renderClip(spec);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  // .avi as the official downloads: intra-only (lossless FFV1) so every frame seeks.
  const lossless = out.endsWith('.avi');
  await encodeVideo(out, clip.video, { width: spec.width, height: spec.height, fps: spec.fps, lossless });
}

const ACTIONS = ['walk', 'wave'];

/** Kinetics layout: `<root>/<label>/<id>_<start>_<end>.mp4` and a CSV. */
function realSet(root: string): string {
  const rows = ['label,youtube_id,time_start,time_end,split'];
  const labels = ['street-early', 'street-late'];
  for (let k = 0; k < 4; k++) {
    const label = labels[k % 2];
    const id = `clip${k}`;
    cut(path.join(root, label, `${id}_000000_000010.mp4`), k * 2, 8);
    rows.push(`${label},${id},0,10,train`);
  }
  const csv = path.join(root, 'train.csv');
  fs.writeFileSync(csv, rows.join('\n') + '\n');
  return csv;
}

/** PPMA CSV: `path;label` and labels.txt. */
async function syntheticSet(root: string): Promise<string> {
  const lines: string[] = [];
  for (let k = 0; k < 4; k++) {
    const a = ACTIONS[k % 2];
    await render(path.join(root, a, `s${k}.mp4`), a, `synthetic-${k}`);
    lines.push(`${a}/s${k}.mp4;${k % 2}`);
  }
  fs.writeFileSync(path.join(root, 'labels.txt'), ACTIONS.join('\n') + '\n');
  fs.writeFileSync(path.join(root, 'train.csv'), lines.join('\n') + '\n');
  return path.join(root, 'train.csv');
}

/** UCF101 layout: `<root>/<Class>/v_<Class>_gNN_c01.avi`, split files in `ucfTrainTestlist/`. */
async function ucfSet(root: string): Promise<string> {
  const lists = path.join(root, 'ucfTrainTestlist');
  fs.mkdirSync(lists, { recursive: true });
  const classes = ['Walk', 'Wave'];
  const train: string[] = [];
  const test: string[] = [];
  for (const [c, cls] of classes.entries())
    for (let g = 1; g <= 3; g++) {
      const rel = `${cls}/v_${cls}_g0${g}_c01.avi`;
      await render(path.join(root, rel), ACTIONS[c], `ucf-${c}-${g}`);
      (g < 3 ? train : test).push(g < 3 ? `${rel} ${c + 1}` : rel);
    }
  fs.writeFileSync(path.join(lists, 'classInd.txt'), classes.map((c, i) => `${i + 1} ${c}`).join('\n') + '\n');
  fs.writeFileSync(path.join(lists, 'trainlist01.txt'), train.join('\n') + '\n');
  fs.writeFileSync(path.join(lists, 'testlist01.txt'), test.join('\n') + '\n');
  return lists;
}

/** HMDB51 layout: `<root>/<class>/*.avi`, `<splits>/<class>_test_split1.txt` with 1 = train, 2 = test. */
async function hmdbSet(root: string, splits: string): Promise<void> {
  fs.mkdirSync(splits, { recursive: true });
  for (const [c, cls] of ['walk', 'wave'].entries()) {
    const lines: string[] = [];
    for (let k = 1; k <= 3; k++) {
      const name = `${cls}_clip_${k}.avi`;
      await render(path.join(root, cls, name), ACTIONS[c], `hmdb-${c}-${k}`);
      lines.push(`${name} ${k < 3 ? 1 : 2}`);
    }
    fs.writeFileSync(path.join(splits, `${cls}_test_split1.txt`), lines.join('\n') + '\n');
  }
}

let config: PipelineConfigInput;
let nhFolder = '';

beforeAll(async () => {
  await initBackend();
  const realCsv = realSet(path.join(dir, 'k4'));
  const synthCsv = await syntheticSet(path.join(dir, 'synapt'));
  const ucfLists = await ucfSet(path.join(dir, 'UCF-101'));
  await hmdbSet(path.join(dir, 'hmdb51'), path.join(dir, 'hmdb-splits'));
  config = {
    preset: 'tiny',
    out: path.join(dir, 'run'),
    datasets: {
      real: { format: 'kinetics', root: path.join(dir, 'k4'), annotations: realCsv, split: 'train' },
      synthetic: { format: 'ppma-csv', root: path.join(dir, 'synapt'), annotations: synthCsv },
    },
    tasks: [
      { task: 'ucf101', root: path.join(dir, 'UCF-101'), annotations: ucfLists },
      { task: 'hmdb51', root: path.join(dir, 'hmdb51'), annotations: path.join(dir, 'hmdb-splits'), fold: 1 },
    ],
    seeds: 1,
    audit: { videos: 2 },
    pretrain: { epochs: 1, batchSize: 2, repeats: 1 },
    align: { epochs: 1, batchSize: 2 },
    bench: { ftEpochs: 1, lpEpochs: 2, betaEpochs: 1 },
  };
}, 120_000);

describe('ppma pipeline on the user’s own data', () => {
  it('plans without writing under stages/, validating every dataset', async () => {
    const plan = await planPipeline(parsePipelineConfig(config), { log: () => {} });
    expect(plan.checks.map((c) => `${c.name}:${c.usable}/${c.videos}:${c.classes}`)).toEqual([
      'real:4/4:2',
      'synthetic:4/4:2',
      'tasks.ucf101.train:4/4:2',
      'tasks.ucf101.val:2/2:2',
      'tasks.hmdb51.train:4/4:2',
      'tasks.hmdb51.val:2/2:2',
    ]);
    expect(plan.stages.map((s) => s.name)).toContain('remove-humans');
    expect(plan.stages.every((s) => !s.cached)).toBe(true);
    const mae = plan.stages.find((s) => s.name === 'mae-real');
    expect(mae?.flops).toBeGreaterThan(0);
    expect(plan.speed).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(dir, 'run', 'stages'))).toBe(false);
  }, 120_000);

  it('refuses a bad dataset before any training, in one line naming the file', async () => {
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(
      bad,
      'label,youtube_id,time_start,time_end,split\nstreet-early,clip0,0,10,train\nstreet-late,gone,0,10,train\n',
    );
    const out = path.join(dir, 'bad-run');
    const c = parsePipelineConfig({
      ...config,
      out,
      datasets: { ...config.datasets!, real: { format: 'kinetics', root: path.join(dir, 'k4'), annotations: bad } },
    });
    const err = await runPipeline(c, { log: () => {}, progress: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManifestError);
    const msg = (err as Error).message;
    expect(msg.split('\n')).toHaveLength(1);
    expect(msg).toMatch(/gone|bad\.csv/);
    const stages = fs.existsSync(path.join(out, 'stages')) ? fs.readdirSync(path.join(out, 'stages')) : [];
    expect(stages.filter((s) => !s.startsWith('data-'))).toEqual([]);
  }, 120_000);

  it('runs the protocol: rvm on the real clips, a residual-person rate, a row per model and a column per task', async () => {
    const c = parsePipelineConfig(config);
    const res = await runPipeline(c, { log: () => {}, progress: false });
    const out = JSON.parse(fs.readFileSync(res.resultsJson, 'utf8')) as {
      removal: { segmenter: string; processed: number };
      audit: { residualFrameRate: number; videos: number; measures: { name: string; possible: boolean }[] };
      rows: { model: string; cells: Record<string, unknown> }[];
    };
    expect(out.removal.segmenter).toBe('rvm');
    expect(out.removal.processed).toBe(4);
    expect(out.audit.videos).toBe(2);
    expect(Number.isFinite(out.audit.residualFrameRate)).toBe(true);
    expect(out.audit.measures.find((m) => /per frame/.test(m.name))?.possible).toBe(true);
    expect(out.audit.measures.find((m) => /PSNR/.test(m.name))?.possible).toBe(false);
    expect(out.rows.map((r) => r.model)).toEqual(
      expect.arrayContaining(['scratch', 'mae-align-real', 'mae-align-synthetic', 'ppma', 'alpha-soup', 'beta-soup']),
    );
    for (const r of out.rows) expect(Object.keys(r.cells).sort()).toEqual(['hmdb51', 'ucf101']);
    const md = fs.readFileSync(res.report, 'utf8');
    expect(md).toMatch(/\| model \| ucf101 FT \| ucf101 LP \| hmdb51 FT \| hmdb51 LP \|/);
    expect(md).toMatch(/residual-person rate per frame: measured/);
    expect(md).toMatch(/PSNR\/SSIM .*: not possible \(real footage has no clean plates\)/);
    // The plan now finds every stage done, under the keys the run used.
    const plan = await planPipeline(c, { log: () => {} });
    expect(plan.stages.filter((s) => !s.cached).map((s) => s.name)).toEqual([]);
    nhFolder = plan.stages.find((s) => s.name === 'remove-humans')?.dir ?? '';
  }, 900_000);

  it('takes a No-Human set made beforehand by ppma remove-humans, merges its summary and audits it', async () => {
    const manifest = path.join(nhFolder, 'train.csv');
    expect(fs.existsSync(path.join(nhFolder, 'report.json'))).toBe(true);
    const c = parsePipelineConfig({
      ...config,
      datasets: { ...config.datasets!, noHuman: { format: 'ppma-csv', root: nhFolder, annotations: manifest } },
    });
    expect(resolvePipelineSettings(c).segmenter).toBe('rvm');
    const dir2 = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-nh-import-'));
    const r = await importRemoval({ segmenter: 'rvm', auditVideos: 1, realData: true, folder: nhFolder }, manifest, {
      dir: dir2,
      resume: false,
      progress: false,
    });
    expect(r.summary.processed).toBe(4);
    expect(r.manifest).toBe(manifest);
    expect(r.audit.videos).toBe(1);
    expect(Number.isFinite(r.audit.residualFrameRate)).toBe(true);
    await expect(
      importRemoval({ segmenter: 'rvm', auditVideos: 1, realData: true, folder: dir2 }, manifest, {
        dir: dir2,
        resume: false,
        progress: false,
      }),
    ).rejects.toThrow(/holds no report\.json of ppma remove-humans/);
  }, 300_000);
});
