import { defineDataset, ParquetDataset } from '@spyglass/storage';
import type { RecordSink } from './ingest-ports.js';
import type { LiveSignalRecord } from './live-signal-engine.js';

/**
 * The `signals` dataset (`<root>/processed/signals/date=<D>/`): one row per live signal, keyed by
 * (ticker, bar start, model version) so a replayed or restarted session rewrites, never duplicates.
 *
 * @example
 * ```ts
 * const ds = new ParquetDataset<LiveSignalRecord>({ root: 'data', spec: SIGNALS_DATASET_SPEC });
 * const today = await ds.readAll({ from: '2025-03-17', to: '2025-03-17' });
 * ```
 */
export const SIGNALS_DATASET_SPEC = defineDataset({
  name: 'signals',
  layer: 'processed',
  key: ['ticker', 'timestamp', 'model_version'],
  partitionBy: ['date'],
  sortBy: ['timestamp', 'ticker'],
  columns: [
    { name: 'ticker', field: 'ticker', type: 'utf8' },
    { name: 'timestamp', field: 'timestamp', type: 'timestamp_ms' },
    { name: 'probability', field: 'probability', type: 'float64' },
    { name: 'threshold', field: 'threshold', type: 'float64' },
    { name: 'model_version', field: 'modelVersion', type: 'utf8' },
    { name: 'reasons', field: 'reasons', type: 'utf8_list' },
    { name: 'arrived_at', field: 'arrivedAt', type: 'timestamp_ms' },
    { name: 'probability_at', field: 'probabilityAt', type: 'timestamp_ms' },
    { name: 'signal_at', field: 'signalAt', type: 'timestamp_ms' },
  ],
});

/**
 * Persists signals to the `signals` dataset off the signal path: {@link SignalStore.add} only
 * buffers; a write starts every `flushIntervalMs` (one in flight at a time, atomic partition
 * rewrites), and {@link SignalStore.close} writes what is left. A failed write is kept for the next
 * attempt and reported through `onError`, never dropped silently.
 *
 * @example
 * ```ts
 * const store = new SignalStore({ root: 'data', flushIntervalMs: 1000 });
 * engine.onSignal((s) => store.add(s));
 * process.once('SIGTERM', () => void store.close());
 * ```
 */
export class SignalStore {
  private readonly ds: RecordSink<LiveSignalRecord>;
  private buffer: LiveSignalRecord[] = [];
  private writing: Promise<void> | undefined;
  private readonly timer: ReturnType<typeof setInterval>;
  written = 0;

  /**
   * `sink` replaces the dataset under `root` (e.g. `writer.sink(SIGNALS_DATASET_SPEC)` of a
   * `ParquetWriterThread`, so the writes leave the scoring event loop).
   */
  constructor(private readonly o: { readonly root: string; readonly sink?: RecordSink<LiveSignalRecord>; readonly flushIntervalMs?: number; readonly onError?: (error: unknown) => void }) {
    this.ds = o.sink ?? new ParquetDataset<LiveSignalRecord>({ root: o.root, spec: SIGNALS_DATASET_SPEC });
    this.timer = setInterval(() => void this.flush(), o.flushIntervalMs ?? 1000);
    this.timer.unref?.();
  }

  add(signal: LiveSignalRecord): void {
    this.buffer.push(signal);
  }

  /** Writes the buffered signals (waits for a write in flight first). */
  async flush(): Promise<void> {
    if (this.writing) await this.writing;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.writing = this.ds
      .write(batch)
      .then(() => {
        this.written += batch.length;
      })
      .catch((error: unknown) => {
        this.buffer.unshift(...batch);
        this.o.onError?.(error);
      })
      .finally(() => {
        this.writing = undefined;
      });
    await this.writing;
  }

  /** Stops the timer and writes what is buffered. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
