import { fmtMs } from './format-duration.js';
import type { HealthSnapshot, HealthStatus } from './health-snapshot.js';

const mark: Record<HealthStatus, string> = { ok: 'OK  ', warn: 'WARN', critical: 'CRIT' };

function iso(t: number | null | undefined): string {
  return t == null ? '-' : new Date(t).toISOString().replace('.000Z', 'Z');
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].map((l) => `  ${l}`);
}

/**
 * Renders a snapshot as the plain text `spyglass health` prints: overall status, every check, then
 * datasets, workers, quarantine, schema drift, top errors and hardware (sections with data only).
 * For `--json` print `JSON.stringify(snapshot, null, 2)`: the snapshot is plain JSON.
 *
 * @example
 * ```ts
 * process.stdout.write(renderHealthText(await buildHealthSnapshot({ datasets, quarantine })));
 * ```
 */
export function renderHealthText(snapshot: HealthSnapshot): string {
  const out: string[] = [];
  const market = snapshot.marketOpen === null ? '' : `  market ${snapshot.marketOpen ? 'open' : 'closed'}`;
  out.push(`spyglass health  ${iso(snapshot.at)}  status ${snapshot.status.toUpperCase()}${market}`);
  out.push('', 'Checks');
  if (snapshot.checks.length === 0) out.push('  (nothing to check: no sources configured)');
  for (const c of snapshot.checks) out.push(`  ${mark[c.status]}  ${c.name.padEnd(22)} ${c.message}`);

  if (snapshot.datasets.length) {
    out.push('', 'Datasets');
    out.push(
      ...table(
        ['dataset', 'last bar (UTC)', 'market lag', 'wall lag', 'status'],
        snapshot.datasets.map((d) => [d.dataset, iso(d.lastBarAt), d.marketLagMs == null ? '-' : fmtMs(d.marketLagMs), d.lagMs == null ? '-' : fmtMs(d.lagMs), d.status]),
      ),
    );
  }
  if (snapshot.workers.length) {
    out.push('', 'Workers');
    out.push(
      ...table(
        ['id', 'session', 'state', 'pid', 'heartbeat'],
        snapshot.workers.map((w) => [w.id, w.session, w.state, w.pid == null ? '-' : String(w.pid), w.lastHeartbeatAt == null ? '-' : `${fmtMs(snapshot.at - w.lastHeartbeatAt)} ago`]),
      ),
    );
  }
  if (snapshot.quarantine.length) {
    out.push('', 'Quarantine');
    out.push(...table(['dataset', 'records', 'files', 'last date'], snapshot.quarantine.map((q) => [q.dataset, String(q.records), q.files == null ? '-' : String(q.files), q.lastDate ?? '-'])));
  }
  if (snapshot.schemaDrift.length) {
    out.push('', 'Schema drift');
    out.push(...table(['dataset', 'state', 'changes'], snapshot.schemaDrift.map((s) => [s.dataset, s.state, (s.changes ?? []).join('; ') || '-'])));
  }
  const errorRows = snapshot.errors.flatMap((e) => e.types.slice(0, 5).map((t) => [e.session, t.type, String(t.count), t.ratePerMinute.toFixed(2), iso(t.lastSeen), t.samples.at(-1)?.message ?? '']));
  if (errorRows.length) {
    out.push('', 'Errors (top 5 per session)');
    out.push(...table(['session', 'type', 'count', '/min', 'last seen', 'last message'], errorRows));
  }
  if (snapshot.hardware) {
    const h = snapshot.hardware;
    out.push('', 'Hardware');
    out.push(`  cpu     ${h.cpu.usagePct.toFixed(1)} % of ${h.cpu.cores} cores, load ${h.cpu.loadAverage.map((l) => l.toFixed(2)).join(' ')}`);
    out.push(`  memory  ${h.memory.usedPct.toFixed(1)} % of ${gib(h.memory.totalBytes)}, process rss ${gib(h.memory.processRssBytes)}`);
    out.push(`  disk    ${h.disk.usedPct.toFixed(1)} % of ${gib(h.disk.totalBytes)} used, ${gib(h.disk.availableBytes)} free (${h.disk.path})`);
  }
  return `${out.join('\n')}\n`;
}

function gib(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
