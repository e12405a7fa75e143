import { statfs } from 'node:fs/promises';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { SpyglassError, systemClock, type Clock } from '@spyglass/core';

/**
 * CPU, memory and disk of this host and process at one instant.
 *
 * @example
 * ```ts
 * const { cpu, memory, disk }: HardwareSample = await hw.sample();
 * ```
 */
export interface HardwareSample {
  readonly at: number;
  readonly cpu: {
    readonly cores: number;
    /** 1, 5 and 15 minute load averages (0 on platforms without them). */
    readonly loadAverage: readonly [number, number, number];
    /** Busy share of all cores since the previous sample (since boot for the first), 0–100. */
    readonly usagePct: number;
    /** This process's CPU time since the previous sample as a share of one core, 0–100×cores. */
    readonly processPct: number;
  };
  readonly memory: {
    readonly totalBytes: number;
    readonly freeBytes: number;
    readonly usedPct: number;
    readonly processRssBytes: number;
    readonly heapUsedBytes: number;
  };
  readonly disk: {
    /** The path measured: the data root, or its nearest existing ancestor before the first write. */
    readonly path: string;
    readonly totalBytes: number;
    readonly usedBytes: number;
    /** Bytes an unprivileged process may still write. */
    readonly availableBytes: number;
    /** Used share of the space usable by unprivileged processes, as `df` reports `Use%`. */
    readonly usedPct: number;
  };
}

/**
 * Resource use of one tracked function call.
 *
 * @example
 * ```ts
 * const { usage }: { usage: ResourceUsage } = await hw.track('train', () => fit());
 * ```
 */
export interface ResourceUsage {
  readonly label: string;
  readonly wallMs: number;
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  readonly rssDeltaBytes: number;
  readonly heapDeltaBytes: number;
}

/**
 * Options of {@link HardwareMonitor}.
 *
 * @example
 * ```ts
 * const opts: HardwareMonitorOptions = { dataRoot: 'data' };
 * ```
 */
export interface HardwareMonitorOptions {
  /** The data root whose file system is measured. */
  readonly dataRoot: string;
  readonly clock?: Clock;
}

interface CpuTimes {
  busy: number;
  total: number;
}

function cpuTimes(): CpuTimes {
  let busy = 0;
  let total = 0;
  for (const c of cpus()) {
    const { user, nice, sys, irq, idle } = c.times;
    busy += user + nice + sys + irq;
    total += user + nice + sys + irq + idle;
  }
  return { busy, total };
}

/**
 * Samples CPU, memory and the disk holding the data root (through `fs.statfs`), and measures what a
 * function costs, the successor of the original's `HardwareMonitor` and its decorator.
 *
 * @example
 * ```ts
 * const hw = new HardwareMonitor({ dataRoot: 'data' });
 * const s = await hw.sample();
 * console.log(`cpu ${s.cpu.usagePct.toFixed(0)}% disk ${s.disk.usedPct.toFixed(0)}% of ${s.disk.path}`);
 * const { result, usage } = await hw.track('consolidate', () => consolidate(day));
 * ```
 */
export class HardwareMonitor {
  private readonly dataRoot: string;
  private readonly clock: Clock;
  private lastCpu: CpuTimes | null = null;
  private lastProcess: { at: number; usage: NodeJS.CpuUsage } | null = null;

  constructor(options: HardwareMonitorOptions) {
    this.dataRoot = resolve(options.dataRoot);
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Takes one sample. Throws `STORAGE` when the data root's file system cannot be read.
   *
   * @example
   * ```ts
   * const { memory } = await new HardwareMonitor({ dataRoot: '/data' }).sample();
   * ```
   */
  async sample(): Promise<HardwareSample> {
    const at = this.clock.now();
    const nowCpu = cpuTimes();
    const prev = this.lastCpu ?? { busy: 0, total: 0 };
    const dTotal = nowCpu.total - prev.total;
    const usagePct = dTotal > 0 ? (100 * (nowCpu.busy - prev.busy)) / dTotal : 0;
    this.lastCpu = nowCpu;

    const procUsage = process.cpuUsage();
    let processPct = 0;
    if (this.lastProcess && at > this.lastProcess.at) {
      const d = process.cpuUsage(this.lastProcess.usage);
      processPct = ((d.user + d.system) / 1000 / (at - this.lastProcess.at)) * 100;
    }
    this.lastProcess = { at, usage: procUsage };

    const total = totalmem();
    const free = freemem();
    const mem = process.memoryUsage();
    const la = loadavg();
    return {
      at,
      cpu: { cores: cpus().length, loadAverage: [la[0] ?? 0, la[1] ?? 0, la[2] ?? 0], usagePct, processPct },
      memory: { totalBytes: total, freeBytes: free, usedPct: (100 * (total - free)) / total, processRssBytes: mem.rss, heapUsedBytes: mem.heapUsed },
      disk: await this.disk(),
    };
  }

  /**
   * Runs `fn` and reports its wall time, CPU time and memory growth (the original's decorator).
   *
   * @example
   * ```ts
   * const { usage } = await hw.track('train', () => trainer.fit(rows));
   * log.info(usage, `train used ${usage.cpuUserMs} ms CPU`);
   * ```
   */
  async track<T>(label: string, fn: () => T | Promise<T>): Promise<{ result: T; usage: ResourceUsage }> {
    const before = process.memoryUsage();
    const cpu = process.cpuUsage();
    const started = this.clock.now();
    const result = await fn();
    const d = process.cpuUsage(cpu);
    const after = process.memoryUsage();
    return {
      result,
      usage: {
        label,
        wallMs: this.clock.now() - started,
        cpuUserMs: d.user / 1000,
        cpuSystemMs: d.system / 1000,
        rssDeltaBytes: after.rss - before.rss,
        heapDeltaBytes: after.heapUsed - before.heapUsed,
      },
    };
  }

  private async disk(): Promise<HardwareSample['disk']> {
    // Before the first run the data root may not exist yet; its parent's file system is the one it will use.
    let path = this.dataRoot;
    for (;;) {
      try {
        const s = await statfs(path);
        const totalBytes = s.blocks * s.bsize;
        const availableBytes = s.bavail * s.bsize;
        const usedBytes = totalBytes - s.bfree * s.bsize;
        // Like df: blocks reserved for root count as neither used nor available.
        const usable = usedBytes + availableBytes;
        return { path, totalBytes, usedBytes, availableBytes, usedPct: usable > 0 ? (100 * usedBytes) / usable : 0 };
      } catch (e) {
        const parent = dirname(path);
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' && parent !== path) {
          path = parent;
          continue;
        }
        throw new SpyglassError('STORAGE', `HardwareMonitor: cannot stat the file system of ${this.dataRoot} (at ${path})`, {
          cause: e,
          details: { dataRoot: this.dataRoot, path },
        });
      }
    }
  }
}
