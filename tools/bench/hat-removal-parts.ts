/**
 * Parts of the human-removal bench (tools/bench/hat-removal.ts): the hard cases (cuts, close-ups,
 * background people) audited by detectors the removal did not use, the real pedestrian clip with
 * its README contact sheet, and the synthetic clips with known clean plates.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateBenchmark } from '@ppma/synth';
import { decodeFrames } from '@ppma/video-io';
import { contactSheet, removeHumans } from '@ppma/hat-removal';
import { backgroundClip, closeupClip, cutsClip, streetClip } from '../../packages/hat-removal/test/helpers/footage.js';

const load = (): string => os.loadavg()[0].toFixed(1);

/** Cuts, close-ups and small background people: written frames with a person, by independent detectors. */
export async function benchCases(tmp: string, short: boolean): Promise<Record<string, unknown>> {
  const n = short ? 12 : 32;
  const [w, h] = [384, 288];
  const cases = [
    { name: 'street', file: streetClip(path.join(tmp, 'c-street.mp4'), w, h, 2 * n), cuts: [] as number[] },
    { name: 'cuts', file: cutsClip(path.join(tmp, 'c-cuts.mp4'), w, h, n), cuts: [n, 2 * n] },
    { name: 'close-ups', file: closeupClip(path.join(tmp, 'c-close.mp4'), w, h, n), cuts: [n] },
    { name: 'background people', file: backgroundClip(path.join(tmp, 'c-bg.mp4'), w, h, 2 * n), cuts: [] },
  ];
  const rows: Record<string, unknown>[] = [];
  for (const c of cases) {
    const out = path.join(tmp, `case-${c.name.replace(/ /g, '-')}`);
    const sum = await removeHumans({
      input: c.file,
      out,
      audit: { minScore: 0.5, inputStride: 1 },
      progress: false,
      log: () => undefined,
    });
    const report = JSON.parse(fs.readFileSync(path.join(out, 'audit', 'audit.json'), 'utf8'));
    const v = report.videos[0];
    const done = JSON.parse(fs.readFileSync(path.join(out, '.done', path.basename(c.file) + '.json'), 'utf8'));
    const row = {
      case: c.name,
      frames: sum.frames,
      written: v?.frames ?? 0,
      dropped: sum.unrecoverable.frames,
      cutsTrue: c.cuts,
      cutsFound: done.cuts,
      inputPersonRate: v?.inputPersonRate ?? 0,
      residualWritten: v?.residualFrames.length ?? 0,
      residualRate: v?.residualRate ?? 0,
      byDetector: Object.fromEntries(
        Object.entries(v?.byDetector ?? {}).map(([k, d]) => [
          k,
          {
            input: (d as { inputPersonRate: number }).inputPersonRate,
            residual: (d as { residualFrames: number[] }).residualFrames.length,
          },
        ]),
      ),
      removal: sum.removalModels,
      audit: report.models.audit,
      fps: sum.fps,
      load1: load(),
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  console.log(`\ncases (${w}x${h}; removal ${String(rows[0]?.removal)}; audit ${String(rows[0]?.audit)} >= 0.5)\n`);
  console.log(
    '| case | frames | written | dropped | cuts (true / found) | input frames with a person | written frames with a person | frames/s | load |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows)
    console.log(
      `| ${String(r.case)} | ${String(r.frames)} | ${String(r.written)} | ${String(r.dropped)} | ${JSON.stringify(r.cutsTrue)} / ${JSON.stringify(r.cutsFound)} | ` +
        `${(100 * Number(r.inputPersonRate)).toFixed(0)}% | ${String(r.residualWritten)} (${(100 * Number(r.residualRate)).toFixed(1)}%) | ${Number(r.fps).toFixed(2)} | ${String(r.load1)} |`,
    );
  return { rows };
}

/** The real clip with the audit; the contact sheet goes into the README. */
export async function benchPedestrians(tmp: string, pkg: string, fixture: string): Promise<Record<string, unknown>> {
  const out = path.join(tmp, 'pedestrians');
  const sum = await removeHumans({
    input: fixture,
    out,
    audit: { minScore: 0.5, inputStride: 4 },
    progress: false,
    log: (l) => console.log(l),
  });
  const before = await decodeFrames(fixture);
  const after = await decodeFrames(path.join(out, path.basename(fixture)));
  // the mask column: what the run changed (the run's own masks are not kept on disk)
  const n = before.width * before.height;
  const T = Math.min(before.frames, after.frames);
  const mask = new Uint8Array(T * n);
  for (let i = 0; i < mask.length; i++) {
    const d = Math.max(...[0, 1, 2].map((c) => Math.abs(before.data[i * 3 + c] - after.data[i * 3 + c])));
    if (d > 12) mask[i] = 255;
  }
  fs.mkdirSync(path.join(pkg, 'docs'), { recursive: true });
  const full = path.join(tmp, 'sheet.png');
  fs.writeFileSync(
    full,
    contactSheet(before, { data: mask, frames: T, width: before.width, height: before.height }, after, {
      frames: [5, 35, 65, 90].filter((f) => f < T),
      tileWidth: 192,
    }),
  );
  // a 256-colour palette keeps the README image small (about 200 kB instead of 700 kB)
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-i',
    full,
    '-vf',
    'split[a][b];[a]palettegen=max_colors=256[p];[b][p]paletteuse=dither=sierra2_4a',
    '-y',
    path.join(pkg, 'docs', 'pedestrians-contact-sheet.png'),
  ]);
  console.log('pedestrians:', JSON.stringify(sum.audit));
  return { ...sum.audit, seconds: sum.seconds, unrecoverable: sum.unrecoverable };
}

/** Synthetic real-style clips with known clean plates: oracle and rvm. */
export async function benchSynth(tmp: string): Promise<Record<string, unknown>> {
  const data = path.join(tmp, 'synth');
  await generateBenchmark({
    preset: 'small',
    seed: 7,
    out: data,
    datasets: ['pretrain-real'],
    geometry: { width: 128, height: 96, frames: 16 },
    perClass: { 'pretrain-real': { train: 1, val: 0 } },
  });
  const manifest = path.join(data, 'pretrain-real', 'train.csv');
  const synth: Record<string, unknown> = {};
  for (const segmenter of ['oracle', 'rvm'] as const) {
    const sum = await removeHumans({
      input: manifest,
      out: path.join(tmp, `synth-${segmenter}`),
      segmenter,
      audit: { minScore: 0.5 },
      progress: false,
      log: () => undefined,
    });
    synth[segmenter] = { videos: sum.videos, failed: sum.failed.length, fps: sum.fps, ...sum.audit };
    console.log(`synthetic ${segmenter}:`, JSON.stringify(synth[segmenter]));
  }
  return {
    ...synth,
    clips: 'the pretrain-real train clips of @ppma/synth (preset small, 1 per class, 128x96, 16 frames, seed 7)',
  };
}
