import type { StreamerSummary } from '@spyglass/pipeline';

/**
 * The one line the daemon prints when it exits: per stream what was stored, de-duplicated,
 * quarantined and how it ended, so a supervisor's log shows the run at a glance.
 *
 * @example
 * ```ts
 * process.stdout.write(`${summaryLine(await streamer.stop())}\n`);
 * // streamer: 12.3 s; stream:stocks 390 stored, 0 duplicates, 0 quarantined, 0 reconnects, stopped by signal; …
 * ```
 */
export function summaryLine(summary: StreamerSummary): string {
  const parts = summary.streams.map((s) => {
    const end = s.state === 'failed' ? `FAILED ${s.error?.code ?? ''}`.trim() : s.stoppedBy ? `${s.state} by ${s.stoppedBy}` : s.state;
    return `${s.name} ${s.stored} stored, ${s.duplicates} duplicates, ${s.quarantined} quarantined, ${s.reconnects} reconnects, ${end}`;
  });
  return `streamer: ${summary.seconds.toFixed(1)} s; ${parts.join('; ')}`;
}
