import { describe, expect, it } from 'vitest';
import type { BenchmarkResults, RunRecord } from '@ppma/bench';
import { table1, tableRows } from '../src/pipeline/report.js';

const run = (model: string, task: string, mode: 'ft' | 'lp', top1: number): RunRecord =>
  ({
    model,
    task,
    mode,
    top1,
    checkpoint: null,
    videos: { train: 1, val: 1 },
    evaluated: 1,
    skipped: [],
    curve: [],
  }) as unknown as RunRecord;

const bench = {
  format: 'ppma-bench/1',
  preset: 'tiny',
  modes: ['ft', 'lp'],
  models: [
    { name: 'scratch', checkpoint: null },
    { name: 'ppma', checkpoint: 'p.safetensors' },
  ],
  tasks: [
    { name: 'a', classes: 4, sceneObjectBias: 0.9 },
    { name: 'b', classes: 4, sceneObjectBias: 0 },
  ],
  runs: [
    run('scratch', 'a', 'ft', 0.5),
    run('scratch', 'b', 'ft', 0.25),
    run('ppma', 'a', 'ft', 0.75),
    run('ppma', 'b', 'ft', 0.5),
    run('ppma', 'a', 'lp', 1),
    run('ppma', 'b', 'lp', 0.5),
  ],
  averages: {},
  files: { json: 'results.json', table: 'results.md', charts: [] },
} as unknown as BenchmarkResults;

describe('pipeline report', () => {
  it('lays out Table 1 with averages, the beta soup row, and scratch as FT only', () => {
    const rows = tableRows(bench, [
      { task: 'a', lpTop1: 0.25, ftTop1: 0.5, proportions: [[0.6, 0.4]], groups: ['trunk'], checkpoint: 'x' },
    ]);
    expect(rows.map((r) => r.model)).toEqual(['scratch', 'ppma', 'beta-soup']);
    expect(rows[1].avg).toEqual({ ft: 0.625, lp: 0.75 });
    // The beta soup has no run on task b: its average is not computed from a partial row.
    expect(rows[2].avg.ft).toBeNull();
    const md = table1(bench, rows).trim().split('\n');
    const cols = (l: string) => l.split('|').length;
    for (const l of md) expect(cols(l)).toBe(cols(md[0]));
    expect(md[0]).toBe('| model | a FT | a LP | b FT | b LP | avg FT | avg LP |');
    expect(md[2]).toBe('| *scene-object bias* | 0.9 | | 0 | | | |');
    expect(md[3]).toBe('| scratch | 50.0 | n/a | 25.0 | n/a | 37.5 | n/a |');
    expect(md[4]).toBe('| ppma | 75.0 | 100.0 | 50.0 | 50.0 | 62.5 | 75.0 |');
    expect(md[5]).toBe('| beta-soup | 50.0 | 25.0 | – | – | – | – |');
  });
});
