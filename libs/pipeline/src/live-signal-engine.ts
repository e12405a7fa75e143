import { Dataset, nyDate, nyseCalendar, systemClock, type Clock, type IndexBar, type MarketCalendar, type NewsArticle, type OptionBar, type StockBar } from '@spyglass/core';
import { INCREMENTAL_FEATURE_COLUMNS, SessionFeatureEngine, type FeatureUpdate, type IncrementalFeatureSettings } from '@spyglass/features';
import { validatorFor } from '@spyglass/processing';
import type { SignalModel } from './live-signal-model.js';

/**
 * One live signal: a bar the model flags, with its top SHAP reasons in plain English and the
 * times that make its latency (arrival of the bar → probability → explained signal).
 *
 * @example
 * ```ts
 * engine.onSignal((s: LiveSignalRecord) => console.log(s.ticker, s.probability.toFixed(3), s.reasons[0], `${s.signalAt - s.arrivedAt} ms`));
 * ```
 */
export interface LiveSignalRecord {
  readonly ticker: string;
  /** Bar start, UTC epoch ms. */
  readonly timestamp: number;
  readonly probability: number;
  readonly threshold: number;
  readonly modelVersion: string;
  /** Top SHAP factors, largest first, as sentences ("RSI 74 — overbought", …). */
  readonly reasons: readonly string[];
  /** When the bar arrived (its `ingestedAt`), when its probability was known and when the explained signal was ready. */
  readonly arrivedAt: number;
  readonly probabilityAt: number;
  readonly signalAt: number;
}

/**
 * A scored burst: option bars scored together (one batch prediction), for metrics. Burst
 * listeners get it as soon as the probabilities are known, before any SHAP explanation runs; a
 * minute's burst wider than `emitEvery` contracts reaches them in chunks of that many bars, each
 * as soon as it is scored.
 *
 * @example
 * ```ts
 * engine.onBurst((burst: ScoredBurst) => { for (const a of burst.arrivedAt) latencies.push(burst.probabilityAt - a); });
 * ```
 */
export interface ScoredBurst {
  readonly tickers: readonly string[];
  readonly timestamps: readonly number[];
  readonly arrivedAt: readonly number[];
  readonly probabilities: Float32Array;
  /** n × 66 feature rows (`INCREMENTAL_FEATURE_COLUMNS` order, NaN = missing). */
  readonly features: Float64Array;
  readonly probabilityAt: number;
}

/**
 * What {@link LiveSignalEngine.flush} returns: the scored burst and the signals of its flagged rows.
 *
 * @example
 * ```ts
 * const { probabilities, signals }: ExplainedBurst = engine.flush();
 * ```
 */
export interface ExplainedBurst extends ScoredBurst {
  readonly signals: readonly LiveSignalRecord[];
}

/**
 * Options of {@link LiveSignalEngine}.
 *
 * @example
 * ```ts
 * const opts: LiveSignalEngineOptions = { model, features: { riskFreeRate: 0.045, dividendYield: 0.013, newsLookbackMinutes: 60 } };
 * ```
 */
export interface LiveSignalEngineOptions {
  readonly model: SignalModel;
  readonly features: IncrementalFeatureSettings;
  readonly calendar?: Pick<MarketCalendar, 'session'>;
  readonly clock?: Clock;
  /** Ticker of the underlying (default `SPY`); option bars of other underlyings are ignored. */
  readonly underlying?: string;
  /** SHAP reasons per signal (default 3). */
  readonly reasons?: number;
  /**
   * How long an option bar may wait for its minute's underlying bar (and an underlying bar for its
   * minute's VIX bar) when the streams arrive out of step (separate sockets), counted from the
   * later of its own arrival and the last bar of the stream it waits for (a stream that is behind
   * but delivering is waited for). Default 3000 ms; after it the bar is scored with what the
   * engine has.
   */
  readonly barrierWaitMs?: number;
  /** Runs a flush after the current burst has been read (default `setImmediate`). */
  readonly schedule?: (run: () => void) => void;
  /**
   * Milliseconds a scheduled step may spend on SHAP explanations before it yields, so a burst
   * that arrived meanwhile is scored first (default 3; `Infinity` explains every flagged row of a
   * burst before anything else runs).
   */
  readonly explainBudgetMs?: number;
  /**
   * Option bars per emitted chunk of a burst (default 16): the first bars of a 150-contract minute
   * get their probabilities after their own features and one small batch prediction, not after the
   * whole burst's. `Infinity`: one prediction and one burst event per burst.
   */
  readonly emitEvery?: number;
}

