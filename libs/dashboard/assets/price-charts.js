// Candlestick charts drawn by TradingView's lightweight-charts (served from node_modules at
// /vendor/lightweight-charts.js, which index.html loads as window.LightweightCharts). Each chart
// element states what it drew (data-bars, data-last-close, data-markers) so tests and users can
// check it against the stored bars.

const NY = { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hour12: false };
const nyTime = (t) => new Date(t * 1000).toLocaleTimeString('en-US', NY);

/** The stored bars of one ticker-day from /api/bars (time in UTC seconds). */
export async function fetchBars(dataset, ticker, date) {
  const res = await fetch(`/api/bars?dataset=${dataset}&ticker=${encodeURIComponent(ticker)}&date=${date}`);
  if (!res.ok) throw new Error(`/api/bars ${dataset} ${ticker} ${date}: HTTP ${res.status}`);
  return (await res.json()).bars;
}

/** The New York trading date of a UTC epoch-ms timestamp (how raw partitions are dated). */
export function nyDate(ms) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date(ms));
}

/**
 * A candlestick chart. `line` adds a second instrument on the left scale (e.g. VIX under SPY);
 * `markers` are lightweight-charts series markers; `windows` ({ from, to } in seconds) are shaded.
 */
export function candleChart(name, { candles, line, markers = [], windows = [], height = 320 }) {
  const { createChart, CandlestickSeries, LineSeries, HistogramSeries, createSeriesMarkers } = window.LightweightCharts;
  const el = document.createElement('div');
  el.className = 'price-chart';
  el.dataset.priceChart = name;
  el.style.height = `${height}px`;
  const chart = createChart(el, {
    autoSize: true,
    layout: { background: { color: 'transparent' }, textColor: '#555', fontSize: 11 },
    grid: { vertLines: { color: '#eee' }, horzLines: { color: '#eee' } },
    localization: { timeFormatter: nyTime },
    timeScale: { timeVisible: true, secondsVisible: false, tickMarkFormatter: nyTime },
    leftPriceScale: { visible: Boolean(line), borderVisible: false },
    rightPriceScale: { borderVisible: false },
  });
  if (windows.length) {
    const band = chart.addSeries(HistogramSeries, { priceScaleId: 'windows', color: 'rgba(52, 120, 246, 0.14)', priceLineVisible: false, lastValueVisible: false });
    band.priceScale().applyOptions({ scaleMargins: { top: 0, bottom: 0 }, visible: false });
    band.setData(candles.map((c) => ({ time: c.time, value: windows.some((w) => c.time >= w.from && c.time <= w.to) ? 1 : 0 })));
  }
  const series = chart.addSeries(CandlestickSeries, { upColor: '#1a9850', downColor: '#d73027', wickUpColor: '#1a9850', wickDownColor: '#d73027', borderVisible: false });
  series.setData(candles);
  if (line) {
    const l = chart.addSeries(LineSeries, { priceScaleId: 'left', color: '#7b3294', lineWidth: 1, title: line.name });
    l.setData(line.bars.map((b) => ({ time: b.time, value: b.close })));
    el.dataset.lineBars = String(l.data().length);
  }
  if (markers.length) createSeriesMarkers(series, [...markers].sort((a, b) => a.time - b.time));
  chart.timeScale().fitContent();
  const drawn = series.data();
  el.dataset.bars = String(drawn.length);
  el.dataset.lastClose = drawn.length ? String(drawn.at(-1).close) : '';
  el.dataset.markers = String(markers.length);
  return el;
}
