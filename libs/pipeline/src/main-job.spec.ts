import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, nyseCalendar, type OptionBar, type SpyglassConfig } from '@spyglass/core';
import { validateModelSummary, validateScannerSummary } from '@spyglass/core';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { FeedSimulator } from '@spyglass/sources';
import { batchFeatureRows } from './testing/batch-feature-rows.js';
import { Ingestion } from './ingestion.js';
import { ingestionSettings } from './ingestion-settings.js';
import { LiveSignalEngine, type LiveSignalRecord } from './live-signal-engine.js';
import { SignalModel } from './live-signal-model.js';
import { readStoredSession } from './live-warm-start.js';
import { runMainJob, type MainJobSummary } from './main-job.js';
import { StreamingRunner } from './streaming-runner.js';
import { Deduplicator, consolidate, generateFeatures, processingOptions, recordKeyFor, validatorFor } from '@spyglass/processing';

const CONFIG_DIR = fileURLToPath(new URL('../../../config', import.meta.url));
const FROM = '2025-01-02';
const TO = '2025-03-14';
const LIVE_DAY = '2025-03-17';

describe('runMainJob on the exchange simulator', () => {
  let sim: ExchangeSim;
  let config: SpyglassConfig;
  let summary: MainJobSummary;

  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 42 });
    const root = await mkdtemp(join(tmpdir(), 'spyglass-main-'));
    config = loadConfig({
      dir: CONFIG_DIR,
      env: {},
      overrides: {
        settings: { dataRoot: root, logLevel: 'silent' },
        sources: { massive: { apiKey: 'k', rest: { baseUrl: sim.url }, rateLimit: { requestsPerMinute: null } }, options: { strikesPerSide: 3 } },
        ml: { xgboost: { numRounds: 60, nthread: 1 }, walkForward: { trainMonths: 1, testMonths: 1 } },
      },
    });
    summary = await runMainJob({ config, from: FROM, to: TO, dataSource: 'exchange simulator, seed 42 (test)' });
  }, 600_000);
  afterAll(() => sim.close());

  it('runs every stage and stores every bar once', () => {
    const days = nyseCalendar.tradingDays(FROM, TO).length;
    expect(summary.days).toBe(days);
    expect(summary.backfill.byDataset.stocks.stored).toBe(days * 390);
    expect(summary.backfill.quarantined).toBe(0);
    expect(summary.consolidate.rows).toBe(summary.backfill.byDataset.options.stored - summary.consolidate.optionBarsWithoutUnderlying);
    expect(summary.features.features).toBe(66);
  });

  it('trains a model that ranks held-out days better than chance and trades them against the baselines', () => {
    const m = summary.model;
    expect(m.test.rocAuc).toBeGreaterThan(0.55);
    expect(m.backtest.nSignals).toBeGreaterThan(0);
    // Ranking beats chance on the held-out days. Precision at the threshold chosen on validation days
    // is reported, not asserted: on this run's ten test days of the calibrated simulator (label rate
    // ~70 %) it is below the base rate (0.61 vs 0.70), which the report and the P&L baselines show.
    expect(m.pnl.days).toMatchObject({ simulator: true });
    expect(m.pnl.metrics.trades + Object.values(m.pnl.skipped).reduce((a, b) => a + b!, 0)).toBe(m.pnl.signals);
    expect('splits' in m.walkForward && m.walkForward.splits.length).toBeGreaterThan(0);
  });

  it('writes the report and dashboard summaries in their documented shapes', () => {
    expect(readFileSync(summary.model.reportHtml, 'utf8')).toContain('<svg');
    const root = config.settings.dataRoot;
    expect(validateModelSummary(JSON.parse(readFileSync(join(root, 'reports/ml/latest/summary.json'), 'utf8')))).toEqual([]);
    expect(validateScannerSummary(JSON.parse(readFileSync(summary.scannerReport, 'utf8')))).toEqual([]);
    expect(existsSync(join(summary.model.modelDir, 'model.json'))).toBe(true);
  });

  it('the trained model scores option bars live (incremental engine) exactly as it scores the batch features of the same day', async () => {
    const root = config.settings.dataRoot;
    const ingestion = new Ingestion(ingestionSettings(config));
    for (const [dataset, ticker] of [['stocks', 'SPY'], ['indices', 'I:VIX'], ['news', 'SPY']] as const) {
      await ingestion.backfill(dataset, { ticker, from: LIVE_DAY, to: LIVE_DAY });
    }
    const tickers = await ingestion.selectContracts(LIVE_DAY);
    const bars = (await Promise.all(tickers.map((t) => ingestion.options.minuteBars(t, LIVE_DAY, LIVE_DAY)))).flatMap((r) => r.records);
    // The durable path stores the option bars as the streaming runner does.
    const runner = new StreamingRunner<OptionBar>({
      name: 'options', dataset: 'options', validator: validatorFor('options'), quarantine: ingestion.quarantine, sink: ingestion.datasets.options,
      dedup: new Deduplicator<OptionBar>(recordKeyFor('options'), { capacity: 10_000 }), flushSize: 200, flushIntervalMs: 60_000,
    });
    await runner.run(new FeedSimulator({ records: [...bars].sort((a, b) => a.timestamp - b.timestamp), speed: 0 }));

    // Live: minute by minute through the engine, as the sockets deliver them (news warm-started).
    const model = SignalModel.load(summary.model.modelDir, { threshold: 0.5 });
    const c = config.pipeline.consolidation;
    const features = { riskFreeRate: c.riskFreeRate, dividendYield: c.dividendYield, newsLookbackMinutes: c.newsLookbackMinutes };
    const engine = new LiveSignalEngine({ model, features, schedule: () => {} });
    const stored = await readStoredSession({ root, date: LIVE_DAY, newsLookbackMinutes: c.newsLookbackMinutes });
    engine.warm({ news: stored.news });
    const byMinute = new Map<number, OptionBar[]>();
    for (const b of bars) byMinute.set(b.timestamp, [...(byMinute.get(b.timestamp) ?? []), b]);
    const vix = new Map(stored.indices.map((b) => [b.timestamp, b]));
    const live = new Map<string, number>();
    const signals: LiveSignalRecord[] = [];
    for (const spy of stored.stocks) {
      const v = vix.get(spy.timestamp);
      if (v) engine.addIndexBar(v);
      engine.addStockBar(spy);
      for (const b of byMinute.get(spy.timestamp) ?? []) engine.addOptionBar(b);
      const burst = engine.flush();
      burst.tickers.forEach((t, i) => live.set(`${t}|${burst.timestamps[i]}`, burst.probabilities[i]!));
      signals.push(...burst.signals);
    }
    engine.close();
    expect(live.size).toBeGreaterThan(0.9 * bars.length);
    expect(signals.length).toBeGreaterThan(0);
    expect(signals[0]!.reasons).toHaveLength(3);

    // Batch: the day consolidated and its features generated by the training code path, same model.
    const steps = processingOptions(config.pipeline);
    await consolidate({ root, dates: [LIVE_DAY], ...steps.consolidate, schemaDrift: { monitor: false } });
    await generateFeatures({ root, dates: [LIVE_DAY], ...steps.features, schemaDrift: { monitor: false } });
    const { rows, keys } = await batchFeatureRows(root, LIVE_DAY);
    const batch = model.predict(rows, keys.length);
    expect(keys.filter((k) => !live.has(k))).toEqual([]);
    expect(keys.filter((k, i) => live.get(k) !== batch[i])).toEqual([]);
    model.dispose();
  }, 120_000);
});
