import { configSecrets, createLogger, loadConfig, type Logger, type SpyglassConfig } from '@spyglass/core';
import type { GlobalArgs } from './output.js';

/** What every command gets: the validated config (with CLI overrides), a logger that redacts the key. */
export interface CliContext {
  readonly config: SpyglassConfig;
  readonly dataRoot: string;
  readonly logger: Logger;
}

/**
 * Loads `--config-dir` once, with `process.env` for `${VAR}` substitution and the API-key
 * fallback (MASSIVE_API_KEY, then POLYGON_API_KEY), and lays the global flags over it. The only
 * place the CLI reads the environment besides `SPYGLASS_DEBUG`.
 */
export function loadContext(args: GlobalArgs, overrides: Record<string, unknown> = {}): CliContext {
  const settingsOverride = {
    ...(args['data-root'] ? { dataRoot: args['data-root'] } : {}),
    ...(args['log-level'] ? { logLevel: args['log-level'] } : {}),
  };
  const config = loadConfig({
    dir: args['config-dir'],
    env: process.env,
    overrides: { ...overrides, settings: { ...(overrides.settings as object | undefined), ...settingsOverride } },
  });
  const logger = createLogger({
    level: config.settings.logLevel,
    pretty: Boolean(process.stderr.isTTY) && !args.json,
    name: 'spyglass',
    secrets: configSecrets(config),
    destination: process.stderr,
    // Stack traces only when asked for, like the one-line failure report.
    stacks: process.env.SPYGLASS_DEBUG === '1',
  } as Parameters<typeof createLogger>[0]);
  return { config, dataRoot: config.settings.dataRoot, logger };
}
