/**
 * Metrics as JSON lines: one object per step or evaluation, appended and flushed as it happens so
 * that a killed run keeps everything up to the kill.
 */
import fs from 'node:fs';
import path from 'node:path';
import { atomicWriteSync } from '../atomic-write.js';
import { IoError } from '../errors.js';

/** One record of the metrics log. */
export type MetricsRecord = Readonly<Record<string, number | string | boolean | null>>;

/** Appends records to a JSONL file. */
export class MetricsLog {
  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  }

  /** Appends one record (synchronously, so nothing is buffered when the process dies). */
  append(record: MetricsRecord): void {
    try {
      fs.appendFileSync(this.file, JSON.stringify(record) + '\n');
    } catch (e) {
      throw new IoError(
        this.file,
        `could not append a metrics record (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        {
          cause: e,
        },
      );
    }
  }

  /** All records (skipping a torn last line). */
  read(): MetricsRecord[] {
    if (!fs.existsSync(this.file)) return [];
    const out: MetricsRecord[] = [];
    for (const line of fs.readFileSync(this.file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as MetricsRecord);
      } catch {
        // A line cut by a kill mid-write: drop it.
      }
    }
    return out;
  }

  /** Drops records whose `step` is greater than `step` (used when resuming from a checkpoint). */
  truncateAfter(step: number): void {
    const kept = this.read().filter((r) => typeof r.step !== 'number' || r.step <= step);
    atomicWriteSync(this.file, kept.map((r) => JSON.stringify(r) + '\n').join(''));
  }
}
