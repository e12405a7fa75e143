import { ListNewsOrderEnum, ListNewsSortEnum } from '@massive.com/client-js';
import { SpyglassError, type NewsArticle } from '@spyglass/core';
import { decodeNewsArticle } from '../wire/decode-news.js';
import type { DecodeResult, FetchResult } from '../wire/decode-result.js';
import { collectPages, decodePage, type DecodedPage } from './decoded-page.js';
import type { MassiveRest, WirePage } from './massive-rest.js';

/**
 * A news request: articles about `ticker` published from `from` to `to` (both inclusive).
 *
 * @example
 * ```ts
 * const { records } = await news.articles({ ticker: 'SPY', from: '2025-03-04', to: '2025-03-05', limit: 1000 } satisfies NewsQuery);
 * ```
 */
export interface NewsQuery {
  readonly ticker: string;
  /** `YYYY-MM-DD`, an RFC 3339 time or epoch ms. */
  readonly from?: string | number;
  readonly to?: string | number;
  /** Page size, at most 1000. */
  readonly limit?: number;
}

/**
 * Options of {@link NewsClient.poll}.
 *
 * @example
 * ```ts
 * const opts: NewsPollOptions = { ticker: 'SPY', intervalMs: 60_000, lookbackMs: 3_600_000, signal };
 * for await (const r of news.poll(opts)) if (r.ok) console.log(r.value.title);
 * ```
 */
export interface NewsPollOptions {
  readonly ticker: string;
  /** Wait between polls; default 60 s. */
  readonly intervalMs?: number;
  /** Stops the poll; the iterator then ends normally. */
  readonly signal?: AbortSignal;
  /** Only articles published at or after this epoch ms; default now − `lookbackMs`. */
  readonly since?: number;
  /** Default 1 h. */
  readonly lookbackMs?: number;
  /** How many article ids to remember for de-duplication; default 10 000. */
  readonly rememberIds?: number;
  /**
   * Each poll re-reads this far behind the newest article seen, so an article indexed late with an
   * earlier `published_utc` is still caught (ids de-duplicate the overlap); default 15 min.
   */
  readonly overlapMs?: number;
}

/**
 * News with per-ticker sentiment (`/v2/reference/news`). The date filters go on the wire as raw
 * `published_utc.gte` / `published_utc.lte` query parameters: the client's typed arguments for them
 * spread the string into `0=2&1=0…` (mis-encoded), so they are passed as axios `params` instead.
 *
 * @example
 * ```ts
 * const news = new NewsClient(rest);
 * const { records } = await news.articles({ ticker: 'SPY', from: '2025-03-04', to: '2025-03-05' });
 * for await (const r of news.poll({ ticker: 'SPY', intervalMs: 60_000, signal })) if (r.ok) console.log(r.value.title);
 * ```
 */
export class NewsClient {
  constructor(private readonly rest: MassiveRest) {}

  /** Raw wire pages, oldest article first. */
  pages(q: NewsQuery, signal?: AbortSignal): AsyncGenerator<WirePage> {
    const params: Record<string, string> = {};
    if (q.from !== undefined) params['published_utc.gte'] = newsTime(q.from, 'from');
    if (q.to !== undefined) params['published_utc.lte'] = newsTime(q.to, 'to', true);
    const limit = Math.min(q.limit ?? 1000, 1000);
    const query = new URLSearchParams({ ticker: q.ticker, ...params }).toString();
    return this.rest.pages(
      `/v2/reference/news?${query}`,
      (api, o) => api.listNews({ ticker: q.ticker, order: ListNewsOrderEnum.Asc, sort: ListNewsSortEnum.PublishedUtc, limit }, { ...o, params }),
      signal,
    );
  }

  /** Pages decoded to {@link NewsArticle}s for `q.ticker`. */
  async *articlePages(q: NewsQuery, signal?: AbortSignal): AsyncGenerator<DecodedPage<NewsArticle>> {
    for await (const page of this.pages(q, signal)) {
      const ingestedAt = this.rest.clock.now();
      yield decodePage(page, (raw) => decodeNewsArticle(raw, q.ticker, ingestedAt));
    }
  }

  /** Every article of the date range, oldest first, with sentiment for `q.ticker`. */
  articles(q: NewsQuery, signal?: AbortSignal): Promise<FetchResult<NewsArticle>> {
    return collectPages(this.articlePages(q, signal));
  }

  /**
   * Polls for new articles every `intervalMs`, yielding each article id once (rejected wire records
   * are yielded once too, as `{ ok: false }`). Ends when `signal` aborts; a request that fails after
   * its retries throws (typed), so a poll never stops silently.
   */
  async *poll(opts: NewsPollOptions): AsyncGenerator<DecodeResult<NewsArticle>> {
    const { ticker, signal } = opts;
    const interval = opts.intervalMs ?? 60_000;
    if (!(interval > 0)) throw new SpyglassError('INVALID_ARGUMENT', `NewsClient.poll: intervalMs ${interval} must be > 0`);
    const remember = opts.rememberIds ?? 10_000;
    const overlap = opts.overlapMs ?? 15 * 60_000;
    const seen = new Set<string>();
    let watermark = opts.since ?? this.rest.clock.now() - (opts.lookbackMs ?? 3_600_000);
    while (!signal?.aborted) {
      const pages: DecodedPage<NewsArticle>[] = [];
      try {
        for await (const p of this.articlePages({ ticker, from: Math.max(0, watermark - overlap) }, signal)) pages.push(p);
      } catch (e) {
        if (signal?.aborted) return;
        throw e;
      }
      for (const p of pages) {
        for (const article of p.records) {
          if (seen.has(article.id)) continue;
          remember1(seen, article.id, remember);
          if (article.timestamp > watermark) watermark = article.timestamp;
          yield { ok: true, value: article };
        }
        for (const rej of p.rejected) {
          const key = rejectedKey(rej.raw);
          if (seen.has(key)) continue;
          remember1(seen, key, remember);
          yield rej;
        }
      }
      try {
        await this.rest.clock.sleep(interval, signal);
      } catch {
        return;
      }
    }
  }
}

function remember1(seen: Set<string>, key: string, max: number): void {
  seen.add(key);
  // Sets iterate in insertion order: dropping the first entry evicts the oldest id.
  if (seen.size > max) seen.delete(seen.values().next().value as string);
}

function rejectedKey(raw: unknown): string {
  const id = raw && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? `rejected:${id}` : `rejected:${JSON.stringify(raw)}`;
}

/**
 * A news bound for the wire, always a full RFC 3339 UTC time so the server cannot misread it: a plain
 * date is the whole UTC day (`from` its 00:00:00Z, `to` its 23:59:59Z), epoch ms become ISO strings.
 */
function newsTime(v: string | number, name: string, upper = false): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new SpyglassError('INVALID_ARGUMENT', `NewsClient: ${name} ${v} must be finite epoch ms`);
    return new Date(v).toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))) return `${v}T${upper ? '23:59:59' : '00:00:00'}Z`;
  if (/^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v))) return v;
  throw new SpyglassError('INVALID_ARGUMENT', `NewsClient: ${name} "${v}" must be YYYY-MM-DD, RFC 3339 or epoch ms`);
}
