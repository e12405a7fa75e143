import { nyDate, nyWallTime } from '@spyglass/core';
import { aggregateBars, bucketMs } from './aggregates.js';
import { type ApiResponse, badRequest, notFound } from './api-bodies.js';
import { isCalendarDate, shiftDate } from './calendar-day.js';
import { MARKET_RANGE } from './market-config.js';
import type { SimNewsArticle } from './news-generator.js';
import type { SimBar, SimIndexBar } from './sim-bar.js';
import type { SimMarketKind, SyntheticMarket } from './synthetic-market.js';
import { decodeCursor, encodeCursor } from './wire-cursor.js';

/** What a route handler needs from the server. */
export interface RestContext {
  readonly market: SyntheticMarket;
  /** `http://host:port`, the base of absolute `next_url`s. */
  readonly baseUrl: string;
  readonly now: () => number;
  readonly requestId: string;
}

/**
 * The product a path belongs to (for entitlements), or null for an unknown path.
 *
 * @example
 * ```ts
 * const entitled: readonly ApiProduct[] = ['stocks', 'indices', 'news']; // an account without options
 * ```
 */
export type ApiProduct = SimMarketKind | 'news';

/** A matched route: its stats label, the product it serves, and its handler. */
export interface RestRoute {
  readonly label: string;
  readonly product: (url: URL) => ApiProduct;
  readonly handle: (url: URL, ctx: RestContext) => ApiResponse;
}

const AGGS = /^\/v2\/aggs\/ticker\/([^/]+)\/range\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)$/;
const OPEN_CLOSE = /^\/v1\/open-close\/([^/]+)\/([^/]+)$/;

const AGG_DEFAULT_LIMIT = 5000;
const AGG_MAX_LIMIT = 50_000;

/** The real API refuses a zero, negative, fractional or non-numeric `limit` with 400. */
function isPositiveInteger(text: string): boolean {
  return /^\d+$/.test(text) && Number(text) >= 1;
}

function kindOfTicker(ticker: string): ApiProduct {
  return ticker.startsWith('O:') ? 'options' : ticker.startsWith('I:') ? 'indices' : 'stocks';
}

/** Parses `from`/`to` of the aggregates path: a date (its whole New York day) or epoch ms. */
function parseTimeBound(text: string, end: boolean): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  if (!isCalendarDate(text)) return null;
  if (text < MARKET_RANGE.from || text > MARKET_RANGE.to) return end ? Date.parse(`${text}T23:59:59Z`) : Date.parse(`${text}T00:00:00Z`);
  return end ? nyWallTime(shiftDate(text, 1), 0, 0) - 1 : nyWallTime(text, 0, 0);
}

function clampDate(date: string): string {
  return date < MARKET_RANGE.from ? MARKET_RANGE.from : date > MARKET_RANGE.to ? MARKET_RANGE.to : date;
}

function urlWith(base: string, path: string, params: Record<string, string>): string {
  const query = new URLSearchParams(params).toString();
  return `${base}${path}${query ? `?${query}` : ''}`;
}

