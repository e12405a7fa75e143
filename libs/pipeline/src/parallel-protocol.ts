import type { IngestionSettings } from './ingestion.js';

/** The serialisable part of {@link IngestionSettings} a worker process is started with. */
export type WorkerSettings = Omit<IngestionSettings, 'clock' | 'random' | 'logger' | 'input' | 'rateLimiter'>;

/** One unit of parallel work: a dataset backfill for one ticker. */
export interface WorkerTask {
  readonly id: string;
  readonly dataset: 'stocks' | 'indices' | 'news';
  readonly ticker: string;
  readonly from: string;
  readonly to: string;
  readonly resume: boolean;
}

/** Parent → worker messages. */
export type ToWorker =
  | { readonly type: 'start'; readonly task: WorkerTask; readonly settings: WorkerSettings }
  | { readonly type: 'grant'; readonly request: number };

/** Worker → parent messages. */
export type FromWorker =
  | { readonly type: 'acquire'; readonly request: number }
  | { readonly type: 'progress'; readonly done: number; readonly total: number; readonly bars: number }
  | { readonly type: 'done'; readonly summary: Record<string, unknown> }
  | { readonly type: 'failed'; readonly code: string; readonly message: string };
