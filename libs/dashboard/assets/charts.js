// Small SVG chart helpers for the dashboard: no library, no build step. Every chart is an <svg>
// with data-chart="<name>" and one element of class "mark" per data point, so tests (and people
// with devtools) can count what was drawn. Values are in <title> children for hover tooltips.

const NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element with attributes (and optional text). */
export function el(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

// Drawn at its natural pixel size (width/height attributes) and only shrunk to fit (CSS max-width),
// so text stays legible instead of scaling with the card.
function svg(name, width, height, points) {
  return el('svg', { viewBox: `0 0 ${width} ${height}`, width, height, 'data-chart': name, 'data-points': points, role: 'img', 'aria-label': name });
}

function tip(node, text) {
  node.appendChild(el('title', {}, text));
  return node;
}

/** "Nice" axis ticks between 0 and max. */
function ticks(max, count = 4) {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) out.push(v);
  if (out[out.length - 1] < max) out.push(out[out.length - 1] + step);
  return out;
}

/**
 * Vertical bars. rows: [{ label, value, title?, cls? }]; value null draws a hollow placeholder.
 * opts: { name, height, format, labelEvery, cls, yMax, valueLabels }
 */
export function barChart(rows, opts) {
  const W = opts.width ?? 560, H = opts.height ?? 220, L = 44, R = 8, T = 10, B = 34;
  const s = svg(opts.name, W, H, rows.length);
  const max = opts.yMax ?? Math.max(0, ...rows.map((r) => r.value ?? 0));
  const tk = ticks(max);
  const top = tk[tk.length - 1] || 1;
  const y = (v) => T + (H - T - B) * (1 - v / top);
  for (const t of tk) {
    s.appendChild(el('line', { x1: L, x2: W - R, y1: y(t), y2: y(t), class: 'grid-line' }));
    s.appendChild(el('text', { x: L - 6, y: y(t) + 4, 'text-anchor': 'end' }, (opts.format ?? String)(t)));
  }
  const band = (W - L - R) / Math.max(1, rows.length);
  const bw = Math.max(1, band * 0.72);
  const every = opts.labelEvery ?? Math.max(1, Math.ceil(rows.length / 16));
  rows.forEach((r, i) => {
    const x = L + i * band + (band - bw) / 2;
    const label = `${r.label}: ${r.value === null ? 'n/a' : (opts.format ?? String)(r.value)}${r.title ? ` (${r.title})` : ''}`;
    if (r.value === null) {
      s.appendChild(tip(el('rect', { x, y: y(top) , width: bw, height: H - B - y(top), class: 'mark fill-empty', 'data-value': '' }), label));
    } else {
      const h = Math.max(r.value > 0 ? 1 : 0, H - B - y(r.value));
      s.appendChild(tip(el('rect', { x, y: H - B - h, width: bw, height: h, rx: 2, class: `mark ${r.cls ?? opts.cls ?? 'fill-accent'}`, 'data-value': r.value }), label));
      if (opts.valueLabels && rows.length <= 24) s.appendChild(el('text', { x: x + bw / 2, y: H - B - h - 3, 'text-anchor': 'middle', class: 'value' }, (opts.format ?? String)(r.value)));
    }
    if (i % every === 0) s.appendChild(el('text', { x: x + bw / 2, y: H - B + 14, 'text-anchor': 'middle' }, r.label));
  });
  s.appendChild(el('line', { x1: L, x2: W - R, y1: H - B, y2: H - B, class: 'axis' }));
  if (opts.xLabel) s.appendChild(el('text', { x: (W + L) / 2, y: H - 4, 'text-anchor': 'middle' }, opts.xLabel));
  return s;
}

/** Horizontal bars. rows: [{ label, value, cls?, title? }]; opts: { name, format, labelWidth } */
export function hbarChart(rows, opts) {
  const W = opts.width ?? 560, LW = opts.labelWidth ?? 120, R = 70, row = 22, T = 4;
  const H = T * 2 + row * Math.max(1, rows.length);
  const s = svg(opts.name, W, H, rows.length);
  const max = Math.max(0, ...rows.map((r) => r.value)) || 1;
  rows.forEach((r, i) => {
    const yy = T + i * row;
    const w = ((W - LW - R) * Math.max(0, r.value)) / max;
    s.appendChild(el('text', { x: LW - 8, y: yy + row / 2 + 4, 'text-anchor': 'end', class: 'value' }, r.label));
    s.appendChild(tip(el('rect', { x: LW, y: yy + 3, width: Math.max(r.value > 0 ? 1 : 0, w), height: row - 6, rx: 2, class: `mark ${r.cls ?? 'fill-accent'}`, 'data-value': r.value }), `${r.label}: ${(opts.format ?? String)(r.value)}${r.title ? ` (${r.title})` : ''}`));
    s.appendChild(el('text', { x: LW + w + 6, y: yy + row / 2 + 4 }, (opts.format ?? String)(r.value)));
  });
  return s;
}

