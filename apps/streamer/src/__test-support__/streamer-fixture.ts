// Shared by the streamer's specs: a loopback simulator, a config pointing at it, and small readers
// of what the daemon serves and stores.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type SpyglassConfig, type StockBar } from '@spyglass/core';
import { ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';

/** The replayed session: a past regular trading day. */
export const SESSION = '2025-03-04';
/** The monorepo root (the specs run the real `config/` and the real entry file). */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** A fresh data root under the OS temp dir. */
export const tempDataRoot = (): string => mkdtempSync(join(tmpdir(), 'spyglass-streamer-'));

/** The repository's config with the Massive endpoints pointed at the simulator. */
export function simConfig(sim: { url: string; wsUrl: string }, dataRoot: string, opts: { apiKey?: string; streaming?: Record<string, unknown>; requestsPerMinute?: number | null } = {}): SpyglassConfig {
  return loadConfig({
    dir: join(REPO, 'config'),
    env: { MASSIVE_API_KEY: opts.apiKey ?? 'k', MASSIVE_REST_URL: sim.url, MASSIVE_WS_URL: sim.wsUrl },
    overrides: {
      settings: { dataRoot, logLevel: 'silent' },
      // The simulator has no plan limit; a short flush interval keeps the test quick.
      sources: { massive: { rateLimit: { requestsPerMinute: opts.requestsPerMinute ?? null } }, streaming: { flushIntervalMs: 200, ...opts.streaming } },
    },
  });
}

/** One sample of a Prometheus text exposition, or undefined when absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const ok = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (ok) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

/**
 * Polls `check` (real time: the daemon and the simulator run on real sockets) until it is truthy. A
 * check that throws counts as "not yet": a kept-alive socket the server closes as the client reuses
 * it fails one fetch with ECONNRESET, which a poll must survive. The last error is in the timeout's.
 */
export async function until<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`, { cause: lastError });
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SPY bars stored for the session. */
export async function storedSpy(dataRoot: string): Promise<StockBar[]> {
  const ds = new ParquetDataset<StockBar>({ root: dataRoot, spec: rawDatasetSpecs.stocks });
  return ds.readAll({ from: SESSION, to: SESSION, tickers: ['SPY'] });
}
