import type { NewsArticle, NewsInsight, Sentiment } from '@spyglass/core';
import type { DecodeResult } from './decode-result.js';
import type { FieldReader } from '@spyglass/core';
import { WireIssueCode, wireFieldReader } from './wire-issue-codes.js';

/**
 * One `/v2/reference/news` result as sent on the wire (fields spyglass reads).
 *
 * @example
 * ```ts
 * const wire: WireNewsArticle = { id: 'a1', published_utc: '2025-03-04T15:00:00Z', title: 'SPY rallies', article_url: 'https://example.com/a1' };
 * decodeNewsArticle(wire, 'SPY', Date.now());
 * ```
 */
export interface WireNewsArticle {
  readonly id: string;
  readonly published_utc: string;
  readonly title: string;
  readonly author?: string;
  readonly article_url: string;
  readonly tickers?: string[];
  readonly description?: string;
  readonly keywords?: string[];
  readonly publisher?: { readonly name?: string };
  readonly insights?: Array<{ ticker: string; sentiment: string; sentiment_reasoning?: string }>;
}

const SENTIMENTS: ReadonlySet<string> = new Set<Sentiment>(['positive', 'neutral', 'negative']);
// RFC 3339 with a zone: a bare local time would be parsed in the host's zone, silently shifting news.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Maps a wire news article, fetched for `ticker`, to a {@link NewsArticle}: `published_utc` (ISO)
 * becomes epoch ms in `timestamp`, and `sentiment` is the insight whose ticker matches (null when
 * the article carries none for it).
 *
 * @example
 * ```ts
 * decodeNewsArticle({ id: 'a1', published_utc: '2025-03-04T15:00:00Z', title: 'SPY rallies', article_url: 'https://x',
 *   publisher: { name: 'Wire' }, tickers: ['SPY'], insights: [{ ticker: 'SPY', sentiment: 'positive', sentiment_reasoning: 'up' }] },
 *   'SPY', Date.now());
 * ```
 */
export function decodeNewsArticle(raw: unknown, ticker: string, ingestedAt: number): DecodeResult<NewsArticle> {
  const r = wireFieldReader(raw);
  const id = r.string('id') ?? '';
  const published = r.string('published_utc');
  let timestamp = NaN;
  if (published) {
    timestamp = RFC3339.test(published) ? Date.parse(published) : NaN;
    if (Number.isNaN(timestamp)) r.issue(WireIssueCode.WIRE_FIELD_TYPE, ['published_utc'], `published_utc must be an RFC 3339 UTC time, got "${published}"`);
  }
  const title = r.string('title') ?? '';
  const articleUrl = r.string('article_url') ?? '';
  const author = r.string('author', { optional: true, allowEmpty: true }) ?? null;
  const description = r.string('description', { optional: true, allowEmpty: true }) ?? null;
  const tickers = r.stringArray('tickers', { optional: true }) ?? [];
  const keywords = r.stringArray('keywords', { optional: true }) ?? [];
  const publisherRaw = r.raw('publisher');
  const publisher =
    publisherRaw && typeof publisherRaw === 'object' && typeof (publisherRaw as { name?: unknown }).name === 'string'
      ? (publisherRaw as { name: string }).name
      : (r.issue(WireIssueCode.WIRE_FIELD_TYPE, ['publisher'], 'publisher must be an object with a string "name"'), '');
  const insights: NewsInsight[] = [];
  const insightsRaw = r.raw('insights');
  if (insightsRaw !== undefined && insightsRaw !== null) {
    if (!Array.isArray(insightsRaw)) r.issue(WireIssueCode.WIRE_FIELD_TYPE, ['insights'], 'insights must be an array');
    else {
      insightsRaw.forEach((ins: unknown, i) => {
        const x = ins as { ticker?: unknown; sentiment?: unknown; sentiment_reasoning?: unknown } | null;
        if (!x || typeof x.ticker !== 'string' || typeof x.sentiment !== 'string' || !SENTIMENTS.has(x.sentiment)) {
          r.issue(WireIssueCode.WIRE_INSIGHT_INVALID, ['insights', i], `insights[${i}] must be { ticker, sentiment: positive|neutral|negative, sentiment_reasoning }`);
          return;
        }
        insights.push({ ticker: x.ticker, sentiment: x.sentiment as Sentiment, sentimentReasoning: typeof x.sentiment_reasoning === 'string' ? x.sentiment_reasoning : '' });
      });
    }
  }
  if (r.issues.length > 0) return { ok: false, raw, issues: r.issues };
  const match = insights.find((i) => i.ticker === ticker);
  return {
    ok: true,
    value: {
      id, ticker, timestamp, title, author, publisher, articleUrl, tickers, description, keywords,
      sentiment: match?.sentiment ?? null,
      sentimentReasoning: match?.sentimentReasoning ?? null,
      insights,
      ingestedAt,
    },
  };
}
