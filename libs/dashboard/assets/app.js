// The dashboard page: fetches the three JSON APIs and renders each tab with charts from charts.js.
import { barChart, calendarChart, divergingChart, hbarChart, lineChart } from './charts.js';
import { candleChart, fetchBars, nyDate } from './price-charts.js';

const $ = (sel, root = document) => root.querySelector(sel);

/** Creates an HTML element; children may be nodes or strings. */
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

const nf = new Intl.NumberFormat('en-US');
const int = (n) => nf.format(Math.round(n));
const pct = (x, d = 1) => (x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(d)} %`);
function bytes(n) {
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i ? 1 : 0)} ${u[i]}`;
}
function duration(ms) {
  if (ms === null || ms === undefined) return 'n/a';
  const m = ms / 60_000;
  if (m < 1) return `${Math.round(ms / 1000)} s`;
  if (m < 120) return `${m.toFixed(0)} min`;
  if (m < 60 * 48) return `${(m / 60).toFixed(1)} h`;
  return `${(m / 1440).toFixed(1)} d`;
}
const et = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
const etTime = (t) => (t === null || t === undefined ? 'n/a' : `${et.format(new Date(t))} ET`);

function card(title, ...body) {
  return h('div', { class: 'card' }, h('h2', {}, title), ...body);
}
function figure(caption, chart) {
  return h('figure', {}, h('figcaption', {}, caption), chart);
}
function kpis(items) {
  return h('div', { class: 'kpis' }, items.map(([k, v]) => h('div', { class: 'kpi' }, h('div', { class: 'v' }, v), h('div', { class: 'k' }, k))));
}
function table(columns, rows) {
  return h('table', {},
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: c.num ? 'num' : '' }, c.title)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => h('td', { class: c.num ? 'num' : '' }, c.render(r)))))));
}
function badge(text, cls = text) {
  return h('span', { class: `badge ${cls}` }, text);
}
function notice(state, what, how) {
  const issues = (state.issues ?? []).slice(0, 8).map((i) => h('li', {}, `${i.path.join('.') || '(root)'}: ${i.message}`));
  return h('div', { class: 'notice', 'data-empty': what },
    h('strong', {}, state.reason === 'invalid' ? `The ${what} report is invalid.` : `No ${what} report yet.`), ' ',
    'Expected ', h('code', {}, state.path), '. ', how,
    issues.length ? h('ul', {}, issues) : null);
}

