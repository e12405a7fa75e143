/** What a long-running job reports after each unit of work. */
export interface ProgressUpdate {
  readonly done: number;
  readonly total: number;
  readonly bars: number;
  readonly label?: string;
}

/**
 * A one-line progress bar with ETA and bars/s, drawn only when the stream is a TTY (so logs and
 * `--json` output stay clean when piped).
 *
 * @example
 * ```ts
 * const bar = new ProgressBar(process.stderr, 'backfill SPY');
 * bar.update({ done: 2, total: 5, bars: 780 });
 * bar.finish();
 * ```
 */
export class ProgressBar {
  private readonly started = Date.now();
  private lastDraw = 0;
  private readonly enabled: boolean;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly title: string,
    private readonly now: () => number = Date.now,
  ) {
    this.enabled = Boolean(stream.isTTY);
  }

  update(p: ProgressUpdate): void {
    if (!this.enabled) return;
    const t = this.now();
    if (t - this.lastDraw < 100 && p.done < p.total) return;
    this.lastDraw = t;
    this.stream.write(`\r${renderProgress(this.title, p, t - this.started)}\x1b[K`);
  }

  finish(): void {
    if (this.enabled) this.stream.write('\n');
  }
}

/**
 * Renders one progress line; pure so it can be tested.
 *
 * @example
 * ```ts
 * renderProgress('backfill', { done: 1, total: 4, bars: 390 }, 2000);
 * // 'backfill [######------------------] 25% 1/4  390 bars  195 bars/s  ETA 6s'
 * ```
 */
export function renderProgress(title: string, p: ProgressUpdate, elapsedMs: number): string {
  const width = 24;
  const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const filled = Math.round(frac * width);
  const rate = elapsedMs > 0 ? (p.bars * 1000) / elapsedMs : 0;
  const etaMs = p.done > 0 ? (elapsedMs / p.done) * (p.total - p.done) : NaN;
  const eta = Number.isFinite(etaMs) ? formatDuration(etaMs) : '?';
  const label = p.label ? ` ${p.label}` : '';
  return `${title} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.round(frac * 100)}% ${p.done}/${p.total}${label}  ${p.bars.toLocaleString('en-US')} bars  ${Math.round(rate).toLocaleString('en-US')} bars/s  ETA ${eta}`;
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
