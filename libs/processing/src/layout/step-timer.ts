/**
 * Accumulates wall time per named step of a run, so a summary can say where the seconds went
 * (reading Parquet, the IV solve, window functions, writing) without a profiler.
 */
export class StepTimer {
  private readonly totals: Record<string, number> = {};
  private readonly cpuTotals: Record<string, number> = {};
  private last = performance.now();
  private lastCpu = process.cpuUsage();

  /** Charges the time since the previous mark to `step`. */
  mark(step: string): void {
    const now = performance.now();
    const cpu = process.cpuUsage(this.lastCpu);
    this.totals[step] = (this.totals[step] ?? 0) + (now - this.last) / 1000;
    this.cpuTotals[step] = (this.cpuTotals[step] ?? 0) + (cpu.user + cpu.system) / 1e6;
    this.last = now;
    this.lastCpu = process.cpuUsage();
  }

  /** CPU seconds (user + system, all threads including DuckDB's) per step. */
  cpuSeconds(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.cpuTotals).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
  }

  /** Seconds per step, rounded to milliseconds. */
  seconds(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.totals).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
  }
}
