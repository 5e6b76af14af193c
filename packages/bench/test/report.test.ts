/** The Table 1 layout with intervals, the averages, the comparisons as sentences and the charts, from hand-made runs. */
import { describe, expect, it } from 'vitest';
import {
  accuracyChart,
  computeEvidence,
  confusionCharts,
  curvesChart,
  predictionsTop1,
  resultsTable,
  DEFAULT_STATISTICS,
  type ClipPrediction,
  type RunRecord,
} from '../src/index.js';

/** Predictions on `n` clips of a 2-class task: the first `correct` are right. */
function preds(task: string, n: number, correct: number): ClipPrediction[] {
  return Array.from({ length: n }, (_, i) => {
    const label = i % 2;
    const guess = i < correct ? label : 1 - label;
    return {
      clip: `/data/${task}/val/${i}.mp4`,
      label,
      top5: [
        [guess, 0.8],
        [1 - guess, 0.2],
      ],
    };
  });
}

function run(model: string, task: string, mode: 'ft' | 'lp', seed: number, correct: number, n = 10): RunRecord {
  const predictions = preds(task, n, correct);
  return {
    model,
    task,
    mode,
    seed,
    top1: predictionsTop1(predictions),
    predictions,
    checkpoint: null,
    videos: { train: 1, val: n },
    evaluated: n,
    skipped: [],
    curve: [
      { epoch: 1, loss: 2 },
      { epoch: 2, loss: 1 },
    ],
    engine: 'tfjs',
    settings: {},
    signature: '',
    weights: `${model}/${task}/seed-${seed}/${mode}.safetensors`,
    seconds: 1,
  };
}

const models = [
  { name: 'ppma', checkpoint: 'ppma.safetensors' },
  { name: 'scratch', checkpoint: null },
];
const tasks = [
  { name: 'ucf101', classes: 2, classNames: ['a', 'b'] },
  { name: 'diving48', classes: 2, sceneObjectBias: 0 },
];
const runs = [
  run('ppma', 'ucf101', 'ft', 0, 9),
  run('ppma', 'ucf101', 'ft', 1, 9),
  run('ppma', 'ucf101', 'lp', 0, 8),
  run('ppma', 'diving48', 'ft', 0, 5),
  run('ppma', 'diving48', 'lp', 0, 2),
  run('scratch', 'ucf101', 'ft', 0, 3),
];
const base = { models, tasks, runs };
const evidence = computeEvidence(base, [{ a: 'ppma', b: 'scratch' }]);
const results = {
  ...base,
  ...evidence,
  modes: ['ft', 'lp'] as const,
  preset: 'tiny',
  seeds: [0, 1],
  statistics: DEFAULT_STATISTICS,
};

describe('report', () => {
  it('averages per model and mode over the tasks with runs, with intervals', () => {
    const a = evidence.averages;
    expect(a.ppma.ft?.mean).toBeCloseTo(70, 12);
    expect(a.ppma.ft?.tasks).toBe(2);
    expect(a.ppma.lp?.mean).toBeCloseTo(50, 12);
    expect(a.scratch.ft).toMatchObject({ mean: 30, tasks: 1 });
    expect(a.scratch.lp).toBeUndefined();
    for (const v of [a.ppma.ft, a.ppma.lp, a.scratch.ft]) {
      expect(v?.lo).toBeLessThanOrEqual(v?.mean as number);
      expect(v?.hi).toBeGreaterThanOrEqual(v?.mean as number);
    }
    const cell = evidence.cells.find((c) => c.model === 'ppma' && c.task === 'ucf101' && c.mode === 'ft');
    expect(cell).toMatchObject({ mean: 90, seeds: [0, 1], clips: 10 });
  });

  it('lays the table out like Table 1: a row per model, task x {FT, LP} columns with intervals, then the averages', () => {
    const md = resultsTable(results);
    const lines = md
      .split('\n')
      .filter(
        (l) => l.startsWith('| model') || l.startsWith('| ppma') || l.startsWith('| scratch') || l.startsWith('| ---'),
      );
    expect(lines[0]).toBe('| model | ucf101 FT | ucf101 LP | diving48 FT | diving48 LP | avg FT | avg LP |');
    const cells = (lines[2] as string).split(' | ');
    expect(cells[0]).toBe('| ppma');
    expect(cells[1]).toMatch(/^90\.0 \[\d+\.\d, \d+\.\d\]$/);
    expect(cells[3]).toMatch(/^50\.0 \[/);
    expect(lines.find((l) => l.startsWith('| scratch'))).toMatch(
      /^\| scratch \| 30\.0 \[[^|]*\] \|  \|  \|  \| 30\.0 \[[^|]*\] \(1\/2\) \|  \|$/,
    );
    expect(md).toMatch(/diving48: 2 classes, scene-object bias 0/);
    expect(md).toMatch(/mean over 2 seeds \(0, 1\)/);
    // The comparison as a sentence: ppma (90 on ucf101) vs scratch (30), FT, on the one task both have.
    expect(md).toMatch(
      /- ppma > scratch on avg FT: \+60\.0 points, 95% CI \[[\d.]+, [\d.]+\], p [=<] [\d.]+ \(sign test over 10 clips: 6 better, 0 worse, p = 0\.031\)/,
    );
    // Per-class accuracy with the class names.
    expect(md).toMatch(/### ucf101\n\n\| model \| a \| b \|/);
  });

  it('draws a bar per (model, task) cell plus the averages, with interval whiskers; a curve per run; a confusion chart per cell', () => {
    const svg = accuracyChart(results, 'ft');
    const bars = [...svg.matchAll(/<rect [^>]*><title>([^<]*)<\/title>/g)].map((m) => m[1].replace(/ \[.*\]$/, ''));
    expect(bars).toEqual([
      'ppma / ucf101: 90.0%',
      'scratch / ucf101: 30.0%',
      'ppma / diving48: 50.0%',
      'ppma / average: 70.0%',
      'scratch / average: 30.0%',
    ]);
    expect([...svg.matchAll(/class="ci"/g)].length).toBe(5);
    // Bar heights are proportional to accuracy (plot height 220 px for 100%).
    const h = [...svg.matchAll(/height="([\d.]+)" fill="#[0-9A-F]{6}"><title>ppma \/ ucf101/g)].map((m) =>
      Number(m[1]),
    );
    expect(h[0]).toBeCloseTo(198, 0);
    const curves = curvesChart(results, 'lp');
    expect([...curves.matchAll(/<path /g)].length).toBe(2);
    expect(curves).toContain('<title>ppma</title>');
    expect(svg).not.toMatch(/NaN|undefined/);
    expect(curves).not.toMatch(/NaN|undefined/);
    const conf = confusionCharts(results);
    expect(conf.map((c) => c.file)).toEqual([
      'confusion/ppma/ucf101-ft.svg',
      'confusion/ppma/ucf101-lp.svg',
      'confusion/ppma/diving48-ft.svg',
      'confusion/ppma/diving48-lp.svg',
      'confusion/scratch/ucf101-ft.svg',
    ]);
    // ppma ucf101 FT, 2 seeds x 10 clips: per seed class a 5/5 right, class b 4/5 (clip 9 wrong).
    const c0 = conf[0].svg;
    const cells = [...c0.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);
    expect(cells).toEqual(['a → a: 10 of 10', 'a → b: 0 of 10', 'b → a: 2 of 10', 'b → b: 8 of 10']);
  });
});
