import { describe, expect, it } from 'vitest';
import {
  computeEvidence,
  DEFAULT_STATISTICS,
  type BenchmarkResults,
  type ClipPrediction,
  type RunRecord,
} from '@ppma/bench';
import { pipelineEvidence, table1, tableRows } from '../src/pipeline/report.js';

/** `n` clips of a 4-class task, the first `correct` right. */
const preds = (task: string, n: number, correct: number): ClipPrediction[] =>
  Array.from({ length: n }, (_, i) => ({
    clip: `/v/${task}/${i}.mp4`,
    label: i % 4,
    top5: [[i < correct ? i % 4 : (i + 1) % 4, 0.9]],
  }));

const run = (model: string, task: string, mode: 'ft' | 'lp', seed: number, correct: number): RunRecord =>
  ({
    model,
    task,
    mode,
    seed,
    top1: (100 * correct) / 8,
    predictions: preds(task, 8, correct),
    settings: { eval: { numClips: 2, numCrops: 3 } },
  }) as unknown as RunRecord;

const base = {
  format: 'ppma-bench/2',
  preset: 'tiny',
  modes: ['ft', 'lp'],
  seeds: [0, 1],
  models: [
    { name: 'scratch', checkpoint: null },
    { name: 'ppma', checkpoint: 'p.safetensors' },
  ],
  tasks: [
    { name: 'a', classes: 4, sceneObjectBias: 0.9 },
    { name: 'b', classes: 4, sceneObjectBias: 0 },
  ],
  runs: [
    run('scratch', 'a', 'ft', 0, 4),
    run('scratch', 'a', 'ft', 1, 4),
    run('scratch', 'b', 'ft', 0, 2),
    run('scratch', 'b', 'ft', 1, 2),
    run('ppma', 'a', 'ft', 0, 6),
    run('ppma', 'a', 'ft', 1, 6),
    run('ppma', 'b', 'ft', 0, 4),
    run('ppma', 'b', 'ft', 1, 4),
    run('ppma', 'a', 'lp', 0, 8),
    run('ppma', 'b', 'lp', 0, 4),
  ],
  statistics: DEFAULT_STATISTICS,
  files: { json: 'results.json', table: 'results.md', charts: [] },
};
const bench = { ...base, ...computeEvidence(base) } as unknown as BenchmarkResults;

describe('pipeline report', () => {
  it('lays out Table 1 with intervals and averages, the beta soup row from its predictions, and scratch as FT only', () => {
    const beta = [
      {
        task: 'a',
        seed: 0,
        proportions: [[0.6, 0.4]],
        lpPredictions: preds('a', 8, 2),
        ftPredictions: preds('a', 8, 4),
      },
    ];
    const rows = tableRows(bench, beta);
    expect(rows.map((r) => r.model)).toEqual(['scratch', 'ppma', 'beta-soup']);
    expect(rows[1].avg.ft?.mean).toBeCloseTo(62.5, 12);
    expect(rows[1].avg.lp?.mean).toBeCloseTo(75, 12);
    // The beta soup has no run on task b: its average is not computed from a partial row.
    expect(rows[2].avg.ft).toBeNull();
    expect(rows[2].cells.a.lp?.mean).toBe(25);
    const md = table1(bench, rows).trim().split('\n');
    const cols = (l: string) => l.split('|').length;
    for (const l of md) expect(cols(l)).toBe(cols(md[0]));
    expect(md[0]).toBe('| model | a FT | a LP | b FT | b LP | avg FT | avg LP |');
    expect(md[2]).toBe('| *scene-object bias* | 0.9 | | 0 | | | |');
    expect(md[3]).toMatch(
      /^\| scratch \| 50\.0 \[[\d.]+, [\d.]+\] \| n\/a \| 25\.0 \[[\d.]+, [\d.]+\] \| n\/a \| 37\.5 \[[\d.]+, [\d.]+\] \| n\/a \|$/,
    );
    expect(md[4]).toMatch(
      /^\| ppma \| 75\.0 \[[^\]]+\] \| 100\.0 \[100\.0, 100\.0\] \| 50\.0 \[[^\]]+\] \| 50\.0 \[[^\]]+\] \| 62\.5 \[[^\]]+\] \| 75\.0 \[[^\]]+\] \|$/,
    );
    expect(md[5]).toMatch(/^\| beta-soup \| 50\.0 \[[^\]]+\] \| 25\.0 \[[^\]]+\] \| – \| – \| – \| – \|$/);
  });

  it('makes the paper comparisons on the same clips, including the beta soup', () => {
    const beta = [
      {
        task: 'a',
        seed: 0,
        proportions: [[0.6, 0.4]],
        lpPredictions: preds('a', 8, 2),
        ftPredictions: preds('a', 8, 4),
      },
      {
        task: 'b',
        seed: 0,
        proportions: [[0.5, 0.5]],
        lpPredictions: preds('b', 8, 2),
        ftPredictions: preds('b', 8, 4),
      },
    ];
    const ev = pipelineEvidence(bench, beta);
    const names = ev.comparisons.map((c) => `${c.a}>${c.b}:${c.mode}`);
    expect(names).toEqual(['ppma>scratch:ft', 'beta-soup>scratch:ft', 'beta-soup>ppma:ft', 'beta-soup>ppma:lp']);
    const c = ev.comparisons[0];
    expect(c.mean).toBeCloseTo(25, 12); // (75 - 50 + 50 - 25) / 2
    expect(c.sign).toMatchObject({ wins: 4, losses: 0 }); // clips 4-5 of a and 2-3 of b
  });

  it('still shows an old beta stage output (no predictions) as bare numbers', () => {
    const rows = tableRows(bench, [{ task: 'a', lpTop1: 0.25, ftTop1: 50, proportions: [[0.6, 0.4]] }]);
    const md = table1(bench, rows).trim().split('\n');
    expect(md[5]).toBe('| beta-soup | 50.0* | 25.0* | – | – | – | – |');
  });

  it("takes learnBetaOnTask's LP predictions (named predictions) with an interval, and an FT number without predictions as a marked point", () => {
    const rows = tableRows(bench, [
      { task: 'a', lpTop1: 0.25, ftTop1: 50, proportions: [[0.6, 0.4]], predictions: preds('a', 8, 2) },
    ]);
    const md = table1(bench, rows).trim().split('\n');
    expect(md[5]).toMatch(/^\| beta-soup \| 50\.0\* \| 25\.0 \[[\d.]+, [\d.]+\] \| – \| – \| – \| – \|$/);
  });
});
