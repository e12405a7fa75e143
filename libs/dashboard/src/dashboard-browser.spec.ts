// The dashboard in a real headless Chromium (Debian's `chromium`, driven by playwright-core): the
// page loads with data from a small pipeline run, every tab renders its charts with the data it was
// given, and nothing is logged to the console as an error. Screenshots go to
// $SPYGLASS_ARTIFACTS_DIR (CI collects them) or the OS temp directory.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock, nyDate } from '@spyglass/core';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createDashboardServer, type DashboardServer } from './dashboard-server.js';
import { buildSampleRoot, SAMPLE_NOW, STORED_DATES, writeQuarantine } from './__test-support__/sample-root.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const artifactsDir = process.env.SPYGLASS_ARTIFACTS_DIR || tmpdir();
const haveChromium = existsSync(CHROMIUM);

if (!haveChromium) {
  // Loud on purpose: CI installs chromium, so a skip there is a broken setup, not a pass.
  console.warn(`\n${'!'.repeat(78)}\n!! SKIPPING the dashboard browser test: ${CHROMIUM} is absent.\n!! Install it: apt-get install -y chromium\n${'!'.repeat(78)}\n`);
}
const describeBrowser = haveChromium ? describe : describe.skip;

async function waitUntil(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describeBrowser('dashboard in headless Chromium', () => {
  let root: string;
  let profile: string;
  let server: DashboardServer;
  let context: BrowserContext;
  let page: Page;
  let written: Awaited<ReturnType<typeof buildSampleRoot>>;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'spyglass-dash-browser-'));
    profile = await mkdtemp(join(tmpdir(), 'spyglass-chromium-profile-'));
    written = await buildSampleRoot(root, { drift: true });
    server = await createDashboardServer({ root, port: 0, clock: new ManualClock(SAMPLE_NOW) });
    // A persistent context is how playwright takes a fresh --user-data-dir.
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1360, height: 900 } });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => consoleErrors.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    await mkdir(artifactsDir, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    await rm(root, { recursive: true, force: true });
    await rm(profile, { recursive: true, force: true });
  });

  async function openTab(tab: string): Promise<void> {
    await page.click(`nav [data-tab="${tab}"]`);
    await page.waitForSelector(`[data-panel="${tab}"]:not([hidden])`);
    expect(await page.getAttribute(`nav [data-tab="${tab}"]`, 'aria-selected')).toBe('true');
    expect(await page.$$eval('[data-panel]:not([hidden])', (ps) => ps.map((p) => p.getAttribute('data-panel')))).toEqual([tab]);
  }

  /** Values of a chart's marks, as drawn. */
  async function marks(chart: string): Promise<string[]> {
    const svg = page.locator(`svg[data-chart="${chart}"]`);
    await expect(svg.isVisible()).resolves.toBe(true);
    const box = await svg.boundingBox();
    expect(box!.width).toBeGreaterThan(40);
    expect(box!.height).toBeGreaterThan(20);
    return svg.locator('.mark').evaluateAll((els) => els.map((e) => e.getAttribute('data-value') ?? ''));
  }

  it('Data tab: coverage calendars, freshness, space and quarantine charts', async () => {
    await openTab('data');
    const stockDays = await marks('coverage-stocks');
    // Three stored days plus the missing trading day between them.
    expect(stockDays).toHaveLength(STORED_DATES.length + 1);
    expect(await page.$$eval('svg[data-chart="coverage-stocks"] .mark.fill-missing', (e) => e.map((x) => x.getAttribute('data-date')))).toEqual(['2020-12-17']);
    expect(await marks('coverage-options')).toHaveLength(4);
    expect((await marks('freshness')).length).toBe(2);
    expect((await marks('space')).length).toBeGreaterThanOrEqual(4);
    expect((await marks('quarantine')).map(Number)).toEqual([1, 2]);
    expect(await page.textContent('#tab-data')).toContain('OHLC_INCONSISTENT ×2');
    expect(await page.$$eval('[data-schema] tbody tr', (rows) => rows.map((r) => Array.from(r.children, (c: { textContent: string | null }) => c.textContent)))).toEqual([
      ['raw/options', 'drift', 'new column vwap (float64)'],
      ['raw/stocks', 'ok', '–'],
    ]);
    await page.screenshot({ path: join(artifactsDir, 'dashboard-data.png'), fullPage: true });
  });

  /** What a lightweight-charts price chart says it drew, once its canvas is on the page. */
  async function priceChart(name: string): Promise<{ bars: number; lastClose: number; markers: number; lineBars: number | null }> {
    const el = page.locator(`[data-price-chart="${name}"]`);
    await el.locator('canvas').first().waitFor({ state: 'visible', timeout: 10_000 });
    const box = await el.boundingBox();
    expect(box!.width).toBeGreaterThan(200);
    expect(box!.height).toBeGreaterThan(100);
    const attr = async (a: string) => el.getAttribute(a);
    const lineBars = await attr('data-line-bars');
    return { bars: Number(await attr('data-bars')), lastClose: Number(await attr('data-last-close')), markers: Number(await attr('data-markers')), lineBars: lineBars === null ? null : Number(lineBars) };
  }

  it('Data tab: SPY candlesticks of the latest stored day (lightweight-charts from node_modules)', async () => {
    await openTab('data');
    const latest = STORED_DATES.at(-1)!;
    const stored = written.stocks.filter((b) => nyDate(b.timestamp) === latest).sort((a, b) => a.timestamp - b.timestamp);
    const chart = await priceChart('spy-vix');
    expect(chart.bars).toBe(stored.length);
    expect(chart.lastClose).toBe(stored.at(-1)!.close);
    expect(chart.lineBars).toBeNull(); // the sample root stores no VIX
    const vendor = await page.evaluate(async () => (await fetch('/vendor/lightweight-charts.js')).status);
    expect(vendor).toBe(200);
  });

  it("Model tab: the signalled contract's bars with its signals marked and label windows shaded", async () => {
    await openTab('model');
    const first = written.model.recentSignals[0]!;
    const date = nyDate(first.timestamp);
    const stored = written.options.filter((b) => b.ticker === first.ticker && nyDate(b.timestamp) === date).sort((a, b) => a.timestamp - b.timestamp);
    const chart = await priceChart('signal-contract');
    expect(chart.bars).toBe(stored.length);
    expect(chart.lastClose).toBe(stored.at(-1)!.close);
    expect(chart.markers).toBe(written.model.recentSignals.filter((s) => s.ticker === first.ticker && nyDate(s.timestamp) === date).length);
    expect(chart.markers).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: join(artifactsDir, 'dashboard-price-charts.png'), fullPage: true });
  });

  it('Options scanner tab: events by hour, per contract-day and per day', async () => {
    await openTab('scanner');
    const hours = await marks('events-by-hour');
    const byHour = new Map(written.scanner.eventsByHour.map((e) => [e.hour, e.events]));
    expect(hours.map(Number).reduce((a, b) => a + b, 0)).toBe(written.scanner.totalEvents);
    expect(hours.length).toBeGreaterThanOrEqual(7); // 09:xx..15:xx at least
    expect(Number(hours[0])).toBe(byHour.get(9) ?? 0);
    const dist = (await marks('events-per-contract-day')).map(Number);
    expect(dist.reduce((a, b) => a + b, 0)).toBe(written.scanner.perContractDay.length);
    expect((await marks('events-by-date')).length).toBe(STORED_DATES.length);
    await page.screenshot({ path: join(artifactsDir, 'dashboard-scanner.png'), fullPage: true });
  });

  it('Model tab: threshold curve, feature importance, walk-forward, trading backtest and SHAP per signal', async () => {
    await openTab('model');
    const m = written.model;
    expect((await marks('threshold-curve')).map(Number)).toEqual(
      [...m.thresholdCurve].sort((a, b) => a.threshold - b.threshold).flatMap((p) => [p.precision]).concat(m.thresholdCurve.map((p) => p.recall)),
    );
    expect((await marks('signals-curve')).map(Number)).toEqual(m.thresholdCurve.map((p) => p.signals));
    expect((await marks('feature-importance')).map(Number)).toEqual([...m.featureImportance].sort((a, b) => b.gain - a.gain).map((f) => f.gain));
    expect((await marks('walk-forward')).map((v) => (v === '' ? null : Number(v)))).toEqual(m.walkForward.map((w) => w.precision));
    for (let i = 0; i < m.recentSignals.length; i++) {
      const shap = (await marks(`shap-${i}`)).map(Number);
      expect(shap.sort()).toEqual(m.recentSignals[i].topFactors.map((f) => f.shap).sort());
    }
    const text = (await page.textContent('#tab-model'))!;
    expect(text).toContain(m.recentSignals[0].ticker);
    expect(text).toContain(`data: ${m.dataSource}`);
    expect(text).toContain('4,000'); // testRows as an integer, not a percentage
    expect(text).toContain('0.40 ms'); // predictP99Ms
    const pnl = m.pnl!;
    expect((await marks('pnl-equity')).map(Number)).toEqual([...pnl.equity.map((e) => e.equity), ...pnl.equity.map((e) => e.drawdown)]);
    expect((await marks('pnl-random')).map(Number).reduce((a, b) => a + b, 0)).toBe(pnl.randomTotalPnl.length);
    expect((await marks('pnl-calibration')).map(Number).slice(0, pnl.calibration.length)).toEqual([...pnl.calibration].sort((a, b) => a.meanPredicted - b.meanPredicted).map((b) => b.observedRate));
    expect((await marks('pnl-splits')).length).toBe(pnl.splits.length * 3);
    expect(text).toContain('beats random entries');
    expect(text).toContain(pnl.note);
    await page.screenshot({ path: join(artifactsDir, 'dashboard-model.png'), fullPage: true });
  });

  it('Refresh reloads the data: a new quarantine record shows up without reloading the page', async () => {
    await openTab('data');
    await writeQuarantine(root, 'indices', '2020-12-18', 'part-3.jsonl', [['NOT_FINITE']]);
    await page.click('#refresh');
    await page.waitForSelector('body[data-ready="true"]');
    expect((await marks('quarantine')).map(Number)).toEqual([1, 1, 2]);
  });

  it('an empty data root shows what to run instead of charts, without errors', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'spyglass-dash-empty-'));
    const other = await createDashboardServer({ root: empty, port: 0 });
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    tab.on('pageerror', (e) => errors.push(e.message));
    try {
      await tab.goto(`${other.url}/#model`);
      await tab.waitForSelector('body[data-ready="true"]');
      expect(await tab.getAttribute('[data-panel="model"]', 'hidden')).toBeNull();
      expect(await tab.$$eval('[data-empty]', (els) => els.map((e) => e.getAttribute('data-empty')))).toEqual(['quarantine', 'schema', 'scanner', 'model', 'signals']);
      expect(await tab.textContent('[data-empty="model"]')).toContain('reports/ml/latest/summary.json');
      expect(await tab.$$eval('svg[data-chart] .mark', (els) => els.length)).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await tab.close();
      await other.close();
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('Live signals tab: signals published by the live engine\'s event stream appear as they arrive', async () => {
    // The upstream speaks the `/signals` wire format of pipeline's SignalEventServer (pipeline is not
    // a test peer of the dashboard): `event: signal` frames of one JSON signal each.
    const clients = new Set<ServerResponse>();
    const upstream = createHttpServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': spyglass live signals\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/signals`;
    const live = await createDashboardServer({ root, port: 0, clock: new ManualClock(SAMPLE_NOW), signalsUrl: upstreamUrl });
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    tab.on('pageerror', (e) => errors.push(e.message));
    try {
      await tab.goto(`${live.url}/#signals`);
      await tab.waitForSelector('body[data-ready="true"]');
      expect(await tab.getAttribute('[data-panel="signals"]', 'hidden')).toBeNull();
      await waitUntil(() => clients.size === 1);
      const bar = Date.UTC(2025, 2, 17, 14, 31);
      const publish = (i: number) => {
        const s = { ticker: `O:SPY250317C0056${i}000`, timestamp: bar + i * 60_000, probability: 0.71 + i / 100, threshold: 0.6, modelVersion: 'v1',
          reasons: [`RSI ${60 + i} — overbought`, 'VIX 18.2 — calm'], arrivedAt: 1_000 + i, probabilityAt: 1_002 + i, signalAt: 1_004 + i };
        for (const c of clients) c.write(`event: signal\ndata: ${JSON.stringify(s)}\n\n`);
      };
      publish(0);
      await tab.waitForSelector('[data-panel="signals"][data-signals="1"]');
      publish(1);
      publish(2);
      await tab.waitForSelector('[data-panel="signals"][data-signals="3"]');
      // Newest first, each with its reasons and latency.
      expect(await tab.$$eval('#signal-rows tr', (rows) => rows.map((r) => r.getAttribute('data-ticker')))).toEqual(['O:SPY250317C00562000', 'O:SPY250317C00561000', 'O:SPY250317C00560000']);
      const first = await tab.textContent('#signal-rows tr:first-child');
      expect(first).toContain('73.0 %');
      expect(first).toContain('RSI 62 — overbought');
      expect(first).toContain('4 ms');
      expect(await tab.textContent('#signal-count')).toBe('3');
      await tab.screenshot({ path: join(artifactsDir, 'dashboard-signals.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await tab.close();
      await live.close();
      for (const c of clients) c.end();
      await new Promise((r) => upstream.close(r));
    }
  });

  it('logged no console errors, page errors or failed requests', () => {
    expect(consoleErrors).toEqual([]);
  });
});
