import type { IngestionSettings } from './ingestion.js';

/**
 * The serialisable part of {@link IngestionSettings} a worker process is started with.
 *
 * @example
 * ```ts
 * const { clock, random, logger, input, rateLimiter, ...settings } = ingestionSettings(config);
 * const workerSettings: WorkerSettings = settings; // sent to each child process as JSON
 * ```
 */
export type WorkerSettings = Omit<IngestionSettings, 'clock' | 'random' | 'logger' | 'input' | 'rateLimiter' | 'backends'>;

/**
 * One unit of parallel work: a dataset backfill for one ticker.
 *
 * @example
 * ```ts
 * const task: WorkerTask = { id: 'stocks-QQQ', dataset: 'stocks', ticker: 'QQQ', from: '2025-03-03', to: '2025-03-07', resume: true };
 * ```
 */
export interface WorkerTask {
  readonly id: string;
  readonly dataset: 'stocks' | 'indices' | 'news';
  readonly ticker: string;
  readonly from: string;
  readonly to: string;
  readonly resume: boolean;
  readonly retryEmpty?: boolean;
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
