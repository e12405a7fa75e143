// REST ingestion throughput of @spyglass/sources against the loopback exchange simulator, as a
// ratio to the floor measured in the same run: raw `fetch` + `JSON.parse` of the same pages.
//
//   npx tsc -b libs/sources/tsconfig.lib.json libs/exchange-sim/tsconfig.lib.json
//   node --import tsx tools/bench/sources/bench.ts [--days 60] [--page 5000] [--rounds 9] [--json]
//
// Both sides request SPY minute bars for the same trading days with the same page size and follow
// the same `next_url` chain; limits and faults are off. The adapter side adds what ingestion really
// pays: the Massive client (axios) for the first page, our pagination, retry wrapper and rate-limit
// hook, and decoding every wire record into a typed StockBar (with issue lists). Rounds alternate
// raw/adapter after a warm-up so the simulator's caches serve both equally. Simulated data.
import { pathToFileURL } from 'node:url';
import { nyseCalendar } from '@spyglass/core';
import { createExchangeSim } from '@spyglass/exchange-sim';
import { EquityClient, MassiveRest } from '@spyglass/sources';

/** Options of {@link measureSourcesThroughput}. */
export interface SourcesBenchOptions {
  /** Trading days of SPY minute bars per round; default 60. */
  readonly days?: number;
  /** First day; default 2025-01-02. */
  readonly from?: string;
  /** Page size (`limit`); default 5000. */
  readonly pageLimit?: number;
  /** Timed rounds per side; default 9 (medians reported). */
  readonly rounds?: number;
  /** Use a running simulator (e.g. `spyglass sim serve`) instead of starting one in-process. */
  readonly restBaseUrl?: string;
  readonly apiKey?: string;
}

/** What {@link measureSourcesThroughput} measured. */
export interface SourcesBenchResult {
  readonly bars: number;
  readonly pages: number;
  readonly rounds: number;
  /** Median bars per second through EquityClient (fetch + paginate + decode). */
  readonly adapterBarsPerSec: number;
  /** Median bars per second of raw fetch + JSON.parse of the same pages. */
  readonly rawBarsPerSec: number;
  /** Median over rounds of adapter / raw: 1.0 means the adapter costs nothing over the floor. */
  readonly ratio: number;
}

/**
 * Measures adapter throughput against the raw floor in one run; the ingest benchmark reuses it as
 * its baseline.
 *
 * @example
 * ```ts
 * const r = await measureSourcesThroughput({ days: 20, rounds: 3 });
 * console.log(r.adapterBarsPerSec, r.ratio);
 * ```
 */
export async function measureSourcesThroughput(opts: SourcesBenchOptions = {}): Promise<SourcesBenchResult> {
  const days = opts.days ?? 60;
  const pageLimit = opts.pageLimit ?? 5000;
  const rounds = opts.rounds ?? 9;
  const apiKey = opts.apiKey ?? 'bench-key-0000000000';
  const start = opts.from ?? '2025-01-02';
  const tradingDays = nyseCalendar.tradingDays(start, '2027-12-31').slice(0, days);
  const from = tradingDays[0]!;
  const to = tradingDays.at(-1)!;
  const sim = opts.restBaseUrl ? undefined : await createExchangeSim({ seed: 42, port: 0 });
  const base = opts.restBaseUrl ?? sim!.url;
  try {
    const raw = async (): Promise<{ bars: number; pages: number }> => {
      let url: string | undefined = `${base}/v2/aggs/ticker/SPY/range/1/minute/${from}/${to}?adjusted=true&sort=asc&limit=${pageLimit}&apiKey=${apiKey}`;
      let bars = 0;
      let pages = 0;
      while (url) {
        const body = JSON.parse(await (await fetch(url)).text()) as { results?: unknown[]; next_url?: string };
        bars += body.results?.length ?? 0;
        pages++;
        url = body.next_url ? `${body.next_url}&apiKey=${apiKey}` : undefined;
      }
      return { bars, pages };
    };
    const client = new EquityClient(new MassiveRest({ apiKey, restBaseUrl: base }), { limit: pageLimit });
    const adapter = async (): Promise<{ bars: number; pages: number }> => {
      const r = await client.minuteBars('SPY', from, to);
      if (r.rejected.length > 0) throw new Error(`bench: ${r.rejected.length} wire records rejected`);
      return { bars: r.records.length, pages: r.pages };
    };
    const time = async (fn: () => Promise<{ bars: number; pages: number }>) => {
      const t0 = performance.now();
      const r = await fn();
      return { ...r, seconds: (performance.now() - t0) / 1000 };
    };
    // Warm-up: generates and caches the simulated days, JITs both paths.
    const check = await raw();
    const checkAdapter = await adapter();
    if (check.bars !== checkAdapter.bars || check.pages !== checkAdapter.pages) {
      throw new Error(`bench: raw saw ${check.bars} bars / ${check.pages} pages, adapter ${checkAdapter.bars} / ${checkAdapter.pages}`);
    }
    const rawRates: number[] = [];
    const adapterRates: number[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < rounds; i++) {
      // Alternate which side goes first so neither always runs on a warmer cache or a quieter machine.
      const first = i % 2 === 0 ? raw : adapter;
      const a1 = await time(first);
      const a2 = await time(first === raw ? adapter : raw);
      const [r, a] = first === raw ? [a1, a2] : [a2, a1];
      rawRates.push(r.bars / r.seconds);
      adapterRates.push(a.bars / a.seconds);
      ratios.push(a.bars / a.seconds / (r.bars / r.seconds));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const rawBarsPerSec = median(rawRates);
    const adapterBarsPerSec = median(adapterRates);
    // The ratio is the median of per-round ratios: each pair ran back to back, so machine load cancels.
    return { bars: check.bars, pages: check.pages, rounds, adapterBarsPerSec, rawBarsPerSec, ratio: median(ratios) };
  } finally {
    await sim?.close();
  }
}

const arg = (name: string): string | undefined => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1] : undefined;
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const num = (name: string) => (arg(name) === undefined ? undefined : Number(arg(name)));
  const r = await measureSourcesThroughput({ days: num('days'), pageLimit: num('page'), rounds: num('rounds'), restBaseUrl: arg('url') });
  if (process.argv.includes('--json')) console.log(JSON.stringify(r));
  else {
    console.log(`sources REST bench (simulated SPY minute bars, ${r.bars} bars in ${r.pages} pages, median of ${r.rounds} rounds)`);
    console.log(`  raw fetch + JSON.parse : ${Math.round(r.rawBarsPerSec).toLocaleString('en-US')} bars/s`);
    console.log(`  EquityClient (decoded) : ${Math.round(r.adapterBarsPerSec).toLocaleString('en-US')} bars/s`);
    console.log(`  ratio adapter / raw    : ${r.ratio.toFixed(3)}`);
  }
}
