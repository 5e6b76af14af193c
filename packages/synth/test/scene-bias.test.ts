import { describe, expect, it } from 'vitest';
import { DOWNSTREAM_TASKS, PRETRAIN_REAL, SIDE_SCENES, planSceneKind } from '../src/index.js';
import type { DatasetSpec } from '../src/index.js';

const withBias = (bias: number): DatasetSpec => ({ ...PRETRAIN_REAL, name: `bias-${bias}`, sceneObjectBias: bias });

/** Pearson chi-square statistic of a contingency table. */
function chiSquare(table: number[][]): { stat: number; df: number } {
  const rows = table.map((r) => r.reduce((a, b) => a + b, 0));
  const cols = table[0].map((_, j) => table.reduce((a, r) => a + r[j], 0));
  const n = rows.reduce((a, b) => a + b, 0);
  let stat = 0;
  table.forEach((r, i) =>
    r.forEach((o, j) => {
      const e = (rows[i] * cols[j]) / n;
      if (e > 0) stat += ((o - e) * (o - e)) / e;
    }),
  );
  const df = (rows.filter((x) => x > 0).length - 1) * (cols.filter((x) => x > 0).length - 1);
  return { stat, df };
}

/** Upper critical value of chi-square(df) at p = 0.001 (Wilson-Hilferty). */
function chiCritical(df: number): number {
  const z = 3.09;
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

function table(ds: DatasetSpec, perClass: number, scenes: readonly string[]): number[][] {
  return ds.classes.map((_, c) => {
    const row = scenes.map(() => 0);
    for (let k = 0; k < perClass; k++) row[scenes.indexOf(planSceneKind(ds, 5, 'train', c, k))]++;
    return row;
  });
}

describe('scene-object bias', () => {
  it('bias 1: the scene is a deterministic function of the action', () => {
    const ds = withBias(1);
    ds.classes.forEach((c, ci) => {
      for (let k = 0; k < 40; k++) expect(planSceneKind(ds, 9, 'train', ci, k)).toBe(c.scene);
    });
  });

  it('bias 0: scene and action are independent (chi-square, p > 0.001) and every scene occurs', () => {
    const t = table(withBias(0), 84, SIDE_SCENES);
    const { stat, df } = chiSquare(t);
    expect(df).toBe((14 - 1) * (SIDE_SCENES.length - 1));
    expect(stat).toBeLessThan(chiCritical(df));
    // the own-scene rate is 1/|pool| per class, within sampling error
    const own = withBias(0).classes.reduce((a, c, ci) => a + t[ci][SIDE_SCENES.indexOf(c.scene)], 0) / (14 * 84);
    expect(Math.abs(own - 1 / SIDE_SCENES.length)).toBeLessThan(3 * Math.sqrt(((1 / 14) * (13 / 14)) / (14 * 84)));
  });

  it('the same chi-square test rejects independence at bias 0.3 (it can fail)', () => {
    const { stat, df } = chiSquare(table(withBias(0.3), 84, SIDE_SCENES));
    expect(stat).toBeGreaterThan(chiCritical(df));
  });

  it('intermediate bias: the own-scene rate is bias + (1 - bias)/|pool|', () => {
    const ds = withBias(0.6);
    let own = 0;
    const n = 14 * 150;
    ds.classes.forEach((c, ci) => {
      for (let k = 0; k < 150; k++) if (planSceneKind(ds, 1, 'val', ci, k) === c.scene) own++;
    });
    const p = 0.6 + 0.4 / SIDE_SCENES.length;
    expect(Math.abs(own / n - p)).toBeLessThan(3.5 * Math.sqrt((p * (1 - p)) / n));
  });

  it('the downstream tasks span high to zero bias; the zero-bias tasks are independent of the class', () => {
    const biases = DOWNSTREAM_TASKS.map((d) => d.sceneObjectBias);
    expect(Math.max(...biases)).toBeGreaterThanOrEqual(0.9);
    expect(Math.min(...biases)).toBe(0);
    expect(DOWNSTREAM_TASKS.length).toBeGreaterThanOrEqual(4);
    const diving = DOWNSTREAM_TASKS.find((d) => d.name === 'synth-diving') as DatasetSpec;
    diving.classes.forEach((_, ci) => expect(planSceneKind(diving, 0, 'train', ci, 0)).toBe('pool'));
    const uav = DOWNSTREAM_TASKS.find((d) => d.name === 'synth-uav') as DatasetSpec;
    const { stat, df } = chiSquare(table(uav, 80, uav.scenePool));
    expect(stat).toBeLessThan(chiCritical(df));
  });
});
