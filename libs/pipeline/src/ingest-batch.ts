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
  const p = await prepare(batch, stages, batchId);
  let stored = 0;
  let storedDuplicates = 0;
  const size = stages.writeBatchSize ?? 100_000;
  for (let i = 0; i < p.fresh.length; i += size) {
    const s = await stages.sink.write(p.fresh.slice(i, i + size));
    stored += s.added;
    storedDuplicates += s.duplicates;
  }
  return counted(batch, p, stored, storedDuplicates);
}

/**
 * What {@link ingestBatches} did with one batch: `stored` (durable, with its counts), `failed` (its
 * write or preparation threw `error`; some of its rows may be on disk, none is vouched for) or
 * `skipped` (not attempted because an earlier batch failed first).
 *
 * @example
 * ```ts
 * const durable = outcomes.flatMap((o, i) => (o.status === 'stored' ? [days[i]] : []));
 * ```
 */
export type IngestOutcome =
  | { readonly status: 'stored'; readonly counts: IngestCounts }
  | { readonly status: 'failed'; readonly error: unknown }
  | { readonly status: 'skipped' };

/**
 * {@link ingestBatch} for several batches (a backfill range's days), one outcome each, in order:
 * each is validated, quarantined and de-duplicated as on its own, then all are stored by one
 * `sink.writeBatchesSettled` / `writeBatches` (durable together, with fewer fsyncs) when the sink
 * has it and no batch needs splitting by `writeBatchSize`; otherwise batch by batch, stopping at
 * the first failure. A failure does not hide what was stored before it: every batch whose data is
 * durable comes back `stored`, so the caller can checkpoint it. With a sink that has only
 * `writeBatches`, a failure leaves every batch `failed` (it does not say which sets were written).
 *
 * @example
 * ```ts
 * const [a, b] = await ingestBatches([dayA, dayB], stages, ['backfill:SPY:2025-03-04', 'backfill:SPY:2025-03-05']);
 * if (a.status === 'stored') console.log(a.counts.stored);
 * ```
 */
export async function ingestBatches<R>(batches: ReadonlyArray<SourceBatch<R>>, stages: IngestStages<R>, batchIds: readonly string[]): Promise<IngestOutcome[]> {
  const size = stages.writeBatchSize ?? 100_000;
  const sink = stages.sink;
  const together = (sink.writeBatchesSettled ?? sink.writeBatches) !== undefined && !batches.some((b) => b.records.length > size);
  if (!together) {
    const out: IngestOutcome[] = [];
    for (let i = 0; i < batches.length; i++) {
      if (out.some((o) => o.status === 'failed')) {
        out.push({ status: 'skipped' });
        continue;
      }
      try {
        out.push({ status: 'stored', counts: await ingestBatch(batches[i]!, stages, batchIds[i]) });
      } catch (error) {
        out.push({ status: 'failed', error });
      }
    }
    return out;
  }
  const prepared: Prepared<R>[] = [];
  for (let i = 0; i < batches.length; i++) {
    try {
      prepared.push(await prepare(batches[i]!, stages, batchIds[i]));
    } catch (error) {
      // Nothing of the range is written yet: this batch failed, the others were not attempted.
      return batches.map((_, j) => (j === i ? { status: 'failed', error } : { status: 'skipped' }));
    }
  }
  const sets = prepared.map((p) => p.fresh);
  let written: ReadonlyArray<PromiseSettledResult<{ readonly added: number; readonly duplicates: number }>>;
  try {
    written = sink.writeBatchesSettled ? await sink.writeBatchesSettled(sets) : (await sink.writeBatches!(sets)).map((value) => ({ status: 'fulfilled' as const, value }));
  } catch (error) {
    return batches.map(() => ({ status: 'failed', error }));
  }
  return prepared.map((p, i): IngestOutcome => {
    const w = written[i]!;
    if (w.status === 'rejected') return { status: 'failed', error: w.reason };
    return { status: 'stored', counts: p.fresh.length === 0 ? counted(batches[i]!, p, 0, 0) : counted(batches[i]!, p, w.value.added, w.value.duplicates) };
  });
}

interface Prepared<R> {
  readonly fresh: R[];
  readonly valid: number;
  readonly quarantined: number;
}

function counted<R>(batch: SourceBatch<R>, p: Prepared<R>, stored: number, storedDuplicates: number): IngestCounts {
  return {
    received: batch.records.length + batch.rejected.length,
    stored,
    duplicates: p.valid - p.fresh.length + storedDuplicates,
    quarantined: p.quarantined,
  };
}

/** Validation, quarantine and de-duplication: what is left to store. */
async function prepare<R>(batch: SourceBatch<R>, stages: IngestStages<R>, batchId?: string): Promise<Prepared<R>> {
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
  return { fresh, valid: valid.length, quarantined };
}
