/**
 * The original's commands (its `src/cli.py`, plan steps 23–28) and what runs them here: the same
 * name as an alias where the command survived, with the original's flags (apps/cli/README.md,
 * "Migration from the original").
 *
 * @example
 * ```ts
 * ORIGINAL_COMMANDS.find((c) => c.original === 'download-minute')?.now; // 'backfill'
 * ```
 */
export const ORIGINAL_COMMANDS = [
  { original: 'download-minute', now: 'backfill', flags: ['ticker', 'start-date', 'end-date', 'resume'] },
  { original: 'download-options-targeted', now: 'download-options', flags: ['start-date', 'end-date', 'mode', 'resume'] },
  { original: 'download-massive-options', now: 'download-options', flags: ['start-date', 'end-date', 'mode', 'resume'] },
  { original: 'engineer-features', now: 'ml generate-features', flags: ['start-date', 'end-date'] },
  { original: 'report-hardware', now: 'health', flags: [] },
] as const satisfies ReadonlyArray<{ original: string; now: string; flags: readonly string[] }>;

/**
 * The original's flags on commands that kept their name.
 *
 * @example
 * ```ts
 * ORIGINAL_FLAGS.find((c) => c.command === 'purge')?.flags; // ['category', 'retention-days', 'dry-run']
 * ```
 */
export const ORIGINAL_FLAGS = [
  { command: 'purge', flags: ['category', 'retention-days', 'dry-run'] },
  { command: 'schema-check', flags: ['source', 'date'] },
  { command: 'schema-baseline', flags: ['source', 'date'] },
  { command: 'discover', flags: ['date'] },
] as const;
