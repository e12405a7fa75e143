import { nyDayIsOver, systemClock, type Clock, type Logger, type OptionBar, type OptionContract } from '@spyglass/core';
import { ingestBatch, type IngestStages } from './ingest-batch.js';
import { addCounts, emptyCounts, type IngestCounts } from './ingest-counts.js';
import { checkpointMeta, resumeVerdict } from './resume-verdict.js';
import type { CheckpointPort, RecordSink, SourceBatch } from './ingest-ports.js';
import { runPool } from '@spyglass/core';

/**
 * The day's contract choice, as `@spyglass/sources`' `ContractSelector.select` returns it.
 *
 * @example
 * ```ts
 * const select = (date: string, opening: number): Promise<DaySelection> => selector.select(date, opening);
 * ```
 */
export interface DaySelection {
  readonly expiration: string;
  readonly calls: readonly OptionContract[];
  readonly puts: readonly OptionContract[];
  readonly shortfall: { readonly calls: number; readonly puts: number };
  /** Tickers the selection built but the listed chain does not have (never downloaded). */
  readonly unlisted?: readonly string[];
  readonly rejected: SourceBatch<OptionContract>['rejected'];
}

/**
 * Options of {@link OptionsDayPipeline}.
 *
 * @example
 * ```ts
 * const opts: OptionsDayOptions = { job: 'backfill:options', underlying: 'SPY', dataset: 'options', openingPrice: (u, d) => options.openingPrice(u, d),
 *   select: (d, o) => selector.select(d, o), fetchBars: (t, d) => options.minuteBars(t, d, d), contracts, checkpoints, validator, quarantine, sink };
 * ```
 */
export interface OptionsDayOptions extends IngestStages<OptionBar> {
  readonly job: string;
  readonly underlying: string;
  /** The underlying's opening price for a date (`OptionsClient.openingPrice`). */
  readonly openingPrice: (underlying: string, date: string, signal?: AbortSignal) => Promise<{ price: number }>;
  /** Contract selection for a date (`ContractSelector.select`). */
  readonly select: (date: string, opening: number, signal?: AbortSignal) => Promise<DaySelection>;
  /** One contract's minute bars for one date (`OptionsClient.minuteBars(t, d, d)`). */
  readonly fetchBars: (optionTicker: string, date: string, signal?: AbortSignal) => Promise<SourceBatch<OptionBar>>;
  /** Where the chosen contracts are recorded (the `contracts` dataset). */
  readonly contracts: RecordSink<OptionContract>;
  readonly checkpoints: CheckpointPort;
  /** Contract downloads in flight at once; the shared rate limiter still paces requests. */
  readonly concurrency?: number;
  readonly logger?: Logger;
  /** Decides whether the day is over, so its contracts may be checkpointed (default: the system clock). */
  readonly clock?: Clock;
}

/**
 * What one day of options did.
 *
 * @example
 * ```ts
 * const day: OptionsDaySummary = await new OptionsDayPipeline(opts).run('2025-03-04', true);
 * console.log(`${day.contracts.length} contracts, ${day.stored} bars, shortfall ${day.shortfall.calls}/${day.shortfall.puts}`);
 * ```
 */
export interface OptionsDaySummary extends IngestCounts {
  readonly date: string;
  readonly opening: number;
  readonly expiration: string;
  /** The selected (listed) contracts. */
  readonly contracts: string[];
  readonly contractsSkipped: number;
  /** Contracts downloaded in this run that returned at least one bar. */
  readonly contractsWithBars: number;
  /** Contracts downloaded in this run that returned none (listed, but no trade that day). */
  readonly contractsWithoutBars: string[];
  /** Selected tickers the listed chain does not have: not downloaded, named here. */
  readonly unlisted: string[];
  readonly shortfall: { readonly calls: number; readonly puts: number };
  /**
   * The day's bars were stored but no contract was checkpointed: its New York day was not over (today,
   * or a date in the future), so the next run fetches them again.
   */
  readonly open: boolean;
}

