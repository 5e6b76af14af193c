/**
 * Every `ppma` command, one module per verb. Each handler lazily imports the package that does the
 * work, so `ppma --help` starts fast.
 */
import type { CommandModule } from 'yargs';
import { alignCommand } from './align.js';
import { auditCommand } from './audit.js';
import { benchCommand } from './bench.js';
import { convertCommand } from './convert.js';
import { dataCommand } from './data.js';
import { exportCommand } from './export.js';
import { infoCommand } from './info.js';
import { modelsCommand } from './models.js';
import { pipelineCommand } from './pipeline.js';
import { predictCommand } from './predict.js';
import { pretrainCommand } from './pretrain.js';
import { removeHumansCommand } from './remove-humans.js';
import { reviewCommand } from './review.js';
import { soupCommand } from './soup.js';
import { synthCommand } from './synth.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- yargs command modules differ in their argv types
type AnyCommand = CommandModule<any, any>;

/** The commands, in the order `ppma --help` lists them (the order of the PPMA protocol). */
export const commands: readonly AnyCommand[] = [
  removeHumansCommand,
  auditCommand,
  reviewCommand,
  pretrainCommand,
  alignCommand,
  soupCommand,
  benchCommand,
  exportCommand,
  convertCommand,
  predictCommand,
  synthCommand,
  pipelineCommand,
  dataCommand,
  modelsCommand,
  infoCommand,
];
