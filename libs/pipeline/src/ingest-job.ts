import { SpyglassError, nyseCalendar } from '@spyglass/core';
import { backfillJob } from './backfill-checkpoints.js';
import { emptyCounts, type IngestCounts } from './ingest-counts.js';
import type { Ingestion } from './ingestion.js';

/**
 * The datasets a queued ingest job can fetch: one request-sized unit each.
 *
 * @example
 * ```ts
 * const d: IngestJobDataset = 'options'; // one options day of the configured underlying
 * ```
 */
export type IngestJobDataset = 'stocks' | 'indices' | 'news' | 'options';

/**
 * One unit of queued work: a (dataset, ticker, trading date). For `options` the ticker is the
 * underlying and the job is the whole day (opening price, contract selection, every contract's bars).
 *
 * @example
 * ```ts
 * const job: IngestJob = { dataset: 'stocks', ticker: 'SPY', date: '2025-03-04' };
 * ```
 */
export interface IngestJob {
  readonly dataset: IngestJobDataset;
  readonly ticker: string;
  readonly date: string;
}

/** The checkpoint job name of each dataset (the namespace `HistoricalRunner` and the options pipeline mark). */
export const INGEST_CHECKPOINT_JOB: Readonly<Record<IngestJobDataset, string>> = {
  stocks: backfillJob('stocks'),
  indices: backfillJob('indices'),
  news: backfillJob('news'),
  // `backfill:options` marks each contract; a whole options day is marked under its underlying here.
  options: `${backfillJob('options')}-day`,
};

/**
 * The job's checkpoint key, also its id in a job queue, so one partition never has two live jobs.
 * `:` is escaped because queues reserve it (`I:VIX` → `I%3AVIX`).
 *
 * @example
 * ```ts
 * ingestJobId({ dataset: 'indices', ticker: 'I:VIX', date: '2025-03-04' }); // 'backfill%3Aindices/I%3AVIX/2025-03-04'
 * ```
 */
export function ingestJobId(job: IngestJob): string {
  return [INGEST_CHECKPOINT_JOB[job.dataset], job.ticker, job.date].map(encodeURIComponent).join('/');
}

/**
 * Every job of a backfill: one per dataset, ticker and trading day in `[from, to]`.
 *
 * @example
 * ```ts
 * const jobs = ingestJobsFor({ stocks: ['SPY'], indices: ['I:VIX'], news: ['SPY'], options: ['SPY'] }, '2025-03-03', '2025-03-07');
 * ```
 */
export function ingestJobsFor(tickers: Partial<Record<IngestJobDataset, readonly string[]>>, from: string, to: string): IngestJob[] {
  const out: IngestJob[] = [];
  for (const date of nyseCalendar.tradingDays(from, to)) {
    for (const dataset of ['stocks', 'indices', 'news', 'options'] as const) for (const ticker of tickers[dataset] ?? []) out.push({ dataset, ticker, date });
  }
  return out;
}

/**
 * Runs one queued job through the ingestion's runners and checkpoints it: a job whose checkpoint
 * exists is skipped (a redelivered job after a crash costs one checkpoint read). An options day is
 * checkpointed as a whole only after every contract of it is (each contract also on its own); its
 * ticker is the configured underlying.
 *
 * @example
 * ```ts
 * const counts = await runIngestJob(ingestion, { dataset: 'stocks', ticker: 'SPY', date: '2025-03-04' });
 * console.log(counts.stored);
 * ```
 */
export async function runIngestJob(ingestion: Ingestion, job: IngestJob, signal?: AbortSignal): Promise<IngestCounts & { skipped: boolean }> {
  const cpJob = INGEST_CHECKPOINT_JOB[job.dataset];
  if (await ingestion.checkpoints.isComplete(cpJob, job.ticker, job.date)) return { ...emptyCounts(), skipped: true };
  let counts: IngestCounts;
  switch (job.dataset) {
    case 'stocks':
      counts = await ingestion.stockRunner().runDay(job.ticker, job.date, signal);
      break;
    case 'indices':
      counts = await ingestion.indexRunner().runDay(job.ticker, job.date, signal);
      break;
    case 'news':
      counts = await ingestion.newsRunner().runDay(job.ticker, job.date, signal);
      break;
    case 'options': {
      const s = await ingestion.optionsPipeline().run(job.date, true, signal);
      counts = { received: s.received, stored: s.stored, quarantined: s.quarantined, duplicates: s.duplicates };
      await ingestion.checkpoints.markComplete(cpJob, job.ticker, job.date, { ...counts });
      break;
    }
    default:
      throw new SpyglassError('INVALID_ARGUMENT', `ingest job: unknown dataset '${String((job as IngestJob).dataset)}'`, { details: { job } });
  }
  return { ...counts, skipped: false };
}