function aggregates(url: URL, ctx: RestContext): ApiResponse {
  const m = AGGS.exec(url.pathname)!;
  const ticker = decodeURIComponent(m[1]!);
  const multiplier = Number(m[2]);
  const timespan = m[3]!;
  const cursor = url.searchParams.get('cursor');
  const q = cursor ? decodeCursor(cursor) : url.searchParams;
  if (!q) return badRequest(ctx.requestId, 'Invalid cursor');
  if (!Number.isInteger(multiplier) || multiplier < 1) return badRequest(ctx.requestId, `Invalid multiplier: '${m[2]}'`);
  if (timespan !== 'minute' && timespan !== 'hour' && timespan !== 'day') {
    return badRequest(ctx.requestId, `Unsupported timespan '${timespan}' (the simulator serves minute, hour and day)`);
  }
  const from = parseTimeBound(m[4]!, false);
  const to = parseTimeBound(m[5]!, true);
  if (from === null) return badRequest(ctx.requestId, `Could not parse the time parameter: 'from'. Use YYYY-MM-DD or Unix MS Timestamps`);
  if (to === null) return badRequest(ctx.requestId, `Could not parse the time parameter: 'to'. Use YYYY-MM-DD or Unix MS Timestamps`);
  const sort = q.get('sort') === 'desc' ? 'desc' : 'asc';
  const adjusted = q.get('adjusted') !== 'false';
  const limitText = q.get('limit');
  if (limitText !== null && !isPositiveInteger(limitText)) return badRequest(ctx.requestId, `Invalid limit: '${limitText}'. Use a positive integer`);
  const limit = Math.min(AGG_MAX_LIMIT, limitText === null ? AGG_DEFAULT_LIMIT : Number(limitText));
  const kind = kindOfTicker(ticker);
  const { market } = ctx;

  const daysFor = (): string[] => (from > to ? [] : market.tradingDays(clampDate(nyDate(from)), clampDate(nyDate(to))));
  const minuteBarsOf = (date: string): readonly (SimBar | SimIndexBar)[] =>
    kind === 'options' ? market.optionBars(ticker, date) : kind === 'indices' ? market.indexBars(ticker, date) : market.stockBars(ticker, date);
  const keyOf = (t: number): number => {
    if (timespan === 'day') return nyWallTime(nyDate(t), 0, 0);
    const size = bucketMs(multiplier, timespan);
    return t - (t % size);
  };

  // Walk days in the requested order and stop once a page (plus one bar to know there is more) is
  // filled, so a year-long request for the first page generates a few days only. The page is a
  // generator: the server writes each bar as it is made, never holding 50,000 of them.
  const days = daysFor();
  if (sort === 'desc') days.reverse();
  let count = 0;
  let queryCount = 0;
  let last: SimBar | SimIndexBar | undefined;
  let more = false;
  // Like the real API, nothing from the future: only minutes that have ended by the clock.
  const until = Math.min(to, ctx.now() - 60_000);
  const start = from; // narrowed to a number for the generator below
  function* bars(): Generator<SimBar | SimIndexBar> {
    for (const date of days) {
      const minutes = minuteBarsOf(date).filter((b) => b.t >= start && b.t <= until);
      queryCount += minutes.length;
      let buckets = aggregateBars(minutes, keyOf);
      if (sort === 'desc') buckets = buckets.reverse();
      for (const b of buckets) {
        if (count === limit) {
          more = true;
          return;
        }
        count++;
        last = b;
        yield b;
      }
    }
  }
  const trailer = (): Record<string, unknown> => {
    const fields: Record<string, unknown> = { queryCount, resultsCount: count, count };
    if (more && last) {
      const nextFrom = sort === 'asc' ? String(nextBucketStart(last.t, timespan, multiplier)) : m[4]!;
      const nextTo = sort === 'desc' ? String(last.t - 1) : m[5]!;
      fields['next_url'] = urlWith(ctx.baseUrl, `/v2/aggs/ticker/${encodeURIComponent(ticker)}/range/${multiplier}/${timespan}/${nextFrom}/${nextTo}`, {
        cursor: encodeCursor({ adjusted, limit, sort }),
      });
    }
    return fields;
  };
  const body: Record<string, unknown> = { ticker, ...(kind === 'indices' ? {} : { adjusted }), status: 'OK', request_id: ctx.requestId };
  return { status: 200, body, streamed: { items: bars(), trailer } };
}

function nextBucketStart(t: number, timespan: string, multiplier: number): number {
  if (timespan === 'day') return nyWallTime(shiftDate(nyDate(t), 1), 0, 0);
  return t + bucketMs(multiplier, timespan as 'minute' | 'hour');
}

