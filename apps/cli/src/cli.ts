// The `spyglass` command's wiring: every handler lives in ./commands; this file only wires yargs and
// turns any failure into a one-line reason on stderr and a non-zero exit code.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { SpyglassError } from '@spyglass/core';
import { commands } from './commands/index.js';
import { checkArguments } from './argument-rules.js';
import { reportFailure } from './failure.js';
import { globalOptions } from './output.js';

/**
 * Parses `argv` (as `process.argv`) and runs the command it names; any failure becomes one line on
 * stderr and a non-zero exit. main.ts calls it once the command modules are loaded.
 *
 * @example
 * ```ts
 * await runCli(process.argv);
 * ```
 */
export async function runCli(argv: readonly string[]): Promise<void> {
  const cli = yargs(hideBin([...argv]))
    .scriptName('spyglass')
    .usage('$0 <command> [options]')
    .options(globalOptions)
    // Bad numbers and tickers are usage errors (exit 2) before any command touches the network or disk.
    .middleware((parsed) => checkArguments(parsed, hideBin([...argv])))
    .command(commands)
    .demandCommand(1, 'name a command; see --help')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((msg, err) => {
      // yargs' own messages span lines ("Invalid values:\n  Argument: …"); keep them on one.
      reportFailure(err ?? new SpyglassError('INVALID_ARGUMENT', msg.replace(/\s*\n\s*/g, ' ')));
    });

  try {
    await cli.parseAsync();
  } catch (e) {
    reportFailure(e);
  }
}
