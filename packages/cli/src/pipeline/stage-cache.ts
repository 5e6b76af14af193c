/**
 * Stage caching for `ppma pipeline`: each stage's output directory is named by a content hash of
 * its inputs and config, and a stage counts as done only when its done-marker (written atomically
 * after the stage's own outputs) exists. A re-run, or `--resume` after a kill, skips finished stages
 * and lets an unfinished one resume from its own checkpoints.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { atomicWriteSync } from '@ppma/core';

/** What a finished stage recorded. */
export interface StageRecord<T> {
  readonly stage: string;
  readonly key: string;
  readonly seconds: number;
  readonly finishedAt: string;
  readonly result: T;
}

/** A stage outcome as the pipeline reports it. */
export interface StageOutcome<T> {
  readonly dir: string;
  readonly result: T;
  /** True when the stage was skipped because its done-marker existed. */
  readonly cached: boolean;
  readonly seconds: number;
}

/** Stable JSON: object keys sorted, so equal configs hash equally. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Hash of a stage's name, config and upstream keys (12 hex characters). */
export function stageKey(stage: string, config: unknown, upstream: readonly string[] = []): string {
  return crypto.createHash('sha256').update(stableJson({ stage, config, upstream })).digest('hex').slice(0, 12);
}

/** Runs stages under `<root>/stages/<name>-<key>/`, skipping those already done. */
export class StageRunner {
  constructor(
    readonly root: string,
    private readonly log: (line: string) => void = (l) => process.stderr.write(l + '\n'),
  ) {}

  /** The directory a stage with this key writes to. */
  dirOf(stage: string, key: string): string {
    return path.join(this.root, 'stages', `${stage}-${key}`);
  }

  /** The record of a finished stage (its done-marker), or null when it is not done. */
  record<T>(stage: string, key: string): StageRecord<T> | null {
    const marker = path.join(this.dirOf(stage, key), '.done.json');
    return fs.existsSync(marker) ? (JSON.parse(fs.readFileSync(marker, 'utf8')) as StageRecord<T>) : null;
  }

  /**
   * Runs `fn` in the stage's directory unless the stage is done. `fn` gets `resume: true` when an
   * earlier, unfinished attempt left files behind.
   */
  async run<T>(stage: string, key: string, fn: (dir: string, resume: boolean) => Promise<T>): Promise<StageOutcome<T>> {
    const dir = this.dirOf(stage, key);
    const marker = path.join(dir, '.done.json');
    if (fs.existsSync(marker)) {
      const rec = JSON.parse(fs.readFileSync(marker, 'utf8')) as StageRecord<T>;
      this.log(`pipeline: ${stage} done earlier (${path.relative(process.cwd(), dir) || dir}), skipping`);
      return { dir, result: rec.result, cached: true, seconds: rec.seconds };
    }
    const resume = fs.existsSync(dir) && fs.readdirSync(dir).length > 0;
    fs.mkdirSync(dir, { recursive: true });
    this.log(`pipeline: ${stage}${resume ? ' (resuming)' : ''} -> ${path.relative(process.cwd(), dir) || dir}`);
    const t0 = performance.now();
    const result = await fn(dir, resume);
    const seconds = (performance.now() - t0) / 1000;
    const rec: StageRecord<T> = { stage, key, seconds, finishedAt: new Date().toISOString(), result };
    atomicWriteSync(marker, JSON.stringify(rec, null, 2) + '\n');
    this.log(`pipeline: ${stage} finished in ${seconds.toFixed(1)}s`);
    return { dir, result, cached: false, seconds };
  }
}