function openClose(url: URL, ctx: RestContext): ApiResponse {
  const m = OPEN_CLOSE.exec(url.pathname)!;
  const ticker = decodeURIComponent(m[1]!);
  const date = m[2]!;
  if (!isCalendarDate(date)) return badRequest(ctx.requestId, `Could not parse the date parameter: '${date}'. Use YYYY-MM-DD`);
  const kind = kindOfTicker(ticker);
  const { market } = ctx;
  const bars: readonly (SimBar | SimIndexBar)[] =
    date < MARKET_RANGE.from || date > MARKET_RANGE.to
      ? []
      : kind === 'options' ? market.optionBars(ticker, date) : kind === 'indices' ? market.indexBars(ticker, date) : market.stockBars(ticker, date);
  // The day's open/close exists once its last minute has ended, not before (no future days).
  if (bars.length === 0 || bars.at(-1)!.t + 60_000 > ctx.now()) return notFound(ctx.requestId);
  const [day] = aggregateBars(bars, () => 0);
  const body: Record<string, unknown> = { status: 'OK', from: date, symbol: ticker, open: day!.o, high: day!.h, low: day!.l, close: day!.c };
  if ('v' in day!) {
    body['volume'] = day.v;
    body['afterHours'] = day.c;
  }
  return { status: 200, body };
}

const CONTRACTS_DEFAULT_LIMIT = 10;
const CONTRACTS_MAX_LIMIT = 1000;

function optionContracts(url: URL, ctx: RestContext): ApiResponse {
  const cursor = url.searchParams.get('cursor');
  const q = cursor ? decodeCursor(cursor) : url.searchParams;
  if (!q) return badRequest(ctx.requestId, 'Invalid cursor');
  const num = (k: string): number | undefined => {
    const v = Number(q.get(k) ?? Number.NaN);
    return Number.isFinite(v) ? v : undefined;
  };
  const str = (k: string): string | undefined => q.get(k) ?? undefined;
  const asOf = str('as_of') ?? nyDate(ctx.now());
  if (!isCalendarDate(asOf)) return badRequest(ctx.requestId, `Could not parse the as_of parameter: '${asOf}'. Use YYYY-MM-DD`);
  const underlying = str('underlying_ticker');
  const limitText = q.get('limit');
  if (limitText !== null && !isPositiveInteger(limitText)) return badRequest(ctx.requestId, `Invalid limit: '${limitText}'. Use a positive integer`);
  const limit = Math.min(CONTRACTS_MAX_LIMIT, num('limit') ?? CONTRACTS_DEFAULT_LIMIT);
  const offset = num('offset') ?? 0;
  const order = str('order') === 'desc' ? -1 : 1;
  const sort = str('sort') ?? 'ticker';
  const expired = str('expired');
  if (expired !== undefined && expired !== 'true' && expired !== 'false') return badRequest(ctx.requestId, `Could not parse the expired parameter: '${expired}'. Use true or false`);
  // On a closed day the listed contracts are those of the last session that have not expired yet.
  const listingDay = clampDate(asOf) === asOf ? ctx.market.tradingDays(shiftDate(asOf, -10), asOf).at(-1) : undefined;
  let all =
    listingDay === undefined || (underlying !== undefined && underlying !== 'SPY')
      ? []
      : expired === 'true'
        ? expiredContracts(ctx.market, asOf, q)
        : ctx.market.optionContracts(listingDay).filter((c) => c.expiration >= asOf);
  const cmp = (k: string, test: (v: number | string, bound: number | string) => boolean, field: 'strike' | 'expiration') => {
    const raw = q.get(k);
    if (raw === null) return;
    const bound = field === 'strike' ? Number(raw) : raw;
    all = all.filter((c) => test(c[field], bound));
  };
  const ticker = str('ticker');
  if (ticker !== undefined) all = all.filter((c) => c.ticker === ticker);
  const type = str('contract_type');
  if (type !== undefined) all = all.filter((c) => c.contractType === type);
  cmp('expiration_date', (v, b) => v === b, 'expiration');
  cmp('expiration_date.gte', (v, b) => v >= b, 'expiration');
  cmp('expiration_date.gt', (v, b) => v > b, 'expiration');
  cmp('expiration_date.lte', (v, b) => v <= b, 'expiration');
  cmp('expiration_date.lt', (v, b) => v < b, 'expiration');
  cmp('strike_price', (v, b) => v === b, 'strike');
  cmp('strike_price.gte', (v, b) => v >= b, 'strike');
  cmp('strike_price.gt', (v, b) => v > b, 'strike');
  cmp('strike_price.lte', (v, b) => v <= b, 'strike');
  cmp('strike_price.lt', (v, b) => v < b, 'strike');
  const keyOf = (c: (typeof all)[number]): string | number =>
    sort === 'strike_price' ? c.strike : sort === 'expiration_date' ? c.expiration : sort === 'underlying_ticker' ? c.underlying : c.ticker;
  all.sort((a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    return (ka < kb ? -1 : ka > kb ? 1 : a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0) * order;
  });
  const page = all.slice(offset, offset + limit);
  const body: Record<string, unknown> = {
    results: page.map((c) => ({
      cfi: c.contractType === 'call' ? 'OCASPS' : 'OPASPS',
      contract_type: c.contractType,
      exercise_style: c.exerciseStyle,
      expiration_date: c.expiration,
      primary_exchange: c.primaryExchange,
      shares_per_contract: c.sharesPerContract,
      strike_price: c.strike,
      ticker: c.ticker,
      underlying_ticker: c.underlying,
    })),
    status: 'OK',
    request_id: ctx.requestId,
  };
  if (offset + limit < all.length) {
    const state: Record<string, string> = {};
    for (const [k, v] of q) if (k !== 'offset' && k !== 'cursor' && k !== 'apiKey') state[k] = v;
    body['next_url'] = urlWith(ctx.baseUrl, '/v3/reference/options/contracts', {
      cursor: encodeCursor({ ...state, as_of: asOf, limit, offset: offset + limit }),
    });
  }
  return { status: 200, body };
}

