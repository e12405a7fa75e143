import { z } from 'zod';

const keyColumns = z.array(z.string().min(1)).min(1);
const dir = z.string().min(1);

/**
 * `config/sinks.yaml`: Parquet writing, partition layout, directories under the data root, and the
 * de-duplication key of each dataset (re-writes merge on it, so every run is idempotent).
 *
 * @example
 * ```ts
 * const sinks = sinksConfigSchema.parse({});
 * sinks.dedupKeys.options; // ['ticker', 'timestamp']
 * ```
 */
export const sinksConfigSchema = z.strictObject({
  parquet: z
    .strictObject({
      compression: z.enum(['snappy', 'zstd', 'gzip', 'brotli', 'lz4', 'uncompressed']).default('snappy'),
      rowGroupSize: z.number().int().positive().default(100_000),
    })
    .prefault({}),
  partitioning: z
    .strictObject({
      /** Hive-style partition columns, outermost first: `ticker=<T>/date=<YYYY-MM-DD>/`. */
      by: z.array(z.enum(['ticker', 'date'])).min(1).default(['ticker', 'date']),
      /** Time zone of the `date` partition value (a session never straddles two partitions). */
      dateTimeZone: z.string().min(1).default('America/New_York'),
    })
    .prefault({}),
  /** Directories, relative to `settings.dataRoot` unless absolute. */
  rawDir: dir.default('raw'),
  processedDir: dir.default('processed'),
  quarantineDir: dir.default('quarantine'),
  checkpointDir: dir.default('checkpoints'),
  schemaBaselineDir: dir.default('schema'),
  dedupKeys: z
    .strictObject({
      stocks: keyColumns.default(['ticker', 'timestamp']),
      options: keyColumns.default(['ticker', 'timestamp']),
      indices: keyColumns.default(['ticker', 'timestamp']),
      news: keyColumns.default(['id', 'ticker']),
      contracts: keyColumns.default(['ticker']),
    })
    .prefault({}),
});

/**
 * Typed `config/sinks.yaml`.
 *
 * @example
 * ```ts
 * function key(sinks: SinksConfig) { return sinks.dedupKeys.stocks; }
 * ```
 */
export type SinksConfig = z.infer<typeof sinksConfigSchema>;