/**
 * Counters of what the engine did with the bars it was given.
 *
 * @example
 * ```ts
 * const c: LiveEngineCounts = engine.counts();
 * if (c.late > 0) log.warn(c, 'late bars were stored but not scored live');
 * ```
 */
export interface LiveEngineCounts {
  scored: number;
  signals: number;
  late: number;
  duplicate: number;
  outsideSession: number;
  noUnderlying: number;
  invalid: number;
  bursts: number;
}

type Queued =
  | { readonly kind: 'index'; readonly bar: IndexBar; readonly at: number }
  | { readonly kind: 'news'; readonly article: NewsArticle; readonly at: number }
  | { readonly kind: 'stock'; readonly bar: StockBar; readonly at: number }
  | { readonly kind: 'option'; readonly bar: OptionBar; readonly at: number };

interface PendingSignal {
  readonly ticker: string;
  readonly timestamp: number;
  readonly arrivedAt: number;
  readonly probability: number;
  readonly probabilityAt: number;
  readonly row: Float64Array;
}

const ORDER = { index: 0, news: 1, stock: 2, option: 3 } as const;
/**
 * Flagged rows explained per scheduled step: one SHAP call of a few rows (~0.1–0.3 ms each here),
 * after which bars that arrived meanwhile are scored before the next rows are explained.
 */
const EXPLAIN_CHUNK = 8;

const WIDTH = INCREMENTAL_FEATURE_COLUMNS.length;
const EMPTY_BURST: ScoredBurst = Object.freeze({ tickers: [], timestamps: [], arrivedAt: [], probabilities: new Float32Array(0), features: new Float64Array(0), probabilityAt: 0 });

/**
 * The live signal engine: SPY, VIX, option and news records go in as they arrive (in memory, before
 * any Parquet flush); each contract's features are updated in O(1) by {@link SessionFeatureEngine};
 * everything that arrives together (a minute's burst across the chain) is scored as one batch
 * prediction, and only flagged rows are explained with SHAP. No signal waits for a flush, a DuckDB
 * query or a file read — durability stays with the streaming runners, off this path.
 *
 * Order and lateness: a burst is applied VIX → news → SPY → options, as the batch as-of joins see
 * them. A bar older than the newest one of its series is `late`: live cannot rewind O(1) state, so
 * it is counted and not scored; the durable path stores it, so the batch features (and a warm
 * restart, {@link LiveSignalEngine.warm}) include it. Live therefore scores what it had at the time.
 *
 * @example
 * ```ts
 * const engine = new LiveSignalEngine({ model: SignalModel.load(dir), features: { riskFreeRate: 0.045, dividendYield: 0.013, newsLookbackMinutes: 60 } });
 * engine.onSignal((s) => process.stdout.write(JSON.stringify(s) + '\n'));
 * socket.on('bar', (b) => engine.addOptionBar(b));
 * ```
 */
export class LiveSignalEngine {
  private readonly clock: Clock;
  private readonly calendar: Pick<MarketCalendar, 'session'>;
  private readonly underlying: string;
  private readonly reasons: number;
  private readonly waitMs: number;
  private readonly schedule: (run: () => void) => void;
  private readonly explainBudgetMs: number;
  private readonly emitEvery: number;
  private readonly sessions = new Map<string, SessionFeatureEngine | null>();
  private queue: Queued[] = [];
  private recentNews: NewsArticle[] = [];
  private lastSession: SessionFeatureEngine | null = null;
  private readonly lastArrival = { stock: Number.NEGATIVE_INFINITY, index: Number.NEGATIVE_INFINITY };
  private scheduled = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly signalListeners: Array<(s: LiveSignalRecord) => void> = [];
  private readonly burstListeners: Array<(b: ScoredBurst) => void> = [];
  private readonly validate = {
    stock: validatorFor(Dataset.STOCK_BARS),
    option: validatorFor(Dataset.OPTION_BARS),
    index: validatorFor(Dataset.INDEX_BARS),
  };
  private readonly c: LiveEngineCounts = { scored: 0, signals: 0, late: 0, duplicate: 0, outsideSession: 0, noUnderlying: 0, invalid: 0, bursts: 0 };
  private rows = new Float64Array(WIDTH * 512);
  /** Flagged rows scored but not yet explained, oldest first. */
  private pending: PendingSignal[] = [];