/**
 * `expired=true`: the contracts that expired before `asOf`, each as listed on its last trading day.
 * Without an expiration filter the last 31 days; with one, the expirations it allows.
 */
function expiredContracts(market: SyntheticMarket, asOf: string, q: URLSearchParams): ReturnType<SyntheticMarket['optionContracts']> {
  const exact = q.get('expiration_date');
  const lo = exact ?? q.get('expiration_date.gte') ?? q.get('expiration_date.gt') ?? shiftDate(asOf, -31);
  const hi = [exact, q.get('expiration_date.lte'), q.get('expiration_date.lt'), shiftDate(asOf, -1)].filter((d): d is string => d !== null && isCalendarDate(d)).sort()[0]!;
  if (!isCalendarDate(lo) || lo > hi) return [];
  return market.tradingDays(clampDate(lo), clampDate(hi)).flatMap((d) => market.optionContracts(d, { expirationDate: d }));
}

const NEWS_DEFAULT_LIMIT = 10;
const NEWS_MAX_LIMIT = 1000;
const DEFAULT_NEWS_WINDOW_MS = 30 * 86_400_000;

/** `published_utc` bound: a date (its UTC day) or an RFC 3339 time. */
function parsePublished(text: string, end: boolean): number | null {
  if (isCalendarDate(text)) return Date.parse(`${text}T00:00:00Z`) + (end ? 86_400_000 - 1 : 0);
  const t = Date.parse(text);
  return Number.isFinite(t) && /^\d{4}-\d{2}-\d{2}T/.test(text) ? t : null;
}

function isoSeconds(t: number): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function wireArticle(a: SimNewsArticle): Record<string, unknown> {
  return {
    id: a.id,
    publisher: { name: a.publisher.name, homepage_url: a.publisher.homepageUrl, logo_url: a.publisher.logoUrl, favicon_url: a.publisher.faviconUrl },
    title: a.title,
    author: a.author,
    published_utc: isoSeconds(a.publishedUtc),
    article_url: a.articleUrl,
    tickers: a.tickers,
    amp_url: a.ampUrl,
    image_url: a.imageUrl,
    description: a.description,
    keywords: a.keywords,
    insights: a.insights.map((i) => ({ ticker: i.ticker, sentiment: i.sentiment, sentiment_reasoning: i.sentimentReasoning })),
  };
}

