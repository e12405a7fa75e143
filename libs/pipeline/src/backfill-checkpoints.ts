import path from 'node:path';
import { CheckpointStore, parseHiveSegment, sealOfMeta, checkSeal, type SealProblem } from '@spyglass/storage';

/**
 * The checkpoint job of a raw dataset's backfill: the one place these names are made.
 *
 * @example
 * ```ts
 * backfillJob('stocks'); // 'backfill:stocks'
 * ```
 */
export const backfillJob = (dataset: 'stocks' | 'indices' | 'news' | 'options'): string => `backfill:${dataset}`;

const RAW_DATASETS = new Set(['stocks', 'indices', 'news', 'options']);

/**
 * Forgets the checkpoints of raw partitions that were deleted (by `purge`), so a resumed backfill
 * fetches those days again instead of skipping data that is gone. Returns how many it forgot.
 *
 * @example
 * ```ts
 * const s = await purge({ root: 'data', retentionDays: { raw: 365 }, dryRun: false });
 * await forgetPurgedCheckpoints('data', s.files.map((f) => f.path));
 * ```
 */
export async function forgetPurgedCheckpoints(root: string, files: readonly string[]): Promise<number> {
  const byUnit = new Map<string, { job: string; ticker: string; dates: string[] }>();
  for (const f of files) {
    const segs = path.relative(root, f).split(path.sep);
    if (segs[0] !== 'raw' || !RAW_DATASETS.has(segs[1] ?? '')) continue;
    const ticker = parseHiveSegment(segs[2] ?? '', 'ticker');
    const date = parseHiveSegment(segs[3] ?? '', 'date');
    if (ticker === undefined || date === undefined) continue;
    const job = backfillJob(segs[1] as 'stocks');
    const key = `${job}\u0000${ticker}`;
    const unit = byUnit.get(key) ?? { job, ticker, dates: [] };
    unit.dates.push(date);
    byUnit.set(key, unit);
  }
  const store = new CheckpointStore({ dir: path.join(root, 'checkpoints') });
  let forgotten = 0;
  for (const u of byUnit.values()) {
    for (const d of u.dates) if (await store.isComplete(u.job, u.ticker, d)) forgotten++;
    await store.remove(u.job, u.ticker, u.dates);
  }
  return forgotten;
}

/**
 * What {@link verifyCheckpoints} found.
 *
 * @example
 * ```ts
 * const r: CheckpointVerification = await verifyCheckpoints('data');
 * if (r.problems.length) process.exitCode = 1;
 * ```
 */
export interface CheckpointVerification {
  /** Checkpoints whose partition was checked against its seal. */
  readonly checked: number;
  /** Checkpoints written before seals (only the file's presence and footer can be checked). */
  readonly unsealed: number;
  readonly problems: ReadonlyArray<SealProblem & { readonly job: string; readonly ticker: string; readonly date: string }>;
}

/**
 * Checks every sealed checkpoint's partition against its seal and its Parquet footer (`spyglass
 * verify`): a missing, unreadable or changed file is a problem, with its path.
 *
 * @example
 * ```ts
 * for (const p of (await verifyCheckpoints('data')).problems) console.log(`${p.file}: ${p.kind} (${p.reason})`);
 * ```
 */
export async function verifyCheckpoints(root: string): Promise<CheckpointVerification> {
  const store = new CheckpointStore({ dir: path.join(root, 'checkpoints') });
  let checked = 0;
  let unsealed = 0;
  const problems: Array<CheckpointVerification['problems'][number]> = [];
  for (const e of await store.list()) {
    const seal = sealOfMeta(e.meta);
    if (!seal) {
      if (e.meta?.partition === undefined) unsealed++;
      continue;
    }
    checked++;
    const p = await checkSeal(root, seal);
    if (p) problems.push({ ...p, job: e.job, ticker: e.ticker, date: e.date });
  }
  return { checked, unsealed, problems };
}
