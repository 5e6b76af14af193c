/**
 * A pipeline stage declared once (docs/ARCHITECTURE.md §1, §10): its name, the config it hashes, the
 * stages it reads, and the function that runs it. The config object that is hashed is the one the
 * function receives, so a stage cannot read a setting its cache key does not cover.
 */
import { StageRunner, stageKey } from './stage-cache.js';

/** A finished (or cached) stage, as later stages and the report see it. */
export interface Stage<R> {
  readonly name: string;
  /** Hash of the name, the config and the upstream keys. */
  readonly key: string;
  readonly dir: string;
  readonly result: R;
  /** Done in an earlier run (or, in a plan, already done). */
  readonly cached: boolean;
}

/** What a stage's run function gets besides its config. */
export interface StageContext {
  /** The stage's own directory. */
  readonly dir: string;
  /** An earlier, unfinished attempt left files there. */
  readonly resume: boolean;
}

/** The declaration of a stage. */
export interface StageDef<C, R> {
  readonly name: string;
  /** Hashed into the key and passed to `run`. */
  readonly config: C;
  /** Stages whose outputs this one reads (their keys are hashed too). */
  readonly upstream: readonly Stage<unknown>[];
  readonly run: (config: C, ctx: StageContext) => Promise<R>;
  /**
   * The result the stage will have (its output paths), for a plan (`--dry-run`) when the stage is
   * not done yet; later stages' declarations read it instead of running anything.
   */
  readonly plan?: (config: C, dir: string) => R;
  /** Estimated compute of the stage in FLOPs (null: not a matmul workload, or unknown). */
  readonly flops?: () => number | null;
}

/** A stage as a plan lists it. */
export interface PlannedStage {
  readonly name: string;
  readonly key: string;
  readonly dir: string;
  readonly cached: boolean;
  readonly flops: number | null;
}

/** Runs declared stages under `<out>/stages/`, skipping finished ones, and records their times. */
export class Pipeline {
  private readonly runner: StageRunner;
  /** Every stage in run order, with its seconds and whether it came from the cache. */
  readonly done: { name: string; seconds: number; cached: boolean }[] = [];

  /** In a plan: every declared stage, with its key, whether it is done, and its estimate. */
  readonly planned: PlannedStage[] = [];

  /** `dryRun`: declare the stages without running any or writing anything (a plan). */
  constructor(
    out: string,
    log: (line: string) => void,
    readonly dryRun = false,
  ) {
    this.runner = new StageRunner(out, log);
  }

  async stage<C, R>(def: StageDef<C, R>): Promise<Stage<R>> {
    const key = stageKey(
      def.name,
      def.config,
      def.upstream.map((u) => u.key),
    );
    if (this.dryRun) return this.plan(def, key);
    const o = await this.runner.run(def.name, key, (dir, resume) => def.run(def.config, { dir, resume }));
    this.done.push({ name: def.name, seconds: o.seconds, cached: o.cached });
    return { name: def.name, key, dir: o.dir, result: o.result, cached: o.cached };
  }

  private plan<C, R>(def: StageDef<C, R>, key: string): Stage<R> {
    const dir = this.runner.dirOf(def.name, key);
    const rec = this.runner.record<R>(def.name, key);
    const flops = def.flops?.() ?? null;
    this.planned.push({ name: def.name, key, dir, cached: rec !== null, flops });
    const result = rec ? rec.result : (def.plan?.(def.config, dir) as R);
    return { name: def.name, key, dir, result, cached: rec !== null };
  }
}
