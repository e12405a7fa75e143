import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dataRootLayout, SpyglassError } from '@spyglass/core';

/**
 * Quarantined records of one dataset, read from `<root>/quarantine/<dataset>/date=<D>/*.jsonl`.
 *
 * @example
 * ```ts
 * const [first]: QuarantineDatasetSummary[] = await summarizeQuarantineDir('data'); // { dataset: 'options', records: 1, byCode: { BAD_TICKER: 1 }, … }
 * ```
 */
export interface QuarantineDatasetSummary {
  readonly dataset: string;
  readonly records: number;
  readonly files: number;
  /** Latest partition date (`YYYY-MM-DD`, or `unknown` for records without a timestamp). */
  readonly lastDate: string | null;
  readonly byDate: ReadonlyArray<{ readonly date: string; readonly records: number }>;
  /** Records per issue code (a record with two codes counts once under each). */
  readonly byCode: Readonly<Record<string, number>>;
  /** Lines that were not JSON (a torn write or a foreign file); counted, never fatal. */
  readonly unreadableLines: number;
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SpyglassError('STORAGE', `cannot list quarantine directory ${dir}`, { cause: e, details: { dir } });
  }
}

/**
 * Counts quarantined records per dataset, date and issue code. The line format is processing's
 * `QuarantineEntry` (`{ dataset, date, quarantinedAt, issues: [{ code, path, message }], record }`);
 * only `issues[].code` is read, so the dashboard does not depend on processing.
 *
 * @example
 * ```ts
 * for (const q of await summarizeQuarantineDir('data')) console.log(q.dataset, q.records, q.byCode);
 * ```
 */
export async function summarizeQuarantineDir(root: string): Promise<QuarantineDatasetSummary[]> {
  const base = dataRootLayout(root).quarantine;
  const out: QuarantineDatasetSummary[] = [];
  for (const dataset of await list(base)) {
    let records = 0;
    let files = 0;
    let unreadableLines = 0;
    const byDate: Array<{ date: string; records: number }> = [];
    const byCode: Record<string, number> = {};
    for (const seg of (await list(join(base, dataset))).filter((d) => d.startsWith('date='))) {
      let n = 0;
      for (const f of (await list(join(base, dataset, seg))).filter((x) => x.endsWith('.jsonl') && !x.startsWith('.'))) {
        files++;
        const text = await readFile(join(base, dataset, seg, f), 'utf8');
        for (const line of text.split('\n')) {
          if (line.trim() === '') continue;
          let entry: { issues?: Array<{ code?: unknown }> };
          try {
            entry = JSON.parse(line) as typeof entry;
          } catch {
            unreadableLines++;
            continue;
          }
          n++;
          const codes = new Set((entry.issues ?? []).map((i) => (typeof i?.code === 'string' ? i.code : 'UNKNOWN')));
          for (const code of codes) byCode[code] = (byCode[code] ?? 0) + 1;
        }
      }
      records += n;
      byDate.push({ date: seg.slice('date='.length), records: n });
    }
    const dated = byDate.map((d) => d.date).filter((d) => d !== 'unknown');
    out.push({ dataset, records, files, lastDate: dated.at(-1) ?? (byDate.length ? 'unknown' : null), byDate, byCode, unreadableLines });
  }
  return out;
}
