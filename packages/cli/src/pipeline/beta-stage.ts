/**
 * The learned-beta soup of the pipeline (PPMA §4.5, docs/ARCHITECTURE.md §5 "Soup"): for each downstream
 * task, learn the mixing proportions of the ingredients together with a linear head while the
 * trunks stay frozen (that is the soup's LP result), then fine-tune the learned soup on the same
 * task (its FT result).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ClipPrediction } from '@ppma/soup';

/** One task's learned-beta result. */
export interface BetaSoupRun {
  readonly task: string;
  /** LP top-1 (validation, 2 clips x 3 crops per video, as every other model) with the learned proportions. */
  readonly lpTop1: number;
  /** The LP's prediction per validation video (path, label, top-5). */
  readonly predictions: readonly ClipPrediction[];
  /** FT top-1 of the learned soup (multi-view, from `@ppma/bench`), when FT ran. */
  readonly ftTop1: number | null;
  readonly proportions: number[][];
  readonly groups: readonly string[];
  readonly checkpoint: string;
}

/** Options of {@link betaSoupStage}. */
export interface BetaStageOptions {
  readonly ingredients: readonly string[];
  readonly tasks: readonly string[];
  readonly synthIndex: string;
  readonly out: string;
  readonly benchPreset: 'tiny' | 'small' | 'paper';
  readonly ftEpochs: number;
  readonly lpEpochs: number;
  readonly modes: readonly ('ft' | 'lp')[];
  readonly seed: number;
  readonly resume: boolean;
  readonly progress: boolean;
  readonly log: (line: string) => void;
}

/** Runs the learned-beta soup on every task. */
export async function betaSoupStage(o: BetaStageOptions): Promise<BetaSoupRun[]> {
  const { learnBetaOnTask } = await import('@ppma/soup');
  const { resolveTasks, runBenchmark } = await import('@ppma/bench');
  const tasks = await resolveTasks(o.tasks, { synthIndex: o.synthIndex });
  const runs: BetaSoupRun[] = [];
  for (const task of tasks) {
    const dir = path.join(o.out, task.name);
    const splits = await task.load(path.dirname(o.synthIndex));
    const beta = await learnBetaOnTask({
      models: o.ingredients,
      train: splits.train,
      val: splits.val,
      out: path.join(dir, 'beta'),
      epochs: o.lpEpochs,
      seed: o.seed,
      resume: o.resume,
      progress: o.progress,
    });
    o.log(
      `pipeline: beta soup on ${task.name}: proportions ${beta.proportions.map((r) => r.map((v) => v.toFixed(3)).join('/')).join(', ')}, LP top-1 ${(100 * (beta.valTop1 ?? NaN)).toFixed(1)}%`,
    );
    let ftTop1: number | null = null;
    if (o.modes.includes('ft')) {
      const res = await runBenchmark({
        models: [{ name: 'beta-soup', checkpoint: beta.checkpoint }],
        tasks: [task],
        modes: ['ft'],
        out: path.join(dir, 'ft'),
        preset: o.benchPreset,
        settings: { ft: { epochs: o.ftEpochs } },
        seed: o.seed,
        resume: true,
        progress: o.progress,
        log: o.log,
      });
      ftTop1 = res.runs.find((r) => r.mode === 'ft')?.top1 ?? null;
    }
    runs.push({
      task: task.name,
      lpTop1: beta.valTop1 ?? NaN,
      predictions: beta.predictions,
      ftTop1,
      proportions: beta.proportions,
      groups: beta.groups,
      checkpoint: beta.checkpoint,
    });
    fs.writeFileSync(path.join(dir, 'beta-run.json'), JSON.stringify(runs[runs.length - 1], null, 2) + '\n');
  }
  return runs;
}