/**
 * The options day pipeline of the original's steps 26 and 28: the underlying's opening price →
 * contract selection → every selected contract's minute bars, in parallel within the shared rate
 * limit. Contracts already checkpointed for the date are skipped on resume.
 *
 * @example
 * ```ts
 * const day = await new OptionsDayPipeline({ job: 'backfill:options', underlying: 'SPY', dataset: 'options',
 *   openingPrice: (u, d) => options.openingPrice(u, d), select: (d, o) => selector.select(d, o),
 *   fetchBars: (t, d) => options.minuteBars(t, d, d), contracts, checkpoints, validator, quarantine, sink }).run('2025-03-04', true);
 * ```
 */
export class OptionsDayPipeline {
  constructor(private readonly opts: OptionsDayOptions) {}

  /** One day; with `resume`, contracts whose checkpoint still vouches for their partition are skipped (empty ones too unless `retryEmpty`). */
  async run(date: string, resume = false, signal?: AbortSignal, retryEmpty = false): Promise<OptionsDaySummary> {
    const o = this.opts;
    const opening = await o.openingPrice(o.underlying, date, signal);
    const selection = await o.select(date, opening.price, signal);
    const totals = emptyCounts();
    if (selection.rejected.length > 0) {
      totals.quarantined += await o.quarantine.add('contracts', selection.rejected.map((r) => ({ record: r.raw, issues: r.issues })), {
        batchId: `${o.job}:contracts:${date}`,
      });
    }
    const chosen = [...selection.calls, ...selection.puts];
    // Recorded (by expiration) so later stages know which contracts were meant to exist.
    await o.contracts.write(chosen);
    const unlisted = [...(selection.unlisted ?? [])];
    if (unlisted.length > 0) {
      o.logger?.warn({ date, unlisted }, `${o.job}: ${unlisted.length} selected contract(s) not listed on ${date}, not downloaded: ${unlisted.join(', ')}`);
    } else if (selection.shortfall.calls + selection.shortfall.puts > 0) {
      o.logger?.warn({ date, shortfall: selection.shortfall }, `${o.job}: fewer contracts listed than requested on ${date}`);
    }
    const resumed = new Set<string>();
    let open = false;
    const perContract = await runPool(chosen, o.concurrency ?? 4, async (c) => {
      if (resume) {
        const v = await resumeVerdict(o.checkpoints, o.sink, o.job, c.ticker, date, { retryEmpty });
        if (!v.run) {
          resumed.add(c.ticker);
          return emptyCounts();
        }
        if (v.reason) o.logger?.warn({ ticker: c.ticker, date, reason: v.reason }, `${o.job} ${c.ticker} ${date}: ${v.reason}; fetching it again`);
      }
      const counts = await ingestBatch(await o.fetchBars(c.ticker, date, signal), o, `${o.job}:${c.ticker}:${date}`);
      // A day still going on may gain bars: stored, but not vouched for (see nyDayIsOver).
      if (!nyDayIsOver(date, (o.clock ?? systemClock).now())) {
        open = true;
        return counts;
      }
      const seal = counts.received === 0 ? undefined : await o.sink.seal?.(c.ticker, date);
      await o.checkpoints.markComplete(o.job, c.ticker, date, checkpointMeta(counts, seal));
      return counts;
    });
    for (const c of perContract) addCounts(totals, c);
    const withoutBars = chosen.filter((c, i) => perContract[i]!.received === 0 && !resumed.has(c.ticker)).map((c) => c.ticker);
    return {
      date,
      opening: opening.price,
      expiration: selection.expiration,
      contracts: chosen.map((c) => c.ticker),
      contractsSkipped: resumed.size,
      contractsWithBars: chosen.length - resumed.size - withoutBars.length,
      contractsWithoutBars: withoutBars,
      unlisted,
      shortfall: selection.shortfall,
      open,
      ...totals,
    };
  }
}
