/** The yargs definitions of the options every command accepts (declared once on the root instance). */
export const globalOptions = {
  'config-dir': { type: 'string', default: 'config', describe: 'directory of the YAML config files' },
  'data-root': { type: 'string', describe: 'data root (overrides settings.dataRoot)' },
  'log-level': { type: 'string', describe: 'trace|debug|info|warn|error|silent' },
  json: { type: 'boolean', default: false, describe: 'print results as JSON' },
} as const;

/** Options every command accepts (declared once on the root yargs instance). */
export interface GlobalArgs {
  'config-dir': string;
  'data-root'?: string;
  'log-level'?: string;
  json: boolean;
}

/**
 * Prints a command's result: JSON when `--json` was given (machine-readable, one document),
 * otherwise the human rendering.
 *
 * @example
 * ```ts
 * printResult(args, summary, () => `${summary.stored} bars stored`);
 * ```
 */
export function printResult(args: Pick<GlobalArgs, 'json'>, result: unknown, human: () => string): void {
  process.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : `${human()}\n`);
}