async function api(path) {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

// ---------- Data tab ----------
function renderData(d) {
  const root = $('#tab-data');
  const totalRows = d.coverage.reduce((n, c) => n + c.rows, 0);
  const quarantined = d.quarantine.reduce((n, q) => n + q.records, 0);
  root.replaceChildren(
    kpis([
      ['datasets', String(d.coverage.length)],
      ['rows', int(totalRows)],
      ['on disk', bytes(d.space.totalBytes)],
      ['quarantined', int(quarantined)],
      ['market', d.marketOpen === null ? 'n/a' : d.marketOpen ? 'open' : 'closed'],
    ]),
  );
  const cov = h('div', { class: 'card wide' }, h('h2', {}, 'Coverage calendar'),
    h('div', { class: 'legend-row' },
      h('span', {}, h('span', { class: 'sw heat-1' }), 'few rows'), h('span', {}, h('span', { class: 'sw heat-4' }), 'many rows'),
      h('span', {}, h('span', { class: 'sw missing' }), 'missing trading day'), h('span', {}, h('span', { class: 'sw empty' }), 'no session')));
  if (d.coverage.length === 0) cov.append(h('p', { class: 'muted' }, 'No raw data under this root yet.'));
  for (const c of d.coverage) {
    cov.append(figure(
      `${c.dataset} — ${c.from} → ${c.to}, ${c.tickers.length || '–'} ticker(s), ${int(c.rows)} rows, ${c.missingTradingDays.length} missing trading day(s)${c.corruptFiles.length ? `, ${c.corruptFiles.length} unreadable file(s)` : ''}`,
      calendarChart(c.days.map((x) => ({ date: x.date, value: x.rows, title: `${int(x.rows)} rows in ${x.tickers} partition(s), ${bytes(x.bytes)}` })), c.missingTradingDays, { name: `coverage-${c.dataset}` }),
    ));
  }
  const grid = h('div', { class: 'grid' });
  const fresh = d.freshness;
  grid.append(card('Freshness (market time since the last bar)',
    fresh.length
      ? hbarChart(fresh.map((f) => ({ label: f.dataset, value: Math.max(0, (f.marketLagMs ?? 0) / 60_000), cls: `fill-${f.status}`, title: f.status })), { name: 'freshness', format: (m) => duration(m * 60_000) })
      : h('p', { class: 'muted' }, 'No time-series data.'),
    table([
      { title: 'dataset', render: (f) => f.dataset },
      { title: 'last bar', render: (f) => etTime(f.lastBarAt) },
      { title: 'market lag', num: true, render: (f) => duration(f.marketLagMs) },
      { title: 'wall lag', num: true, render: (f) => duration(f.lagMs) },
      { title: 'status', render: (f) => badge(f.live === false ? 'archive' : f.status, f.live === false ? 'no_baseline' : f.status) },
    ], fresh)));
  grid.append(card('Disk space by area',
    hbarChart(d.space.areas.slice(0, 12).map((a) => ({ label: a.area, value: a.bytes, title: `${a.files} files${a.rows === null ? '' : `, ${int(a.rows)} rows`}${a.compressionRatio === null ? '' : `, compression ${a.compressionRatio.toFixed(2)}×`}` })), { name: 'space', format: bytes }),
    table([
      { title: 'dataset', render: (a) => a.area },
      { title: 'rows', num: true, render: (a) => int(a.rows) },
      { title: 'on disk', num: true, render: (a) => bytes(a.bytes) },
      { title: 'compression', num: true, render: (a) => (a.compressionRatio === null ? '–' : `${a.compressionRatio.toFixed(2)}×`) },
    ], d.space.areas.filter((a) => a.rows !== null)),
    h('p', { class: 'muted' }, `${bytes(d.space.totalBytes)} in ${int(d.space.totalFiles)} files`)));
  const q = d.quarantine;
  grid.append(card('Quarantine',
    q.length
      ? hbarChart(q.map((x) => ({ label: x.dataset, value: x.records, cls: x.records ? 'fill-warn' : 'fill-ok', title: `${x.files} file(s), last ${x.lastDate}` })), { name: 'quarantine', format: int })
      : h('p', { class: 'muted', 'data-empty': 'quarantine' }, 'Nothing quarantined.'),
    q.length ? table([
      { title: 'dataset', render: (x) => x.dataset },
      { title: 'records', num: true, render: (x) => int(x.records) },
      { title: 'last date', render: (x) => x.lastDate ?? '–' },
      { title: 'reasons', render: (x) => Object.entries(x.byCode).map(([k, v]) => `${k} ×${v}`).join(', ') },
    ], q) : null));
  grid.append(card('Schema drift',
    d.schemaDrift.length
      ? h('div', { 'data-schema': '' }, table([
        { title: 'dataset', render: (s) => s.dataset },
        { title: 'state', render: (s) => badge(s.state) },
        { title: 'changes', render: (s) => (s.changes ?? []).join('; ') || '–' },
      ], d.schemaDrift))
      : h('p', { class: 'muted', 'data-empty': 'schema' }, 'No schema-drift state reported.'),
    h('h2', {}, 'Checks'),
    table([
      { title: 'check', render: (c) => c.name },
      { title: 'status', render: (c) => badge(c.status) },
      { title: 'detail', render: (c) => c.message },
    ], d.checks)));
  root.append(cov, grid);
  return renderSpyWithVix(root, d);
}

/** SPY candlesticks of the latest stored day with VIX (left scale) when indices hold it. */
async function renderSpyWithVix(root, d) {
  const stocks = d.coverage.find((c) => c.dataset === 'stocks' && c.tickers.includes('SPY'));
  if (!stocks) return;
  const date = stocks.to;
  const vixTicker = d.coverage.find((c) => c.dataset === 'indices')?.tickers.find((t) => t.endsWith('VIX'));
  const [spy, vix] = await Promise.all([fetchBars('stocks', 'SPY', date), vixTicker ? fetchBars('indices', vixTicker, date) : []]);
  const card = h('div', { class: 'card wide' }, h('h2', {}, `SPY ${date}${vix.length ? ` with VIX (left scale)` : ''}`));
  root.insertBefore(card, root.children[1] ?? null);
  card.append(candleChart('spy-vix', { candles: spy, line: vix.length ? { name: 'VIX', bars: vix } : undefined }),
    h('p', { class: 'muted' }, `${int(spy.length)} SPY minute bars${vix.length ? `, ${int(vix.length)} VIX bars` : ', no VIX stored for this day'}; times in New York`));
}

// ---------- Scanner tab ----------
function median(xs) {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
function renderScanner(state) {
  const root = $('#tab-scanner');
  if (!state.available) return root.replaceChildren(notice(state, 'scanner', 'Run the options scan (spyglass scan-options) to produce it.'));
  const s = state.summary;
  const per = s.perContractDay;
  const events = per.map((p) => p.events);
  const totalEvents = s.totalEvents ?? events.reduce((a, b) => a + b, 0);
  const totalBars = s.totalBars ?? per.reduce((a, p) => a + (p.bars ?? 0), 0);
  root.replaceChildren(kpis([
    ['contract-days', int(per.length)],
    ['minute bars', int(totalBars)],
    ['events', int(totalEvents)],
    ['events / contract-day (min · median · max)', `${events.length ? Math.min(...events) : 0} · ${median(events)} · ${events.length ? Math.max(...events) : 0}`],
    ['positive minutes', pct(s.positiveMinuteRate)],
    ['above threshold', s.durationAboveMinutes ? `${s.durationAboveMinutes.median} / ${s.durationAboveMinutes.mean.toFixed(1)} min` : 'n/a'],
  ]));
  const hours = new Map(s.eventsByHour.map((e) => [e.hour, e.events]));
  const hourRows = [];
  for (let hr = Math.min(9, ...hours.keys()); hr <= Math.max(15, ...hours.keys()); hr++) hourRows.push({ label: `${String(hr).padStart(2, '0')}:xx`, value: hours.get(hr) ?? 0 });
  const dist = new Map();
  for (const e of events) dist.set(e, (dist.get(e) ?? 0) + 1);
  const maxE = events.length ? Math.max(...events) : 0;
  const distRows = [];
  for (let e = 0; e <= maxE; e++) distRows.push({ label: String(e), value: dist.get(e) ?? 0 });
  const byDate = new Map();
  for (const p of per) byDate.set(p.date, (byDate.get(p.date) ?? 0) + p.events);
  const dateRows = [...byDate].sort(([a], [b]) => a.localeCompare(b)).map(([date, v]) => ({ label: date.slice(5), value: v, title: date }));
  const top = [...per].sort((a, b) => b.events - a.events || a.date.localeCompare(b.date)).slice(0, 12);
  root.append(
    h('p', { class: 'muted' }, `${s.from ?? '?'} → ${s.to ?? '?'}; an event is a ≥${+(100 * (s.moveThreshold ?? 0.2)).toFixed(2)} % intraday move; generated ${s.generatedAt}`),
    h('div', { class: 'grid' },
      card('Events by trigger hour (ET)', barChart(hourRows, { name: 'events-by-hour', format: int, valueLabels: true, xLabel: 'hour (New York)' })),
      card('Events per contract-day', barChart(distRows, { name: 'events-per-contract-day', format: int, valueLabels: true, cls: 'fill-accent2', xLabel: 'events in the contract-day → number of contract-days' })),
      h('div', { class: 'card wide' }, h('h2', {}, 'Events per trading day'), barChart(dateRows, { name: 'events-by-date', format: int, height: 180, width: 1100, valueLabels: true })),
      card('Busiest contract-days', table([
        { title: 'date', render: (p) => p.date },
        { title: 'contract', render: (p) => p.ticker },
        { title: 'events', num: true, render: (p) => int(p.events) },
        { title: 'bars', num: true, render: (p) => (p.bars === undefined ? '–' : int(p.bars)) },
      ], top))));
}

// ---------- Model tab ----------
const METRIC_ORDER = ['precision', 'recall', 'f1', 'rocAuc', 'accuracy', 'signals', 'positiveRate', 'lift'];
function metricValue(k, v) {
  if (/Pct$/.test(k)) return `${v.toFixed(1)} %`;
  if (/Ms$/.test(k)) return `${v.toFixed(2)} ms`;
  if (/[lL]ift$/.test(k)) return `${v.toFixed(2)}×`;
  if (Number.isInteger(v) && Math.abs(v) > 1) return int(v);
  return Math.abs(v) <= 1 ? pct(v) : v.toFixed(3);
}
const METRIC_LABELS = { rocAuc: 'ROC AUC', validationRocAuc: 'validation ROC AUC', f1: 'F1', predictP99Ms: 'predict p99' };
function metricLabel(k) {
  return METRIC_LABELS[k] ?? k.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/ (Pct|Ms)$/, '').toLowerCase();
}
function renderModel(state) {
  const root = $('#tab-model');
  if (!state.available) return root.replaceChildren(notice(state, 'model', 'Run the trainer (spyglass ml train) to produce it.'));
  const m = state.summary;
  const keys = Object.keys(m.metrics).sort((a, b) => (METRIC_ORDER.indexOf(a) + 1 || 99) - (METRIC_ORDER.indexOf(b) + 1 || 99));
  root.replaceChildren(
    kpis([['threshold', m.threshold.toFixed(2)], ...keys.slice(0, 11).map((k) => [metricLabel(k), metricValue(k, m.metrics[k])])]),
    h('p', { class: 'muted' }, `run ${m.runId}${m.modelVersion ? ` (${m.modelVersion})` : ''}, generated ${m.generatedAt}${m.dataSource ? ` · data: ${m.dataSource}` : ''}`),
  );
  const curve = [...m.thresholdCurve].sort((a, b) => a.threshold - b.threshold);
  const fi = [...m.featureImportance].sort((a, b) => b.gain - a.gain).slice(0, 20);
  const wf = m.walkForward;
  const grid = h('div', { class: 'grid' },
    card('Threshold curve',
      lineChart([
        { name: 'precision', cls: 'accent', points: curve.map((p) => ({ x: p.threshold, y: p.precision })) },
        { name: 'recall', cls: 'accent2', points: curve.map((p) => ({ x: p.threshold, y: p.recall })) },
      ], { name: 'threshold-curve', yMax: 1, xFormat: (x) => x.toFixed(2), yFormat: (y) => `${Math.round(y * 100)}%`, marker: { x: m.threshold, label: `chosen ${m.threshold.toFixed(2)}` } }),
      figure('Signals by threshold', lineChart([{ name: 'signals', cls: 'accent', points: curve.map((p) => ({ x: p.threshold, y: p.signals })) }],
        { name: 'signals-curve', height: 160, xFormat: (x) => x.toFixed(2), yFormat: int, marker: { x: m.threshold, label: '' } }))),
    card('Feature importance (gain, top 20)', hbarChart(fi.map((f) => ({ label: f.feature, value: f.gain, title: [f.weight !== undefined ? `weight ${f.weight}` : '', f.cover !== undefined ? `cover ${f.cover.toFixed(1)}` : ''].filter(Boolean).join(', ') })), { name: 'feature-importance', format: (v) => v.toFixed(1), labelWidth: 190 })),
    h('div', { class: 'card wide' }, h('h2', {}, 'Walk-forward precision by test month'),
      barChart(wf.map((w) => ({ label: w.month, value: w.precision, title: `${w.signals} signal(s)`, cls: 'fill-accent' })), { name: 'walk-forward', yMax: 1, format: (v) => `${Math.round(v * 100)}%`, valueLabels: true, height: 200, width: 1100 }),
      h('p', { class: 'muted' }, `mean precision ${pct(mean(wf.filter((w) => w.precision !== null).map((w) => w.precision)))} over ${wf.filter((w) => w.precision !== null).length} month(s) with signals; grey = no signals`)),
  );
  const signals = h('div', { class: 'card wide' }, h('h2', {}, `Recent signals (${m.recentSignals.length}) with their SHAP explanation`));
  const list = h('div', { class: 'signals' });
  m.recentSignals.forEach((s, i) => {
    const factors = [...s.topFactors].sort((a, b) => Math.abs(b.shap) - Math.abs(a.shap)).slice(0, 10);
    list.append(h('div', { class: 'signal' },
      h('h3', {}, s.ticker),
      h('div', { class: 'muted' }, `${etTime(s.timestamp)} · p = ${s.probability.toFixed(3)} `, s.outcome ? badge(s.outcome.toUpperCase(), s.outcome) : badge('open', 'no_baseline'),
        s.maxGain !== undefined && s.maxGain !== null ? ` · max gain ${(100 * s.maxGain).toFixed(1)} %` : ''),
      divergingChart(factors.map((f) => ({ label: f.value === null ? f.feature : `${f.feature} = ${fmtValue(f.value)}`, value: f.shap, title: `value ${f.value === null ? 'n/a' : f.value}` })), { name: `shap-${i}` })));
  });
  if (!m.recentSignals.length) list.append(h('p', { class: 'muted' }, 'No signals in the latest run.'));
  signals.append(list);
  root.append(grid, ...(m.pnl ? [renderPnl(m.pnl, m.threshold)] : []), signals);
  return renderSignalContract(root, m);
}

// The label looks 120 minutes ahead of a signal: that is the window its outcome is judged on.
const LABEL_WINDOW_S = 120 * 60;

/** The first signalled contract's bars that day, its signals marked and their label windows shaded. */
async function renderSignalContract(root, m) {
  const first = m.recentSignals[0];
  if (!first) return;
  const date = nyDate(first.timestamp);
  const bars = await fetchBars('options', first.ticker, date);
  const own = m.recentSignals.filter((s) => s.ticker === first.ticker && nyDate(s.timestamp) === date);
  const markers = own.map((s) => ({ time: Math.floor(s.timestamp / 1000), position: 'belowBar', shape: 'arrowUp', color: s.outcome === 'fp' ? '#d73027' : '#1a9850', text: `p ${s.probability.toFixed(2)}${s.outcome ? ` ${s.outcome.toUpperCase()}` : ''}` }));
  const windows = own.map((s) => ({ from: Math.floor(s.timestamp / 1000), to: Math.floor(s.timestamp / 1000) + LABEL_WINDOW_S }));
  const card = h('div', { class: 'card wide' }, h('h2', {}, `${first.ticker} on ${date}: signals and their 120-minute label windows`));
  root.insertBefore(card, root.children[2] ?? null);
  card.append(candleChart('signal-contract', { candles: bars, markers, windows }),
    h('p', { class: 'muted' }, `${int(bars.length)} minute bars (a minute without a trade has no bar); ${own.length} signal(s), shaded: the window each label looks at`));
}
function usd(v) {
  return `${v < 0 ? '−' : ''}$${Math.abs(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
function interval(i, f) {
  return `${i.estimate === null ? 'n/a' : f(i.estimate)} [${i.low === null ? 'n/a' : f(i.low)}, ${i.high === null ? 'n/a' : f(i.high)}]`;
}
// The trading backtest of the run: equity with drawdown, the model's P&L among random entries,
// per-split mean trade return with its interval, calibration against the chosen threshold.
function renderPnl(p, threshold) {
  const sorted = [...p.randomTotalPnl].sort((a, b) => a - b);
  const lo = sorted[0] ?? 0, hi = sorted[sorted.length - 1] ?? 0;
  const bins = 12, width = (Math.max(hi, p.totalPnl) - Math.min(lo, p.totalPnl)) / bins || 1, start = Math.min(lo, p.totalPnl);
  const counts = Array.from({ length: bins }, () => 0);
  for (const v of sorted) counts[Math.min(bins - 1, Math.floor((v - start) / width))]++;
  const modelBin = Math.min(bins - 1, Math.floor((p.totalPnl - start) / width));
  const ret = (v) => `${(v * 100).toFixed(1)} %`;
  return h('div', { class: 'card wide' }, h('h2', {}, 'Trading backtest (P&L)'),
    h('p', { class: 'muted' }, p.note),
    kpis([
      ['trades', int(p.trades)], ['total P&L', usd(p.totalPnl)], ['max drawdown', usd(p.maxDrawdown)],
      ['mean trade (95 % CI)', interval(p.meanTradeReturn, ret)], ['Sharpe (95 % CI)', interval(p.sharpe, (v) => v.toFixed(2))],
      ['beats random entries', `${Math.round(p.randomPercentile * 100)} %`],
    ]),
    h('div', { class: 'grid' },
      figure('Equity and drawdown (dollars, trades in exit order)', lineChart([
        { name: 'equity', cls: 'accent', points: p.equity.map((e, i) => ({ x: i + 1, y: e.equity })) },
        { name: 'drawdown', cls: 'accent2', points: p.equity.map((e, i) => ({ x: i + 1, y: e.drawdown })) },
      ], { name: 'pnl-equity', xFormat: int, yFormat: (v) => usd(v) })),
      figure(`Model P&L ${usd(p.totalPnl)} among ${sorted.length} random-entry portfolios (highlighted: the model's bin)`,
        barChart(counts.map((c, i) => ({ label: usd(start + i * width), value: c, cls: i === modelBin ? 'fill-accent2' : 'fill-accent', title: `${usd(start + i * width)} … ${usd(start + (i + 1) * width)}` })), { name: 'pnl-random', format: int, labelEvery: 3 })),
      figure(`Calibration (Brier ${p.brier === null ? 'n/a' : p.brier.toFixed(4)})`, lineChart([
        { name: 'observed', cls: 'accent', points: p.calibration.map((b) => ({ x: b.meanPredicted, y: b.observedRate })) },
        { name: 'ideal', cls: 'accent2', points: [{ x: 0, y: 0 }, { x: 1, y: 1 }] },
      ], { name: 'pnl-calibration', yMax: 1, xFormat: (x) => x.toFixed(2), yFormat: (y) => `${Math.round(y * 100)}%`, marker: { x: threshold, label: `threshold ${threshold.toFixed(2)}` } })),
      ...(p.splits.length ? [figure('Mean trade return per walk-forward split (95 % interval)', lineChart([
        { name: 'mean', cls: 'accent', points: p.splits.flatMap((s, i) => (s.meanTradeReturn.estimate === null ? [] : [{ x: i + 1, y: s.meanTradeReturn.estimate }])) },
        { name: 'low', cls: 'accent2', points: p.splits.flatMap((s, i) => (s.meanTradeReturn.low === null ? [] : [{ x: i + 1, y: s.meanTradeReturn.low }])) },
        { name: 'high', cls: 'accent2', points: p.splits.flatMap((s, i) => (s.meanTradeReturn.high === null ? [] : [{ x: i + 1, y: s.meanTradeReturn.high }])) },
      ], { name: 'pnl-splits', xFormat: (x) => p.splits[x - 1]?.label ?? String(x), yFormat: ret }))] : []),
    ));
}
function fmtValue(v) {
  return Math.abs(v) >= 1000 ? int(v) : Number(v.toPrecision(3)).toString();
}
function mean(xs) {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

// ---------- tabs ----------
function select(tab) {
  for (const b of document.querySelectorAll('nav [data-tab]')) b.setAttribute('aria-selected', String(b.dataset.tab === tab));
  for (const p of document.querySelectorAll('[data-panel]')) p.hidden = p.dataset.panel !== tab;
  if (location.hash !== `#${tab}`) history.replaceState(null, '', `#${tab}`);
}

async function load() {
  const status = $('#status');
  const button = $('#refresh');
  button.disabled = true;
  document.body.dataset.ready = 'false';
  const tasks = [
    ['data', '/api/data', renderData],
    ['scanner', '/api/scanner', renderScanner],
    ['model', '/api/model', renderModel],
  ];
  const results = await Promise.allSettled(tasks.map(async ([tab, path, render]) => {
    try {
      await render(await api(path));
    } catch (e) {
      $(`#tab-${tab}`).replaceChildren(h('div', { class: 'notice' }, `Could not load ${path}: ${e.message}`));
      throw e;
    }
  }));
  const failed = results.filter((r) => r.status === 'rejected').length;
  status.textContent = failed ? `${failed} panel(s) failed to load` : `updated ${new Date().toLocaleTimeString()}`;
  button.disabled = false;
  document.body.dataset.ready = 'true';
}

document.addEventListener('DOMContentLoaded', () => {
  for (const b of document.querySelectorAll('nav [data-tab]')) b.addEventListener('click', () => select(b.dataset.tab));
  const initial = location.hash.slice(1);
  if (['data', 'scanner', 'model'].includes(initial)) select(initial);
  $('#refresh').addEventListener('click', () => void load());
  void load();
});
