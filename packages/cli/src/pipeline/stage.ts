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
}

/** Runs declared stages under `<out>/stages/`, skipping finished ones, and records their times. */
export class Pipeline {
  private readonly runner: StageRunner;
  /** Every stage in run order, with its seconds and whether it came from the cache. */
  readonly done: { name: string; seconds: number; cached: boolean }[] = [];

  constructor(out: string, log: (line: string) => void) {
    this.runner = new StageRunner(out, log);
  }

  async stage<C, R>(def: StageDef<C, R>): Promise<Stage<R>> {
    const key = stageKey(
      def.name,
      def.config,
      def.upstream.map((u) => u.key),
    );
    const o = await this.runner.run(def.name, key, (dir, resume) => def.run(def.config, { dir, resume }));
    this.done.push({ name: def.name, seconds: o.seconds, cached: o.cached });
    return { name: def.name, key, dir: o.dir, result: o.result };
  }
}