/**
 * Lines over a numeric x axis. series: [{ name, cls, points: [{ x, y }] }];
 * opts: { name, xFormat, yFormat, yMax, marker: { x, label } }
 */
export function lineChart(series, opts) {
  const W = opts.width ?? 560, H = opts.height ?? 240, L = 48, R = 12, T = 24, B = 30;
  const all = series.flatMap((s) => s.points);
  const s = svg(opts.name, W, H, all.length);
  const xs = all.map((p) => p.x);
  const x0 = Math.min(...xs), x1 = Math.max(...xs);
  const yMax = opts.yMax ?? Math.max(0, ...all.map((p) => p.y));
  // Money can be negative (P&L, drawdown): the axis then starts at a tick below the lowest value.
  const yMin = Math.min(0, ...all.map((p) => p.y));
  const span = ticks(yMax - yMin);
  const step = span.length > 1 ? span[1] : 1;
  const bottom = yMin < 0 ? -Math.ceil(-yMin / step - 1e-9) * step : 0;
  const tk = yMin < 0 ? span.map((t) => t + bottom).filter((t) => t <= yMax + step) : ticks(yMax);
  const top = tk[tk.length - 1] || 1;
  const x = (v) => L + ((W - L - R) * (v - x0)) / (x1 - x0 || 1);
  const y = (v) => T + (H - T - B) * (1 - (v - bottom) / (top - bottom || 1));
  for (const t of tk) {
    s.appendChild(el('line', { x1: L, x2: W - R, y1: y(t), y2: y(t), class: 'grid-line' }));
    s.appendChild(el('text', { x: L - 6, y: y(t) + 4, 'text-anchor': 'end' }, (opts.yFormat ?? String)(t)));
  }
  const xt = [...new Set(xs)].sort((a, b) => a - b);
  const every = Math.max(1, Math.ceil(xt.length / 10));
  xt.forEach((v, i) => {
    if (i % every === 0) s.appendChild(el('text', { x: x(v), y: H - B + 14, 'text-anchor': 'middle' }, (opts.xFormat ?? String)(v)));
  });
  s.appendChild(el('line', { x1: L, x2: W - R, y1: H - B, y2: H - B, class: 'axis' }));
  if (opts.marker) {
    s.appendChild(el('line', { x1: x(opts.marker.x), x2: x(opts.marker.x), y1: T, y2: H - B, class: 'marker' }));
    s.appendChild(el('text', { x: x(opts.marker.x) + 4, y: T + 10, class: 'value' }, opts.marker.label));
  }
  const legend = el('g', { class: 'legend' });
  series.forEach((ser, si) => {
    const pts = [...ser.points].sort((a, b) => a.x - b.x);
    s.appendChild(el('path', { d: pts.map((p, i) => `${i ? 'L' : 'M'}${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(''), class: `fill-none stroke-${ser.cls}`, 'stroke-width': 2 }));
    for (const p of pts) {
      s.appendChild(tip(el('circle', { cx: x(p.x), cy: y(p.y), r: 2.5, class: `mark fill-${ser.cls}`, 'data-value': p.y }), `${ser.name} @ ${(opts.xFormat ?? String)(p.x)}: ${(opts.yFormat ?? String)(p.y)}`));
    }
    legend.appendChild(el('rect', { x: L + si * 110, y: 4, width: 10, height: 10, rx: 2, class: `fill-${ser.cls}` }));
    legend.appendChild(el('text', { x: L + si * 110 + 14, y: 13 }, ser.name));
  });
  s.appendChild(legend);
  return s;
}

/** Diverging bars around zero (SHAP). rows: [{ label, value, title? }] */
export function divergingChart(rows, opts) {
  const W = opts.width ?? 520, LW = 170, R = 56, row = 20;
  const H = 8 + row * Math.max(1, rows.length);
  const s = svg(opts.name, W, H, rows.length);
  const max = Math.max(1e-9, ...rows.map((r) => Math.abs(r.value)));
  const mid = LW + (W - LW - R) / 2;
  const half = (W - LW - R) / 2;
  s.appendChild(el('line', { x1: mid, x2: mid, y1: 0, y2: H, class: 'axis' }));
  rows.forEach((r, i) => {
    const yy = 4 + i * row;
    const w = (half * Math.abs(r.value)) / max;
    s.appendChild(el('text', { x: LW - 8, y: yy + row / 2 + 4, 'text-anchor': 'end', class: 'value' }, r.label));
    s.appendChild(tip(el('rect', { x: r.value >= 0 ? mid : mid - w, y: yy + 3, width: Math.max(1, w), height: row - 6, rx: 2, class: `mark ${r.value >= 0 ? 'fill-ok' : 'fill-critical'}`, 'data-value': r.value }), `${r.label}: ${r.value >= 0 ? '+' : ''}${r.value.toFixed(3)}${r.title ? ` (${r.title})` : ''}`));
    s.appendChild(el('text', { x: r.value >= 0 ? mid + w + 4 : mid - w - 4, y: yy + row / 2 + 4, 'text-anchor': r.value >= 0 ? 'start' : 'end' }, `${r.value >= 0 ? '+' : ''}${r.value.toFixed(3)}`));
  });
  return s;
}

const DAY = 86_400_000;
const utc = (d) => Date.parse(`${d}T00:00:00Z`);
const iso = (t) => new Date(t).toISOString().slice(0, 10);

/**
 * Calendar heatmap of weekdays (columns = weeks, rows = Mon–Fri). days: [{ date, value, title }],
 * missing: dates expected but absent. opts: { name }
 */
export function calendarChart(days, missing, opts) {
  const byDate = new Map(days.map((d) => [d.date, d]));
  const miss = new Set(missing);
  const dates = [...byDate.keys(), ...miss].sort();
  const first = utc(dates[0]);
  const last = utc(dates[dates.length - 1]);
  const start = first - ((new Date(first).getUTCDay() + 6) % 7) * DAY; // Monday of the first week
  const weeks = Math.floor((last - start) / DAY / 7) + 1;
  const cell = Math.min(16, Math.max(8, Math.floor(1000 / weeks) - 2));
  const L = 28, T = 16;
  const W = L + weeks * (cell + 2) + 10;
  const H = T + 5 * (cell + 2) + 4;
  const s = svg(opts.name, W, H, days.length + miss.size);
  const max = Math.max(1, ...days.map((d) => d.value));
  ['Mon', 'Wed', 'Fri'].forEach((d, i) => s.appendChild(el('text', { x: 0, y: T + i * 2 * (cell + 2) + cell - 1 }, d)));
  let lastMonth = '';
  for (let t = start, w = 0; t <= last; t += DAY) {
    const dow = (new Date(t).getUTCDay() + 6) % 7;
    if (dow === 0 && t !== start) w++;
    if (dow > 4) continue;
    const date = iso(t);
    const xx = L + w * (cell + 2);
    const yy = T + dow * (cell + 2);
    const month = date.slice(0, 7);
    if (month !== lastMonth && dow === 0) {
      s.appendChild(el('text', { x: xx, y: 10 }, month));
      lastMonth = month;
    }
    const d = byDate.get(date);
    if (d) {
      const level = Math.min(4, 1 + Math.floor((3.999 * d.value) / max));
      s.appendChild(tip(el('rect', { x: xx, y: yy, width: cell, height: cell, rx: 2, class: `mark heat-${level}`, 'data-date': date, 'data-value': d.value }), `${date}: ${d.title ?? d.value}`));
    } else if (miss.has(date)) {
      s.appendChild(tip(el('rect', { x: xx, y: yy, width: cell, height: cell, rx: 2, class: 'mark fill-missing', 'data-date': date, 'data-value': 0 }), `${date}: missing trading day`));
    } else {
      s.appendChild(el('rect', { x: xx, y: yy, width: cell, height: cell, rx: 2, class: 'fill-empty' }));
    }
  }
  return s;
}
