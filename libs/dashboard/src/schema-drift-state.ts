import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dataRootLayout, SpyglassError } from '@spyglass/core';
import type { SchemaDriftState } from '@spyglass/monitoring';
import { SchemaDriftMonitor } from '@spyglass/storage';

interface DriftEvent {
  at: number;
  dataset: string;
  kind: string;
  column: string;
  expected?: string;
  actual?: string;
}

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SpyglassError('STORAGE', `cannot read ${file}`, { cause: e, details: { file } });
  }
}

function describe(e: DriftEvent): string {
  if (e.kind === 'type_change') return `${e.column}: ${e.expected ?? '?'} -> ${e.actual ?? '?'}`;
  if (e.kind === 'new_column') return `new column ${e.column}${e.actual ? ` (${e.actual})` : ''}`;
  if (e.kind === 'missing_column') return `missing column ${e.column}`;
  return `${e.kind} ${e.column}`;
}

/**
 * The schema-drift state of every dataset, read-only: the baselines storage's `SchemaDriftMonitor`
 * keeps under `<root>/schema_baselines/` and the drift events its checks append to
 * `<root>/schema_drift/events.jsonl`. A dataset with events newer than its baseline has drifted;
 * one with a baseline and no newer event is ok; `datasets` named without a baseline are
 * `no_baseline`. Running a check is the pipeline's job: a dashboard GET must not create baselines
 * or append events.
 *
 * @example
 * ```ts
 * const states = await readSchemaDriftState('data', ['raw/stocks', 'raw/options']);
 * // [{ dataset: 'raw/options', state: 'drift', changes: ['new column vwap (float64)'] }, …]
 * ```
 */
export async function readSchemaDriftState(root: string, datasets: readonly string[] = []): Promise<SchemaDriftState[]> {
  const monitor = new SchemaDriftMonitor({ root });
  const baselineDir = dataRootLayout(root).schemaBaselines;
  let files: string[] = [];
  try {
    files = (await readdir(baselineDir)).filter((f) => f.endsWith('.json')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new SpyglassError('STORAGE', `cannot list ${baselineDir}`, { cause: e, details: { dir: baselineDir } });
  }
  const since = new Map<string, { at: number; inclusive: boolean }>();
  for (const f of files) {
    const dataset = f.slice(0, -'.json'.length).replace('__', '/');
    // Read through the monitor so path conventions and corrupt-file errors stay storage's.
    const baseline = await monitor.baseline(join(root, ...dataset.split('/')));
    // A fresh baseline counts events of the check that created it; an updated one (auto-update
    // adopts the drifted schema right after logging it) only later events.
    if (baseline) since.set(baseline.dataset, { at: baseline.updatedAt, inclusive: baseline.updatedAt === baseline.createdAt });
  }
  const events: DriftEvent[] = [];
  const text = await readText(dataRootLayout(root).schemaDriftEvents);
  for (const line of (text ?? '').split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as DriftEvent);
    } catch {
      // A torn last line from a crash mid-append: the complete events still count.
    }
  }
  const names = [...new Set([...since.keys(), ...datasets])].sort();
  return names.map((dataset): SchemaDriftState => {
    const from = since.get(dataset);
    if (from === undefined) return { dataset, state: 'no_baseline' };
    const newer = events.filter((e) => e.dataset === dataset && (from.inclusive ? e.at >= from.at : e.at > from.at));
    const changes = [...new Set(newer.map(describe))];
    return changes.length ? { dataset, state: 'drift', changes } : { dataset, state: 'ok' };
  });
}
