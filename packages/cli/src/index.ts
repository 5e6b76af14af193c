/**
 * @ppma/cli: the `ppma` command. Use it from the shell (`npx ppma --help`), or call `main(argv)`.
 */
export { main, EXIT } from './main.js';
export { withCommon, startBackend, output } from './options.js';
export type { CommonOptions } from './options.js';
export { commands } from './commands/index.js';
