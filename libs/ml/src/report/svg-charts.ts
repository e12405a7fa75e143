// Minimal, dependency-free SVG charts for the self-contained HTML report: a report must open
// offline and be attachable to an e-mail, so no script, no external font, no CDN.

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3));
/** Every n-th point so a chart draws at most `max` (ROC/PR curves and equity have as many points as rows or trades). */
export function thin<T>(points: readonly T[], max = 400): T[] {
  if (points.length <= max) return [...points];
  const step = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => points[Math.round(i * step)]!);
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

/**
 * A named line of (x, y) points.
 *
 * @example
 * ```ts
 * const roc: Series = { name: 'test', points: rocCurve(labels, probabilities).map((p) => ({ x: p.x, y: p.y })) };
 * ```
 */
export interface Series {
  readonly name: string;
  readonly points: ReadonlyArray<{ readonly x: number; readonly y: number }>;
}

/**
 * Options of {@link lineChartSvg}.
 *
 * @example
 * ```ts
 * const opts: LineChartOptions = { title: 'ROC', xLabel: 'FPR', yLabel: 'TPR', series: [{ name: 'test', points: rocCurve(labels, probabilities) }], diagonal: true };
 * const svg = lineChartSvg(opts);
 * ```
 */
export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly xDomain?: readonly [number, number];
  readonly yDomain?: readonly [number, number];
  /** Dashed y = x reference line (ROC chance level). */
  readonly diagonal?: boolean;
  readonly width?: number;
  readonly height?: number;
}

function frame(width: number, height: number, title: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}">` +
    `<rect width="${width}" height="${height}" fill="#fff"/>` +
    `<text x="${width / 2}" y="18" text-anchor="middle" font-family="sans-serif" font-size="14" font-weight="bold">${esc(title)}</text>` +
    body +
    '</svg>'
  );
}

function extent(values: number[], fallback: [number, number]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return fallback;
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

/**
 * A line chart (ROC, precision–recall, threshold sweep) as an SVG string.
 *
 * @example
 * ```ts
 * lineChartSvg({ title: 'ROC', xLabel: 'FPR', yLabel: 'TPR', series: [{ name: 'test', points }], diagonal: true });
 * ```
 */
export function lineChartSvg(o: LineChartOptions): string {
  const width = o.width ?? 460;
  const height = o.height ?? 320;
  // The legend sits in a row under the title, outside the plot, so it never hides a curve.
  const m = { left: 52, right: 14, top: 46, bottom: 44 };
  const all = o.series.flatMap((s) => s.points);
  const [x0, x1] = o.xDomain ?? extent(all.map((p) => p.x), [0, 1]);
  const [y0, y1] = o.yDomain ?? extent(all.map((p) => p.y), [0, 1]);
  const sx = (x: number) => m.left + ((x - x0) / (x1 - x0)) * (width - m.left - m.right);
  const sy = (y: number) => height - m.bottom - ((y - y0) / (y1 - y0)) * (height - m.top - m.bottom);
  let body = '';
  for (let i = 0; i <= 4; i++) {
    const xv = x0 + ((x1 - x0) * i) / 4;
    const yv = y0 + ((y1 - y0) * i) / 4;
    body += `<line x1="${sx(xv)}" y1="${sy(y0)}" x2="${sx(xv)}" y2="${sy(y1)}" stroke="#eee"/>`;
    body += `<line x1="${sx(x0)}" y1="${sy(yv)}" x2="${sx(x1)}" y2="${sy(yv)}" stroke="#eee"/>`;
    body += `<text x="${sx(xv)}" y="${height - m.bottom + 14}" text-anchor="middle" font-family="sans-serif" font-size="10">${fmt(xv)}</text>`;
    body += `<text x="${m.left - 4}" y="${sy(yv) + 3}" text-anchor="end" font-family="sans-serif" font-size="10">${fmt(yv)}</text>`;
  }
  body += `<rect x="${m.left}" y="${m.top}" width="${width - m.left - m.right}" height="${height - m.top - m.bottom}" fill="none" stroke="#999"/>`;
  if (o.diagonal) body += `<line x1="${sx(x0)}" y1="${sy(y0)}" x2="${sx(x1)}" y2="${sy(y1)}" stroke="#aaa" stroke-dasharray="4 3"/>`;
  o.series.forEach((s, i) => {
    const d = s.points
      .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
      .map((p, j) => `${j ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`)
      .join('');
    const color = PALETTE[i % PALETTE.length]!;
    body += `<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`;
  });
  let legendX = m.left;
  o.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    body += `<rect x="${legendX}" y="29" width="10" height="3" fill="${color}"/>`;
    body += `<text x="${legendX + 14}" y="34" font-family="sans-serif" font-size="11" fill="${color}">${esc(s.name)}</text>`;
    legendX += 24 + s.name.length * 6;
  });
  body += `<text x="${(m.left + width - m.right) / 2}" y="${height - 8}" text-anchor="middle" font-family="sans-serif" font-size="11">${esc(o.xLabel)}</text>`;
  body += `<text transform="translate(14 ${(m.top + height - m.bottom) / 2}) rotate(-90)" text-anchor="middle" font-family="sans-serif" font-size="11">${esc(o.yLabel)}</text>`;
  return frame(width, height, o.title, body);
}

