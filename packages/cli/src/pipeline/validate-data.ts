/**
 * The data checks of a plan (`ppma pipeline --dry-run`, docs/ARCHITECTURE.md §13): every split of the
 * config's datasets and tasks is read and every video probed, with `ppma data validate`'s reasons;
 * the first bad one stops the plan in one line naming the file and the problem.
 */
import type { PipelineConfig } from './config.js';
import { indexFileOf } from './data-key.js';
import { resolveTaskSpecs } from './task-specs.js';
import { checkDatasets } from './user-data.js';
import type { SplitCheck } from './user-data.js';

/** Checks the config's datasets and tasks (nothing to check for the embedded world). */
export async function validateConfigData(config: PipelineConfig): Promise<SplitCheck[]> {
  const checks: SplitCheck[] = [];
  if (config.datasets) checks.push(...(await checkDatasets(config.datasets)).checks);
  if (config.tasks) {
    const index = config.data ? indexFileOf(config.data) : null;
    checks.push(...(await resolveTaskSpecs(config.tasks, index)).checks);
  }
  return checks;
}
