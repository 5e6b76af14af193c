/**
 * The `ppma` program: parse the arguments with yargs, run the command, and turn errors into exit
 * codes: 0 ok, 1 failure (with a one-line reason), 2 usage.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { commands } from './commands/index.js';
import { UsageError } from './usage-error.js';

/** Exit codes of `ppma`. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Runs `ppma` with `argv` (without the node and script paths); resolves to the exit code. */
export async function main(argv: readonly string[] = hideBin(process.argv)): Promise<number> {
  const parser = yargs([...argv])
    .scriptName('ppma')
    .usage(
      '$0 <command> [options]\n\nPrivacy-Preserving MAE-Align: pre-train video action models without real humans in the data.',
    )
    .strict()
    .demandCommand(1, 'Name a command; see ppma --help.')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(process.stdout.isTTY ? Math.min(120, process.stdout.columns || 120) : 120)
    .fail((msg, err) => {
      // yargs passes a message for usage problems (unknown flags, failed .check()s) and none for
      // errors thrown by a command's handler, which are failures, not usage errors.
      if (msg) throw new UsageError(msg);
      throw err;
    });
  for (const c of commands) parser.command(c);
  try {
    await parser.parseAsync();
    return process.exitCode === undefined ? EXIT.ok : Number(process.exitCode);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`ppma: ${e.message}\n`);
      return EXIT.usage;
    }
    const msg = e instanceof Error ? e.message : String(e);
    const code =
      typeof e === 'object' && e !== null && 'code' in e ? ` [${String((e as { code: unknown }).code)}]` : '';
    process.stderr.write(`ppma: ${msg.split('\n')[0]}${code}\n`);
    if (process.env.PPMA_DEBUG && e instanceof Error && e.stack) process.stderr.write(e.stack + '\n');
    return EXIT.failure;
  }
}
