import { sealOfMeta } from '@spyglass/storage';
import type { CheckpointPort, RecordSink } from './ingest-ports.js';

/**
 * Whether a resumed run fetches a (job, ticker, date) unit again, and why.
 *
 * @example
 * ```ts
 * const v: ResumeVerdict = { run: true, reason: 'partition raw/stocks/ticker=SPY/date=2025-03-04/part-0.parquet is corrupt (no PAR1 magic at the end)' };
 * ```
 */
export type ResumeVerdict = { readonly run: false } | { readonly run: true; readonly reason?: string };

/**
 * The checkpoint metadata of a completed unit: its counts, whether it was empty (retried with
 * `retryEmpty`), and the seal of the partition it wrote (null when it wrote none).
 *
 * @example
 * ```ts
 * await checkpoints.markComplete(job, 'SPY', date, checkpointMeta(counts, await sink.seal?.('SPY', date)));
 * ```
 */
export function checkpointMeta(counts: { readonly received: number }, seal: unknown): Record<string, unknown> {
  return { ...counts, empty: counts.received === 0, partition: seal ?? null };
}

/**
 * Decides from a unit's checkpoint whether a resumed run skips it: not checkpointed → run; empty
 * when checkpointed → skip unless `retryEmpty`; its sealed partition missing, unreadable or changed
 * → run again (with the reason, for the log and the summary; an unreadable file is first set aside). Checkpoints written before seals and
 * `empty` are read as before: an entry with `received: 0` is empty, any other is trusted.
 *
 * @example
 * ```ts
 * const v = await resumeVerdict(checkpoints, sink, 'backfill:stocks', 'SPY', '2025-03-04', { retryEmpty: false });
 * if (v.run && v.reason) logger.warn(`SPY 2025-03-04: ${v.reason}; fetching again`);
 * ```
 */
export async function resumeVerdict(
  checkpoints: CheckpointPort,
  sink: Pick<RecordSink<unknown>, 'checkSeal' | 'setAside'>,
  job: string,
  ticker: string,
  date: string,
  opts: { readonly retryEmpty?: boolean },
): Promise<ResumeVerdict> {
  const entry = await checkpoints.get(job, ticker, date);
  if (!entry) return { run: true };
  const meta = entry.meta;
  const empty = meta?.empty === true || (meta?.empty === undefined && meta?.received === 0);
  if (empty) return opts.retryEmpty ? { run: true, reason: 'it was empty when checkpointed (--retry-empty)' } : { run: false };
  const seal = sealOfMeta(meta);
  if (seal && sink.checkSeal) {
    const problem = await sink.checkSeal(seal);
    if (problem) {
      // An unreadable file cannot be merged into: keep it aside and write the day afresh.
      const moved = problem.kind === 'corrupt' && sink.setAside ? `; kept as ${await sink.setAside(seal)}` : '';
      return { run: true, reason: `partition ${problem.file} is ${problem.kind} (${problem.reason})${moved}` };
    }
  }
  return { run: false };
}
