/**
 * Accumulates wall time per named step of a run, so a summary can say where the seconds went
 * (reading Parquet, the IV solve, window functions, writing) without a profiler.
 */
export class StepTimer {
  private readonly totals: Record<string, number> = {};
  private last = performance.now();

  /** Charges the time since the previous mark to `step`. */
  mark(step: string): void {
    const now = performance.now();
    this.totals[step] = (this.totals[step] ?? 0) + (now - this.last) / 1000;
    this.last = now;
  }

  /** Seconds per step, rounded to milliseconds. */
  seconds(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.totals).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
  }
}
