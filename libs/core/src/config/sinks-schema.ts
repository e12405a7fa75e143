import { z } from 'zod';


/**
 * `config/sinks.yaml`: how Parquet is written (codec, rows per row group); both take effect on every
 * raw dataset. The partition layout, directories under the data root and each dataset's key are
 * fixed by the code that reads them back (a different layout here would make stored data
 * unreadable), so they are not configuration: a file naming them is rejected as an unknown key.
 *
 * @example
 * ```ts
 * const sinks = sinksConfigSchema.parse({ parquet: { compression: 'zstd' } });
 * sinks.parquet.rowGroupSize; // 100000
 * ```
 */
export const sinksConfigSchema = z.strictObject({
  parquet: z
    .strictObject({
      compression: z.enum(['snappy', 'zstd', 'gzip', 'brotli', 'lz4', 'uncompressed']).default('snappy'),
      rowGroupSize: z.number().int().positive().default(100_000),
    })
    .prefault({}),
});

/**
 * Typed `config/sinks.yaml`.
 *
 * @example
 * ```ts
 * function codec(sinks: SinksConfig) { return sinks.parquet.compression; }
 * ```
 */
export type SinksConfig = z.infer<typeof sinksConfigSchema>;
