import { createHash } from 'node:crypto';
import type { Sentiment } from '@spyglass/core';
import { nyWallTime } from '@spyglass/core';
import { dayOfWeek } from './calendar-day.js';
import { Rng, hashSeed } from './prng.js';

/**
 * One per-ticker insight of a synthetic article, as the API's `insights` entries.
 *
 * @example
 * ```ts
 * const spy = article.insights.find((i: SimNewsInsight) => i.ticker === 'SPY')?.sentiment;
 * ```
 */
export interface SimNewsInsight {
  readonly ticker: string;
  readonly sentiment: Sentiment;
  readonly sentimentReasoning: string;
}

/**
 * The publisher block of an article (the API's `publisher`).
 *
 * @example
 * ```ts
 * const names = market.newsOn('2025-03-04').map((a) => a.publisher.name);
 * ```
 */
export interface SimPublisher {
  readonly name: string;
  readonly homepageUrl: string;
  readonly logoUrl: string;
  readonly faviconUrl: string;
}

/**
 * A synthetic news article. `spyDrift` is the hidden truth the market applies: the total log-return
 * drift this article adds to SPY after publication (0 for neutral ones); it never goes on the wire.
 *
 * @example
 * ```ts
 * const articles: SimNewsArticle[] = market.news(Date.UTC(2025, 2, 4), Date.UTC(2025, 2, 5));
 * const moving = articles.filter((a) => a.spyDrift !== 0);
 * ```
 */
export interface SimNewsArticle {
  readonly id: string;
  /** `published_utc` as UTC epoch ms (whole seconds). */
  readonly publishedUtc: number;
  readonly title: string;
  readonly author: string;
  readonly publisher: SimPublisher;
  readonly articleUrl: string;
  readonly ampUrl: string;
  readonly imageUrl: string;
  readonly description: string;
  readonly keywords: readonly string[];
  readonly tickers: readonly string[];
  readonly insights: readonly SimNewsInsight[];
  readonly spyDrift: number;
}

/**
 * Tickers the news desk writes about; SPY's drift reacts to all of them, to SPY's own most.
 *
 * @example
 * ```ts
 * const covered = (t: string) => (NEWS_TICKERS as readonly string[]).includes(t);
 * ```
 */
export const NEWS_TICKERS = ['SPY', 'QQQ', 'AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOGL', 'META', 'TSLA'] as const;

/**
 * Total SPY log drift of an article carrying a SPY insight (±12 bp, spread over ~an hour).
 *
 * @example
 * ```ts
 * const injectedBp = SPY_NEWS_DRIFT * 10_000; // 12 bp, what simStats' news check expects to find
 * ```
 */
export const SPY_NEWS_DRIFT = 0.0012;
/**
 * Total SPY log drift of an article about QQQ or a mega-cap without a SPY insight (±3 bp).
 *
 * @example
 * ```ts
 * const ratio = SPY_NEWS_DRIFT / SPILLOVER_NEWS_DRIFT; // SPY's own news moves it 4× more
 * ```
 */
export const SPILLOVER_NEWS_DRIFT = 0.0003;
/**
 * Minutes over which an article's drift decays (exponential time constant).
 *
 * @example
 * ```ts
 * const leftAfterAnHour = Math.exp(-60 / NEWS_DECAY_MINUTES); // ≈ 0.14 of the drift still to come
 * ```
 */
export const NEWS_DECAY_MINUTES = 30;

const NAMES: Record<string, string> = {
  SPY: 'the S&P 500',
  QQQ: 'the Nasdaq-100',
  AAPL: 'Apple',
  MSFT: 'Microsoft',
  NVDA: 'Nvidia',
  AMZN: 'Amazon',
  GOOGL: 'Alphabet',
  META: 'Meta Platforms',
  TSLA: 'Tesla',
};

const TITLES: Record<Sentiment, readonly string[]> = {
  positive: [
    '{name} climbs as {driver} beats expectations',
    'Analysts turn bullish on {name} after {driver}',
    '{name} gains on upbeat {driver}',
  ],
  neutral: [
    '{name} little changed ahead of {driver}',
    'What {driver} means for {name}',
    '{name}: investors weigh {driver}',
  ],
  negative: [
    '{name} slides as {driver} disappoints',
    'Analysts cut targets on {name} after {driver}',
    '{name} falls on weak {driver}',
  ],
};

const DRIVERS = ['earnings', 'jobs data', 'inflation data', 'Fed commentary', 'guidance', 'retail sales', 'AI demand', 'bond yields'];

const REASONS: Record<Sentiment, string> = {
  positive: 'The article reports {driver} that came in better than expected, which supports {name}.',
  neutral: 'The article describes {driver} without a clear implication for {name}.',
  negative: 'The article reports {driver} that came in worse than expected, which weighs on {name}.',
};

