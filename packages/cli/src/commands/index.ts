/**
 * Every `ppma` command, one module per verb. Each handler lazily imports the package that does the
 * work, so `ppma --help` starts fast.
 */
import type { CommandModule } from 'yargs';
import { alignCommand } from './align.js';
import { benchCommand } from './bench.js';
import { dataCommand } from './data.js';
import { exportCommand } from './export.js';
import { infoCommand } from './info.js';
import { pipelineCommand } from './pipeline.js';
import { predictCommand } from './predict.js';
import { soupCommand } from './soup.js';
import { synthCommand } from './synth.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- yargs command modules differ in their argv types
type AnyCommand = CommandModule<any, any>;

/** The commands, in the order `ppma --help` lists them (the order of the PPMA protocol). */
export const commands: readonly AnyCommand[] = [synthCommand, dataCommand, exportCommand, predictCommand, alignCommand, soupCommand, benchCommand, pipelineCommand, infoCommand];
