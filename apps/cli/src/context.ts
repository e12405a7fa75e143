import { assertWritableDataRoot, type ConfigDeprecation, configSecrets, createLogger, dataRootLayout, loadConfig, type Logger, type SpyglassConfig } from '@spyglass/core';
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
  const deprecated: ConfigDeprecation[] = [];
  const config = loadConfig({
    onDeprecated: (d) => deprecated.push(d),
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
  for (const d of deprecated) logger.warn({ path: d.path.join('.'), replacement: d.replacement.join('.') }, d.message);
  return { config, dataRoot: config.settings.dataRoot, logger };
}

/**
 * {@link loadContext} for a command that writes under the data root: fails before any request or
 * write with one STORAGE line naming the command, the path and why (read-only, permission, a file in
 * the way) when the root or one of its existing directories cannot be written.
 */
export function loadWritingContext(args: GlobalArgs & { readonly _?: readonly (string | number)[] }, overrides: Record<string, unknown> = {}): CliContext {
  const ctx = loadContext(args, overrides);
  const at = dataRootLayout(ctx.dataRoot);
  const command = (args._ ?? []).join(' ') || 'this command';
  assertWritableDataRoot(ctx.dataRoot, command, [at.raw, at.processed, at.quarantine, at.checkpoints, at.workers, at.schemaDrift, at.schemaBaselines, at.models, at.reports]);
  return ctx;
}
