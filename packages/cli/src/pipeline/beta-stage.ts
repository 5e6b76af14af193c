/**
 * The learned-beta soup of the pipeline (PPMA §4.5, docs/ARCHITECTURE.md §5 "Soup"): for each downstream
 * task and seed, `@ppma/soup`'s `learnBetaOnTask` learns the mixing proportions of the ingredients
 * together with a linear head while the trunks stay frozen (the soup's LP result, evaluated with
 * the common 2 x 3 views; the task is decoded once and reused by every seed), then `@ppma/bench` fine-tunes the learned soup on the same task (its FT
 * result). Both keep their per-clip predictions for the report's statistics.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ClipPrediction } from '@ppma/video-io';
import type { TaskSpec } from './config.js';
import { stageTasks } from './stage-runs.js';

/** One task's (and seed's) learned-beta result. */
export interface BetaSoupRun {
  readonly task: string;
  readonly seed: number;
  /** LP top-1 in [0, 1] (validation, 2 clips x 3 crops per video, as every other model). */
  readonly lpTop1: number;
  /** FT top-1 of the learned soup (percent, multi-view, from `@ppma/bench`), when FT ran. */
  readonly ftTop1: number | null;
  /** The LP's prediction per validation video (path, label, top-5). */
  readonly lpPredictions: readonly ClipPrediction[];
  /** The FT's predictions, when FT ran. */
  readonly ftPredictions?: readonly ClipPrediction[];
  readonly proportions: number[][];
  readonly groups: readonly string[];
  readonly checkpoint: string;
}

/** Config of the beta stage (hashed by the pipeline and passed as is). */
export interface BetaStageConfig {
  readonly preset: 'tiny' | 'small' | 'paper';
  readonly ftEpochs: number;
  readonly betaEpochs: number;
  readonly modes: readonly ('ft' | 'lp')[];
  readonly seed: number;
  readonly seeds: number;
  readonly tasks: readonly string[];
  /** The config's own tasks (with their data), when it gives them. */
  readonly taskSpecs?: readonly TaskSpec[];
}

/** Where the beta stage runs and what it reads. */
export interface BetaStageContext {
  readonly ingredients: readonly string[];
  readonly synthIndex: string | null;
  readonly dir: string;
  readonly resume: boolean;
  readonly progress: boolean;
  readonly log: (line: string) => void;
}

/** Runs the learned-beta soup on every task and seed. */
export async function betaSoupStage(c: BetaStageConfig, o: BetaStageContext): Promise<BetaSoupRun[]> {
  const { decodeTaskViews, learnBetaOnTask } = await import('@ppma/soup');
  const { cachedViewBlock, resolveTasks, runBenchmark } = await import('@ppma/bench');
  const synth = o.synthIndex ? { synthIndex: o.synthIndex } : {};
  const tasks = await resolveTasks(await stageTasks(c, o.synthIndex), synth);
  const runs: BetaSoupRun[] = [];
  for (const task of tasks) {
    const splits = await task.load(o.synthIndex ? path.dirname(o.synthIndex) : '.');
    // Decoded once per task and reused by every seed (the same clips and views: same results);
    // views the bench stage already decoded in this process come from its shared view cache.
    const decoded = await decodeTaskViews({
      models: o.ingredients,
      train: splits.train,
      val: splits.val,
      progress: o.progress,
      loadBlock: (file, spec) => cachedViewBlock(file, spec),
    });
    for (let k = 0; k < c.seeds; k++) {
      const seed = c.seed + k;
      const dir = path.join(o.dir, task.name, c.seeds > 1 ? `seed-${seed}` : '');
      const beta = await learnBetaOnTask({
        models: o.ingredients,
        train: splits.train,
        val: splits.val,
        out: path.join(dir, 'beta'),
        epochs: c.betaEpochs,
        seed,
        resume: o.resume,
        progress: o.progress,
        decoded,
      });
      const props = beta.proportions.map((r) => r.map((v) => v.toFixed(3)).join('/')).join(', ');
      o.log(
        `pipeline: beta soup on ${task.name} (seed ${seed}): proportions ${props}, LP top-1 ${(100 * (beta.valTop1 ?? NaN)).toFixed(1)}%`,
      );
      const ft = c.modes.includes('ft')
        ? (
            await runBenchmark({
              models: [{ name: 'beta-soup', checkpoint: beta.checkpoint }],
              tasks: [task],
              modes: ['ft'],
              out: path.join(dir, 'ft'),
              preset: c.preset,
              settings: { ft: { epochs: c.ftEpochs } },
              seed,
              resume: true,
              progress: o.progress,
              log: o.log,
            })
          ).runs.find((r) => r.mode === 'ft')
        : undefined;
      const run: BetaSoupRun = {
        task: task.name,
        seed,
        lpTop1: beta.valTop1 ?? NaN,
        ftTop1: ft?.top1 ?? null,
        lpPredictions: beta.predictions,
        ftPredictions: ft?.predictions,
        proportions: beta.proportions,
        groups: beta.groups,
        checkpoint: beta.checkpoint,
      };
      runs.push(run);
      fs.writeFileSync(path.join(dir, 'beta-run.json'), JSON.stringify(run, null, 2) + '\n');
    }
  }
  return runs;
}