const PUBLISHERS: readonly SimPublisher[] = [
  { name: 'Synthetic Wire', homepageUrl: 'https://wire.spyglass.invalid/', logoUrl: 'https://wire.spyglass.invalid/logo.png', faviconUrl: 'https://wire.spyglass.invalid/favicon.ico' },
  { name: 'Loopback Markets', homepageUrl: 'https://markets.spyglass.invalid/', logoUrl: 'https://markets.spyglass.invalid/logo.png', faviconUrl: 'https://markets.spyglass.invalid/favicon.ico' },
  { name: 'Seeded Street Journal', homepageUrl: 'https://ssj.spyglass.invalid/', logoUrl: 'https://ssj.spyglass.invalid/logo.png', faviconUrl: 'https://ssj.spyglass.invalid/favicon.ico' },
];

const AUTHORS = ['Ada Quant', 'Ben Tick', 'Cora Spread', 'Dev Gamma', 'Eve Theta'];

function drawSentiment(rng: Rng): Sentiment {
  const u = rng.next();
  return u < 0.38 ? 'positive' : u < 0.68 ? 'neutral' : 'negative';
}

const SIGN: Record<Sentiment, number> = { positive: 1, neutral: 0, negative: -1 };

function fill(template: string, name: string, driver: string): string {
  const text = template.replace('{name}', name).replace('{driver}', driver);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The articles published on one New York calendar date, in publication order. Deterministic per
 * (seed, date): generating a date never depends on any other date.
 *
 * @example
 * ```ts
 * const articles = newsForDate(42, '2025-03-04');
 * articles[0].insights; // [{ ticker: 'SPY', sentiment: 'positive', sentimentReasoning: '…' }]
 * ```
 */
export function newsForDate(seed: number | string, date: string): SimNewsArticle[] {
  const rng = new Rng(hashSeed(seed, 'news', date));
  const dow = dayOfWeek(date);
  const businessDay = dow !== 0 && dow !== 6;
  const count = rng.poisson(businessDay ? 7 : 2);
  const midnight = nyWallTime(date, 0, 0);
  const minutes: number[] = [];
  for (let i = 0; i < count; i++) {
    // Most business-day news lands between 07:00 and 18:00 New York time, like the real feed.
    const minute = businessDay && rng.chance(0.75) ? 420 + rng.int(660) : rng.int(1440);
    minutes.push(minute * 60 + rng.int(60));
  }
  minutes.sort((a, b) => a - b);
  return minutes.map((second, index) => {
    const primary = rng.next() < 0.35 ? 'SPY' : rng.pick(NEWS_TICKERS.slice(1));
    const sentiment = drawSentiment(rng);
    const driver = rng.pick(DRIVERS);
    const tickers = [primary];
    const insights: SimNewsInsight[] = [];
    const name = NAMES[primary]!;
    insights.push({ ticker: primary, sentiment, sentimentReasoning: fill(REASONS[sentiment], name, driver) });
    if (primary !== 'SPY' && rng.chance(0.4)) {
      // A read-through to the index: usually the same sign, sometimes judged neutral.
      const s: Sentiment = rng.chance(0.7) ? sentiment : 'neutral';
      tickers.push('SPY');
      insights.push({ ticker: 'SPY', sentiment: s, sentimentReasoning: fill(REASONS[s], NAMES.SPY!, driver) });
    }
    if (rng.chance(0.25)) {
      const other = rng.pick(NEWS_TICKERS.filter((t) => !tickers.includes(t)));
      const s = drawSentiment(rng);
      tickers.push(other);
      insights.push({ ticker: other, sentiment: s, sentimentReasoning: fill(REASONS[s], NAMES[other]!, driver) });
    }
    const spyInsight = insights.find((i) => i.ticker === 'SPY');
    const spyDrift = spyInsight ? SIGN[spyInsight.sentiment] * SPY_NEWS_DRIFT : SIGN[sentiment] * SPILLOVER_NEWS_DRIFT;
    const publisher = rng.pick(PUBLISHERS);
    const id = createHash('sha256').update(`${String(seed)}|${date}|${index}`).digest('hex');
    const title = fill(rng.pick(TITLES[sentiment]), name, driver);
    return {
      id,
      publishedUtc: midnight + second * 1000,
      title,
      author: rng.pick(AUTHORS),
      publisher,
      articleUrl: `${publisher.homepageUrl}news/${date}/${id.slice(0, 16)}`,
      ampUrl: `${publisher.homepageUrl}amp/${date}/${id.slice(0, 16)}`,
      imageUrl: `${publisher.homepageUrl}img/${id.slice(0, 16)}.jpg`,
      description: `${title}. ${insights[0]!.sentimentReasoning}`,
      keywords: [driver, NAMES[primary]!, 'markets'],
      tickers,
      insights,
      spyDrift,
    };
  });
}