  constructor(private readonly o: LiveSignalEngineOptions) {
    this.clock = o.clock ?? systemClock;
    this.calendar = o.calendar ?? nyseCalendar;
    this.underlying = o.underlying ?? 'SPY';
    this.reasons = o.reasons ?? 3;
    this.waitMs = o.barrierWaitMs ?? 3000;
    this.schedule = o.schedule ?? ((run) => void setImmediate(run));
    this.explainBudgetMs = o.explainBudgetMs ?? 3;
    this.emitEvery = Math.max(1, o.emitEvery ?? 16);
  }

  /** Subscribes to signals (flagged, explained bars). */
  onSignal(listener: (s: LiveSignalRecord) => void): void {
    this.signalListeners.push(listener);
  }

  /** Subscribes to every scored burst (probabilities of all bars, flagged or not), called before the flagged rows are explained. */
  onBurst(listener: (b: ScoredBurst) => void): void {
    this.burstListeners.push(listener);
  }

  counts(): Readonly<LiveEngineCounts> {
    return { ...this.c };
  }

  addStockBar(bar: StockBar): void {
    if (bar.ticker === this.underlying) this.enqueue({ kind: 'stock', bar, at: this.clock.now() });
  }

  addIndexBar(bar: IndexBar): void {
    this.enqueue({ kind: 'index', bar, at: this.clock.now() });
  }

  addOptionBar(bar: OptionBar): void {
    if (bar.underlying === this.underlying) this.enqueue({ kind: 'option', bar, at: this.clock.now() });
  }

  addNews(article: NewsArticle): void {
    this.enqueue({ kind: 'news', article, at: this.clock.now() });
  }

  /**
   * Warm start: replays what is stored for the session so far into the feature state, without
   * scoring, so the first live bar's features equal the batch features for its minute.
   */
  warm(stored: { stocks?: readonly StockBar[]; indices?: readonly IndexBar[]; options?: readonly OptionBar[]; news?: readonly NewsArticle[] }): void {
    const events: Queued[] = [
      ...(stored.indices ?? []).map((bar) => ({ kind: 'index' as const, bar, at: 0 })),
      ...(stored.news ?? []).map((article) => ({ kind: 'news' as const, article, at: 0 })),
      ...(stored.stocks ?? []).filter((b) => b.ticker === this.underlying).map((bar) => ({ kind: 'stock' as const, bar, at: 0 })),
      ...(stored.options ?? []).filter((b) => b.underlying === this.underlying).map((bar) => ({ kind: 'option' as const, bar, at: 0 })),
    ];
    events.sort((a, b) => timeOf(a) - timeOf(b) || ORDER[a.kind] - ORDER[b.kind]);
    const scratch = new Float64Array(WIDTH);
    for (const ev of events) this.apply(ev, scratch);
  }

  /**
   * Applies everything queued, scores the option bars as one batch and explains every flagged row
   * not yet explained (normally the scheduler does this in steps; tests and replays call it
   * directly). Option bars whose minute's underlying bar has not arrived wait up to
   * `barrierWaitMs`. `signals` holds every signal explained by this call: the burst's, and any a
   * scheduled step had not explained yet.
   */
  flush(): ExplainedBurst {
    this.scheduled = false;
    const scored = this.score(true);
    return { ...scored, signals: this.explainPending(Number.POSITIVE_INFINITY) };
  }

  /**
   * One scheduled step: bars that arrived score first (their probabilities go out at once), then
   * flagged rows are explained `EXPLAIN_CHUNK` at a time for up to `explainBudgetMs`; while rows
   * wait, the next step is scheduled, so a burst arriving meanwhile is scored before the rest of
   * the SHAP work.
   */
  private step(): void {
    this.scheduled = false;
    const started = this.clock.now();
    if (this.queue.length > 0) this.score(false);
    // Chunks until the step has run for explainBudgetMs: explanations keep pace when the
    // machine is busy, and a burst waits for at most one budget before it is scored.
    do this.explainPending(EXPLAIN_CHUNK);
    while (this.pending.length > 0 && this.clock.now() - started < this.explainBudgetMs);
    if (this.pending.length > 0) this.arm();
  }

