import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, nyDate, SpyglassError } from '@spyglass/core';
import { createDashboardServer, type DashboardServer } from './dashboard-server.js';
import type { DataOverview } from './data-overview.js';
import { modelSummaryPath, scannerSummaryPath } from '@spyglass/core';
import { buildSampleRoot, SAMPLE_NOW } from './__test-support__/sample-root.js';

function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('createDashboardServer over loopback', () => {
  let root: string;
  let server: DashboardServer;
  let written: Awaited<ReturnType<typeof buildSampleRoot>>;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'spyglass-dash-srv-'));
    written = await buildSampleRoot(root);
    server = await createDashboardServer({ root, port: 0, clock: new ManualClock(SAMPLE_NOW) });
  });
  afterAll(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  it('GET /api/bars returns the stored bars of a ticker-day, sorted, with times in seconds', async () => {
    const day = '2020-12-16';
    const stored = written.stocks.filter((b) => nyDate(b.timestamp) === day).sort((a, b) => a.timestamp - b.timestamp);
    const res = await fetch(`${server.url}/api/bars?dataset=stocks&ticker=SPY&date=${day}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { bars: { time: number; close: number }[] };
    expect(body.bars).toHaveLength(stored.length);
    expect(body.bars[0]).toEqual({ time: stored[0]!.timestamp / 1000, open: stored[0]!.open, high: stored[0]!.high, low: stored[0]!.low, close: stored[0]!.close });
    expect(body.bars.at(-1)!.close).toBe(stored.at(-1)!.close);
    const vendor = await fetch(`${server.url}/vendor/lightweight-charts.js`);
    expect(vendor.status).toBe(200);
    expect(await vendor.text()).toContain('LightweightCharts');
  });

  it.each([
    ['dataset=news&ticker=SPY&date=2020-12-16', 'dataset'],
    ['dataset=stocks&date=2020-12-16', 'ticker'],
    ['dataset=stocks&ticker=SPY&date=16-12-2020', 'date'],
  ])('GET /api/bars?%s is a 400 naming the bad %s', async (query, param) => {
    const res = await fetch(`${server.url}/api/bars?${query}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('INVALID_ARGUMENT');
    expect(body.error.message).toContain(`/api/bars: ${param}`);
  });

  it('binds 127.0.0.1 and serves the page and its scripts under a strict CSP', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const page = await fetch(server.url);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/app.js"></script>');
    for (const asset of ['/app.js', '/charts.js', '/style.css']) {
      const res = await fetch(`${server.url}${asset}`);
      expect(res.status).toBe(200);
      expect((await res.text()).length).toBeGreaterThan(500);
    }
  });

  it.each([
    ['/api/scanner', () => written.scanner],
    ['/api/model', () => written.model],
  ])('%s serves the report as written', async (path, expected) => {
    const body = await (await fetch(`${server.url}${path}`)).json();
    expect(body).toMatchObject({ available: true, summary: expected() });
  });

  it('/api/data serves the data overview', async () => {
    const body = (await (await fetch(`${server.url}/api/data`)).json()) as DataOverview;
    expect(body.coverage.map((c) => c.dataset)).toEqual(['stocks', 'options']);
    expect(body.generatedAt).toBe(SAMPLE_NOW);
  });

  it('reports missing and invalid reports instead of failing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'spyglass-dash-empty-'));
    const other = await createDashboardServer({ root: empty, port: 0 });
    try {
      expect(await (await fetch(`${other.url}/api/scanner`)).json()).toEqual({ available: false, path: scannerSummaryPath(empty), reason: 'missing', issues: [] });
      await mkdir(join(modelSummaryPath(empty), '..'), { recursive: true });
      await writeFile(modelSummaryPath(empty), JSON.stringify({ runId: 'r1', generatedAt: 'now', threshold: 1.5, metrics: {}, thresholdCurve: [], featureImportance: [], walkForward: [], recentSignals: [] }));
      const model = await (await fetch(`${other.url}/api/model`)).json();
      expect(model).toMatchObject({ available: false, reason: 'invalid', issues: [{ code: 'OUT_OF_RANGE', path: ['threshold'] }] });
    } finally {
      await other.close();
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('refuses foreign Host headers (DNS rebinding), unknown paths and other methods', async () => {
    expect(await getWithHost(`${server.url}/api/data`, 'evil.example:80')).toBe(421);
    expect(await getWithHost(`${server.url}/`, `localhost:${server.port}`)).toBe(200);
    expect((await fetch(`${server.url}/etc/passwd`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/data`, { method: 'DELETE' })).status).toBe(405);
  });

  it('rejects with NETWORK when the port is taken', async () => {
    const err = await createDashboardServer({ root, port: server.port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpyglassError);
    expect((err as SpyglassError).code).toBe('NETWORK');
  });
});