function news(url: URL, ctx: RestContext): ApiResponse {
  const cursor = url.searchParams.get('cursor');
  const q = cursor ? decodeCursor(cursor) : url.searchParams;
  if (!q) return badRequest(ctx.requestId, 'Invalid cursor');
  let lo = Number.NEGATIVE_INFINITY;
  let hi = Number.POSITIVE_INFINITY;
  for (const [key, end, strict] of [
    ['published_utc.gte', false, false], ['published_utc.gt', false, true], ['published_utc.lte', true, false], ['published_utc.lt', true, true], ['published_utc', false, false],
  ] as const) {
    const raw = q.get(key);
    if (raw === null) continue;
    const t = parsePublished(raw, end);
    if (t === null) return badRequest(ctx.requestId, `Could not parse the ${key} parameter: '${raw}'`);
    if (key === 'published_utc') {
      lo = Math.max(lo, t);
      hi = Math.min(hi, isCalendarDate(raw) ? t + 86_400_000 - 1 : t);
    } else if (end) hi = Math.min(hi, strict ? (isCalendarDate(raw) ? t - 86_400_000 : t - 1) : t);
    else lo = Math.max(lo, strict ? (isCalendarDate(raw) ? t + 86_400_000 : t + 1) : t);
  }
  // Like the real API, nothing from the future; without bounds, the latest news: here the 30 days before the clock.
  hi = Math.min(hi, ctx.now());
  if (lo === Number.NEGATIVE_INFINITY) lo = hi - DEFAULT_NEWS_WINDOW_MS;
  const ticker = q.get('ticker');
  const limitText = q.get('limit');
  if (limitText !== null && !isPositiveInteger(limitText)) return badRequest(ctx.requestId, `Invalid limit: '${limitText}'. Use a positive integer`);
  const limit = Math.min(NEWS_MAX_LIMIT, limitText === null ? NEWS_DEFAULT_LIMIT : Number(limitText));
  const offset = Math.max(0, Math.floor(Number(q.get('offset') ?? 0)) || 0);
  const order = q.get('order') === 'asc' ? 'asc' : 'desc';
  let all = lo <= hi ? ctx.market.news(lo, hi) : [];
  if (ticker !== null) all = all.filter((a) => a.tickers.includes(ticker));
  if (order === 'desc') all.reverse();
  const page = all.slice(offset, offset + limit);
  const body: Record<string, unknown> = { results: page.map(wireArticle), status: 'OK', request_id: ctx.requestId, count: page.length };
  if (offset + limit < all.length) {
    const state: Record<string, string> = {};
    for (const [k, v] of q) if (k !== 'offset' && k !== 'cursor' && k !== 'apiKey') state[k] = v;
    body['next_url'] = urlWith(ctx.baseUrl, '/v2/reference/news', { cursor: encodeCursor({ ...state, limit, order, offset: offset + limit }) });
  }
  return { status: 200, body };
}

/**
 * Matches a request path to its route: aggregates, open-close, option contracts, news.
 *
 * @example
 * ```ts
 * matchRoute('/v2/reference/news')?.label; // 'news'
 * ```
 */
export function matchRoute(pathname: string): RestRoute | null {
  if (AGGS.test(pathname)) {
    return { label: 'aggs', product: (u) => kindOfTicker(decodeURIComponent(AGGS.exec(u.pathname)![1]!)), handle: aggregates };
  }
  if (OPEN_CLOSE.test(pathname)) {
    return { label: 'open-close', product: (u) => kindOfTicker(decodeURIComponent(OPEN_CLOSE.exec(u.pathname)![1]!)), handle: openClose };
  }
  if (pathname === '/v3/reference/options/contracts') return { label: 'options-contracts', product: () => 'options', handle: optionContracts };
  if (pathname === '/v2/reference/news') return { label: 'news', product: () => 'news', handle: news };
  return null;
}
