/**
 * @ppma/cli: the `ppma` command. Use it from the shell (`npx ppma --help`), or call `main(argv)`.
 */
export { main, EXIT } from './main.js';
export { withCommon, startBackend, output } from './options.js';
export type { CommonOptions } from './options.js';
export { commands } from './commands/index.js';
export { runPipeline, planPipeline } from './pipeline/run-pipeline.js';
export type { PipelineResult, RunPipelineOptions } from './pipeline/run-pipeline.js';
export type { PipelinePlan, DatasetSizes, MachineCheck } from './pipeline/estimate.js';
export type { PlannedStage } from './pipeline/stage.js';
export type { SplitCheck } from './pipeline/user-data.js';
export { planLines } from './pipeline/plan-text.js';
export {
  pipelineConfigSchema,
  parsePipelineConfig,
  loadPipelineConfig,
  pipelineJsonSchema,
} from './pipeline/config.js';
export type {
  PipelineConfig,
  PipelineConfigInput,
  DatasetConfig,
  DatasetSplitSpec,
  TaskSpec,
} from './pipeline/config.js';
export { resolvePipelineSettings } from './pipeline/presets.js';
export type { PipelineSettings } from './pipeline/presets.js';
export { UsageError } from './usage-error.js';
