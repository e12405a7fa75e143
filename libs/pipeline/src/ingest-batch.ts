import type { IngestCounts } from './ingest-counts.js';
import type { QuarantinePort, RecordFilter, RecordSink, RecordValidator, SourceBatch } from './ingest-ports.js';

/**
 * The stages one batch goes through: validate → quarantine → de-duplicate → store.
 *
 * @example
 * ```ts
 * const stages: IngestStages<StockBar> = { dataset: 'stocks', validator: validatorFor('stocks'), quarantine, sink: stocks };
 * ```
 */
export interface IngestStages<R> {
  readonly dataset: string;
  readonly validator: RecordValidator;
  readonly quarantine: QuarantinePort;
  readonly sink: RecordSink<R>;
  readonly dedup?: RecordFilter<R>;
  /** Records per storage write (bounds memory on huge days). */
  readonly writeBatchSize?: number;
}

/**
 * Runs one source batch through the stages and counts where every record went. Wire rejects and
 * validation failures are quarantined before anything is stored; `batchId` makes the quarantine
 * write idempotent when the same batch is replayed after a crash.
 *
 * @example
 * ```ts
 * const counts = await ingestBatch(await equities.minuteBars('SPY', day, day), stages, `backfill:SPY:${day}`);
 * ```
 */
export async function ingestBatch<R>(batch: SourceBatch<R>, stages: IngestStages<R>, batchId?: string): Promise<IngestCounts> {
  const rejected: Array<{ record: unknown; issues: SourceBatch<R>['rejected'][number]['issues'] }> = batch.rejected.map((r) => ({
    record: r.raw,
    issues: r.issues,
  }));
  const valid: R[] = [];
  for (const record of batch.records) {
    const issues = stages.validator.validate(record);
    if (issues.length === 0) valid.push(record);
    else rejected.push({ record, issues });
  }
  const quarantined = rejected.length > 0 ? await stages.quarantine.add(stages.dataset, rejected, batchId ? { batchId } : undefined) : 0;
  const fresh = stages.dedup ? stages.dedup.filter(valid) : valid;
  let stored = 0;
  let storedDuplicates = 0;
  const size = stages.writeBatchSize ?? 100_000;
  for (let i = 0; i < fresh.length; i += size) {
    const s = await stages.sink.write(fresh.slice(i, i + size));
    stored += s.added;
    storedDuplicates += s.duplicates;
  }
  return {
    received: batch.records.length + batch.rejected.length,
    stored,
    duplicates: valid.length - fresh.length + storedDuplicates,
    quarantined,
  };
}
