import { jest } from '@jest/globals';
import yargs from 'yargs';
import { commands } from '../commands/index.js';
import { CONFIG_DIR } from '@spyglass/pipeline/testing';

/** Runs `spyglass <argv>` in-process as main.ts wires it and returns what it printed (yargs prints help with console.log). */
export async function runCli(...argv: string[]): Promise<string> {
  const out: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
  const log = jest.spyOn(console, 'log').mockImplementation((...xs: unknown[]) => void out.push(xs.join(' ')));
  try {
    await yargs(argv)
      .option('config-dir', { type: 'string', default: CONFIG_DIR })
      .option('data-root', { type: 'string' })
      .option('log-level', { type: 'string' })
      .option('json', { type: 'boolean', default: false })
      .command(commands)
      .strict()
      .exitProcess(false)
      .fail((msg, err) => {
        throw err ?? new Error(msg);
      })
      .parseAsync();
  } finally {
    process.stdout.write = write;
    log.mockRestore();
  }
  return out.join('');
}