/**
 * Options of {@link barChartSvg}.
 *
 * @example
 * ```ts
 * const svg = barChartSvg({ title: 'Precision by month', labels: ['2025-01', '2025-02'], values: [0.71, 0.66], orientation: 'vertical', max: 1 } satisfies BarChartOptions);
 * ```
 */
export interface BarChartOptions {
  readonly title: string;
  readonly labels: readonly string[];
  readonly values: readonly number[];
  /** `horizontal` (default; feature importance) or `vertical` (monthly precision, histograms). */
  readonly orientation?: 'horizontal' | 'vertical';
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly width?: number;
  readonly height?: number;
  /** Fixed value axis maximum (e.g. 1 for precision). */
  readonly max?: number;
  readonly color?: string;
}

/**
 * A bar chart as an SVG string: horizontal for rankings, vertical for series over time or bins.
 *
 * @example
 * ```ts
 * barChartSvg({ title: 'Top features (gain)', labels: ['rsi_14', 'iv'], values: [12.5, 7.1] });
 * ```
 */
export function barChartSvg(o: BarChartOptions): string {
  const n = o.labels.length;
  const horizontal = (o.orientation ?? 'horizontal') === 'horizontal';
  const color = o.color ?? PALETTE[0]!;
  const max = o.max ?? Math.max(1e-12, ...o.values.filter(Number.isFinite));
  let body = '';
  if (horizontal) {
    const width = o.width ?? 560;
    const rowH = 18;
    const labelW = 190;
    const height = o.height ?? 40 + n * rowH + 20;
    const barW = width - labelW - 70;
    o.labels.forEach((label, i) => {
      const v = o.values[i] ?? 0;
      const y = 30 + i * rowH;
      const w = Number.isFinite(v) ? Math.max(0, (v / max) * barW) : 0;
      body += `<text x="${labelW - 6}" y="${y + 12}" text-anchor="end" font-family="sans-serif" font-size="11">${esc(label)}</text>`;
      body += `<rect x="${labelW}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowH - 5}" fill="${color}"/>`;
      body += `<text x="${labelW + w + 4}" y="${y + 12}" font-family="sans-serif" font-size="10">${fmt(v)}</text>`;
    });
    if (o.xLabel) body += `<text x="${labelW + barW / 2}" y="${height - 6}" text-anchor="middle" font-family="sans-serif" font-size="11">${esc(o.xLabel)}</text>`;
    return frame(width, height, o.title, body);
  }
  const width = o.width ?? Math.max(360, 100 + n * 36);
  const height = o.height ?? 300;
  // Rotated category labels run to the right of their bar: keep room for the last one.
  const m = { left: 48, right: 50, top: 30, bottom: 64 };
  const slot = (width - m.left - m.right) / Math.max(1, n);
  const plotH = height - m.top - m.bottom;
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const y = height - m.bottom - (plotH * i) / 4;
    body += `<line x1="${m.left}" y1="${y}" x2="${width - m.right}" y2="${y}" stroke="#eee"/>`;
    body += `<text x="${m.left - 4}" y="${y + 3}" text-anchor="end" font-family="sans-serif" font-size="10">${fmt(v)}</text>`;
  }
  o.labels.forEach((label, i) => {
    const v = o.values[i] ?? 0;
    const h = Number.isFinite(v) ? Math.max(0, (v / max) * plotH) : 0;
    const x = m.left + i * slot;
    body += `<rect x="${(x + slot * 0.1).toFixed(1)}" y="${(height - m.bottom - h).toFixed(1)}" width="${(slot * 0.8).toFixed(1)}" height="${h.toFixed(1)}" fill="${color}"/>`;
    body += `<text transform="translate(${(x + slot / 2).toFixed(1)} ${height - m.bottom + 12}) rotate(35)" font-family="sans-serif" font-size="10">${esc(label)}</text>`;
  });
  if (o.yLabel) body += `<text transform="translate(12 ${(m.top + height - m.bottom) / 2}) rotate(-90)" text-anchor="middle" font-family="sans-serif" font-size="11">${esc(o.yLabel)}</text>`;
  if (o.xLabel) body += `<text x="${(m.left + width - m.right) / 2}" y="${height - 4}" text-anchor="middle" font-family="sans-serif" font-size="11">${esc(o.xLabel)}</text>`;
  return frame(width, height, o.title, body);
}

/**
 * Escapes text for HTML/SVG.
 *
 * @example
 * ```ts
 * escapeHtml('<b>'); // '&lt;b&gt;'
 * ```
 */
export function escapeHtml(text: string): string {
  return esc(text);
}