  /**
   * Applies everything queued and scores the option bars in batch predictions of `emitEvery` rows,
   * each emitted as soon as it is scored; flagged rows wait in `pending`. `whole`: also return the
   * whole burst as one ScoredBurst (for {@link flush}; the scheduled path skips that copy).
   */
  private score(whole: boolean): ScoredBurst {
    const now = this.clock.now();
    const queue = this.queue;
    this.queue = [];
    queue.sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || timeOf(a) - timeOf(b));
    const held: Queued[] = [];
    const tickers: string[] = [];
    const timestamps: number[] = [];
    const arrivedAt: number[] = [];
    const probabilities: number[] = [];
    let n = 0;
    let emitted = 0;
    let probabilityAt = now;
    for (const ev of queue) {
      if (ev.kind !== 'index' && ev.kind !== 'news' && this.waiting(ev, now)) {
        held.push(ev);
        continue;
      }
      if (ev.kind !== 'option') {
        this.apply(ev, undefined);
        continue;
      }
      if ((n + 1) * WIDTH > this.rows.length) {
        const grown = new Float64Array(this.rows.length * 2);
        grown.set(this.rows);
        this.rows = grown;
      }
      if (this.apply(ev, this.rows.subarray(n * WIDTH, (n + 1) * WIDTH)) === 'applied') {
        tickers.push(ev.bar.ticker);
        timestamps.push(ev.bar.timestamp);
        arrivedAt.push(ev.bar.ingestedAt);
        n++;
        if (n - emitted >= this.emitEvery) {
          probabilityAt = this.emit(tickers, timestamps, arrivedAt, emitted, n, probabilities, false);
          emitted = n;
        }
      }
    }
    if (n > emitted) probabilityAt = this.emit(tickers, timestamps, arrivedAt, emitted, n, probabilities, true);
    if (held.length > 0) this.hold(held);
    this.c.scored += n;
    if (n > 0) this.c.bursts++;
    if (!whole) return EMPTY_BURST;
    return { tickers, timestamps, arrivedAt, probabilities: Float32Array.from(probabilities), features: this.rows.slice(0, n * WIDTH), probabilityAt };
  }

  /** Scores rows `from`..`to` of the burst as one batch prediction, emits them, and queues their flagged rows for SHAP. */
  private emit(tickers: string[], timestamps: number[], arrivedAt: number[], from: number, to: number, all: number[], final: boolean): number {
    const m = to - from;
    const features = this.rows.slice(from * WIDTH, to * WIDTH);
    const probabilities = this.o.model.predict(features, m);
    const probabilityAt = this.clock.now();
    for (let i = 0; i < m; i++) all.push(probabilities[i]!);
    // The arrays grow while the burst is read: a chunk gets its own slices, unless it is the whole burst.
    const chunk = from === 0 && final ? { tickers, timestamps, arrivedAt } : { tickers: tickers.slice(from, to), timestamps: timestamps.slice(from, to), arrivedAt: arrivedAt.slice(from, to) };
    const scored: ScoredBurst = { ...chunk, probabilities, features, probabilityAt };
    // Probabilities go out first: SHAP (the slower half) never delays them.
    for (const l of this.burstListeners) l(scored);
    const threshold = this.o.model.threshold;
    for (let i = 0; i < m; i++) {
      if (probabilities[i]! >= threshold) this.pending.push({ ticker: tickers[from + i]!, timestamp: timestamps[from + i]!, arrivedAt: arrivedAt[from + i]!, probability: probabilities[i]!, probabilityAt, row: features.subarray(i * WIDTH, (i + 1) * WIDTH) });
    }
    return probabilityAt;
  }

  /** Explains up to `max` flagged rows, oldest first, with one SHAP call, and emits their signals. */
  private explainPending(max: number): LiveSignalRecord[] {
    if (this.pending.length === 0) return [];
    const rows = this.pending.length <= max ? this.pending.splice(0) : this.pending.splice(0, max);
    const model = this.o.model;
    const explanations = model.explainMany(
      rows.map((r) => r.row),
      rows.map((r) => r.probability),
      this.reasons,
    );
    const signalAt = this.clock.now();
    const signals: LiveSignalRecord[] = rows.map((r, k) => ({
      ticker: r.ticker,
      timestamp: r.timestamp,
      probability: r.probability,
      threshold: model.threshold,
      modelVersion: model.version,
      reasons: explanations[k]!.factors.slice(0, this.reasons).map((f) => f.reading),
      arrivedAt: r.arrivedAt,
      probabilityAt: r.probabilityAt,
      signalAt,
    }));
    this.c.signals += signals.length;
    for (const s of signals) for (const l of this.signalListeners) l(s);
    return signals;
  }

  private arm(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      if (this.scheduled) this.step();
    });
  }

  /** Stops the barrier timer (pending bars stay queued for an explicit {@link flush}). */
  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private enqueue(ev: Queued): void {
    this.queue.push(ev);
    if (ev.kind === 'stock' || ev.kind === 'index') this.lastArrival[ev.kind] = ev.at;
    this.arm();
  }

  private hold(held: Queued[]): void {
    this.queue.push(...held);
    if (this.timer !== undefined) return;
    let first = Number.POSITIVE_INFINITY;
    for (const h of held) first = Math.min(first, h.at);
    const due = Math.max(1, first + this.waitMs - this.clock.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.step();
    }, due);
    this.timer.unref?.();
  }

  /**
   * True while a bar's minute still lacks the bar it joins as of (underlying for options, VIX for
   * the underlying) and the stream that owes it is alive: a stream that is behind but delivering
   * is waited for; one silent for `barrierWaitMs` (since its last bar or this bar's arrival,
   * whichever is later) is not.
   */
  private waiting(ev: Queued, now: number): boolean {
    const t = timeOf(ev);
    const s = this.session(t);
    if (s === null) return false;
    if (ev.kind === 'option') return s.lastUnderlyingTime < t && now - Math.max(ev.at, this.lastArrival.stock) < this.waitMs;
    // Only when a VIX stream is feeding this session: without one there is nothing to wait for.
    if (ev.kind === 'stock') return s.lastIndexTime > Number.NEGATIVE_INFINITY && s.lastIndexTime < t && now - Math.max(ev.at, this.lastArrival.index) < this.waitMs;
    return false;
  }

  private session(t: number): SessionFeatureEngine | null {
    // Nearly every bar falls in the session of the previous one: skip the date lookup then.
    const last = this.lastSession;
    if (last !== null && t >= last.session.openMs && t < last.session.closeMs) return last;
    const date = nyDate(t);
    let s = this.sessions.get(date);
    if (s === undefined) {
      const session = this.calendar.session(date);
      s = session === null ? null : new SessionFeatureEngine({ date, openMs: session.open, closeMs: session.close }, { ...this.o.features, calendar: this.calendar });
      if (s !== null && session !== null) {
        const from = session.open - this.o.features.newsLookbackMinutes * 60_000;
        this.recentNews = this.recentNews.filter((a) => a.timestamp > from);
        for (const a of this.recentNews) s.addNews(a);
      }
      // Only the newest two sessions are kept: a session's state is useless after its close.
      this.sessions.set(date, s);
      if (s !== null) this.lastSession = s;
      for (const d of [...this.sessions.keys()].sort().slice(0, -2)) this.sessions.delete(d);
    }
    return s;
  }

  private apply(ev: Queued, out: Float64Array | undefined): FeatureUpdate | 'invalid' {
    if (ev.kind === 'news') {
      // An article counts wherever its look-back reaches: the open sessions now, a later one when it starts.
      this.recentNews.push(ev.article);
      if (this.recentNews.length > 2048) this.recentNews = this.recentNews.filter((a) => a.timestamp > ev.article.timestamp - 86_400_000);
      for (const engine of this.sessions.values()) engine?.addNews(ev.article);
      return 'applied';
    }
    if (this.validate[ev.kind].validate(ev.bar).length > 0) {
      this.c.invalid++;
      return 'invalid';
    }
    const s = this.session(ev.bar.timestamp);
    let r: FeatureUpdate;
    if (s === null) r = 'outside-session';
    else if (ev.kind === 'index') r = s.addIndexBar(ev.bar);
    else if (ev.kind === 'stock') r = s.addUnderlyingBar(ev.bar);
    else r = s.addOptionBar(ev.bar, out ?? new Float64Array(WIDTH));
    if (r === 'late') this.c.late++;
    else if (r === 'duplicate') this.c.duplicate++;
    else if (r === 'outside-session') this.c.outsideSession++;
    else if (r === 'no-underlying') this.c.noUnderlying++;
    return r;
  }
}

function timeOf(ev: Queued): number {
  return ev.kind === 'news' ? ev.article.timestamp : ev.bar.timestamp;
}
