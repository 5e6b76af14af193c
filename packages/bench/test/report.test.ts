/** The Table 1 layout, the averages and the charts, from hand-made run records. */
import { describe, expect, it } from 'vitest';
import { accuracyChart, computeAverages, curvesChart, resultsTable, type RunRecord } from '../src/index.js';

function run(model: string, task: string, mode: 'ft' | 'lp', top1: number): RunRecord {
  return {
    model,
    task,
    mode,
    top1,
    checkpoint: null,
    videos: { train: 1, val: 1 },
    evaluated: 1,
    skipped: [],
    curve: [
      { epoch: 1, loss: 2 },
      { epoch: 2, loss: 1 },
    ],
    engine: 'tfjs',
    settings: {},
    signature: '',
    weights: `${model}/${task}/${mode}.safetensors`,
    seconds: 1,
  };
}

const models = [
  { name: 'ppma', checkpoint: 'ppma.safetensors' },
  { name: 'scratch', checkpoint: null },
];
const tasks = [
  { name: 'ucf101', classes: 101 },
  { name: 'diving48', classes: 48, sceneObjectBias: 0 },
];
const runs = [
  run('ppma', 'ucf101', 'ft', 0.9),
  run('ppma', 'ucf101', 'lp', 0.8),
  run('ppma', 'diving48', 'ft', 0.5),
  run('ppma', 'diving48', 'lp', 0.2),
  run('scratch', 'ucf101', 'ft', 0.3),
];

describe('report', () => {
  it('averages per model and mode over the tasks with runs', () => {
    const a = computeAverages({ models, runs });
    expect(a.ppma.ft).toEqual({ mean: 0.7, tasks: 2 });
    expect(a.ppma.lp?.mean).toBeCloseTo(0.5, 12);
    expect(a.scratch).toEqual({ ft: { mean: 0.3, tasks: 1 } });
  });

  it('lays the table out like Table 1: a row per model, task x {FT, LP} columns, then the averages', () => {
    const averages = computeAverages({ models, runs });
    const md = resultsTable({ models, tasks, runs, averages, modes: ['ft', 'lp'], preset: 'tiny' });
    const lines = md.split('\n').filter((l) => l.startsWith('|'));
    expect(lines).toEqual([
      '| model | ucf101 FT | ucf101 LP | diving48 FT | diving48 LP | avg FT | avg LP |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      '| ppma | 90.0 | 80.0 | 50.0 | 20.0 | 70.0 | 50.0 |',
      '| scratch | 30.0 |  |  |  | 30.0 (1/2) |  |',
    ]);
    expect(md).toMatch(/diving48: 48 classes, scene-object bias 0/);
    const ftOnly = resultsTable({ models, tasks, runs, averages, modes: ['ft'], preset: 'tiny' });
    expect(ftOnly.split('\n').find((l) => l.startsWith('| model'))).toBe(
      '| model | ucf101 FT | diving48 FT | avg FT |',
    );
  });

  it('draws a bar per (model, task) run plus the averages, and a curve per run', () => {
    const averages = computeAverages({ models, runs });
    const svg = accuracyChart({ models, tasks, runs, averages }, 'ft');
    const bars = [...svg.matchAll(/<rect [^>]*><title>([^<]*)<\/title>/g)].map((m) => m[1]);
    expect(bars).toEqual([
      'ppma / ucf101: 90.0%',
      'scratch / ucf101: 30.0%',
      'ppma / diving48: 50.0%',
      'ppma / average: 70.0%',
      'scratch / average: 30.0%',
    ]);
    // Bar heights are proportional to accuracy (plot height 220 px for 100%).
    const h = [...svg.matchAll(/height="([\d.]+)" fill="#[0-9A-F]{6}"><title>ppma \/ ucf101/g)].map((m) =>
      Number(m[1]),
    );
    expect(h[0]).toBeCloseTo(198, 0);
    const curves = curvesChart({ models, tasks, runs }, 'lp');
    expect([...curves.matchAll(/<path /g)].length).toBe(2);
    expect(curves).toContain('<title>ppma</title>');
    expect(svg).not.toMatch(/NaN|undefined/);
    expect(curves).not.toMatch(/NaN|undefined/);
  });
});
