import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, nyseCalendar } from '@spyglass/core';
import { createExchangeSim } from '@spyglass/exchange-sim';
import { Ingestion } from '../ingestion.js';
import { ingestionSettings } from '../ingestion-settings.js';
import { consolidate, generateFeatures, processingOptions } from '@spyglass/processing';

/** The repository's default config directory (the one the CLI reads with `--config-dir config`). */
export const CONFIG_DIR = fileURLToPath(new URL('../../../../config', import.meta.url));

/** What {@link buildFeatureDataset} wrote. */
export interface FeatureDataset {
  readonly root: string;
  readonly from: string;
  readonly to: string;
  readonly days: number;
  readonly featureRows: number;
}

/**
 * Writes a real feature dataset into a fresh temp data root: the exchange simulator (seed 42) is
 * backfilled over loopback, then consolidated and feature-engineered by the production code, so
 * the ml commands under test read exactly what `spyglass ml generate-features` leaves behind.
 */
export async function buildFeatureDataset(from = '2025-01-02', to = '2025-02-07', strikesPerSide = 2): Promise<FeatureDataset> {
  const root = await mkdtemp(join(tmpdir(), 'spyglass-ml-'));
  const sim = await createExchangeSim({ seed: 42, port: 0 });
  try {
    const config = loadConfig({
      dir: CONFIG_DIR,
      env: {},
      overrides: {
        settings: { dataRoot: root, logLevel: 'silent' },
        sources: { massive: { apiKey: 'test-key', rest: { baseUrl: sim.url }, rateLimit: { requestsPerMinute: null } }, options: { strikesPerSide } },
      },
    });
    const t = config.sources.tickers;
    const ingestion = new Ingestion(ingestionSettings(config));
    await ingestion.backfillAll({ stockTicker: t.equities[0]!, indexTicker: t.indices[0]!, newsTickers: t.news, from, to, resume: false });
    const dates = nyseCalendar.tradingDays(from, to);
    const steps = processingOptions(config.pipeline);
    await consolidate({ root, dates, ...steps.consolidate });
    const features = await generateFeatures({ root, dates, ...steps.features });
    return { root, from, to, days: dates.length, featureRows: features.rows };
  } finally {
    await sim.close();
  }
}
