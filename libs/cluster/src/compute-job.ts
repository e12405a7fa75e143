import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { consolidate, generateFeatures, newsInputDates, type ProcessingOptions } from '@spyglass/processing';
import { ObjectStoreDataset, rawDatasetSpecs, type ObjectStore } from '@spyglass/storage';

/** Name of the BullMQ queue of per-date compute jobs (consolidation, features). */
export const COMPUTE_QUEUE = 'compute';

/**
 * One per-date compute step, run after that date's ingest jobs (a BullMQ flow: features is the
 * parent of consolidation, consolidation the parent of the date's ingest jobs).
 *
 * @example
 * ```ts
 * const job: ComputeJob = { step: 'consolidate', date: '2025-03-04' };
 * ```
 */
export interface ComputeJob {
  readonly step: 'consolidate' | 'features';
  readonly date: string;
}

/**
 * The job id of a compute step (`compute/<step>/<date>`): one live job per step and date.
 *
 * @example
 * ```ts
 * computeJobId({ step: 'features', date: '2025-03-04' }); // 'compute/features/2025-03-04'
 * ```
 */
export function computeJobId(job: ComputeJob): string {
  return `compute/${job.step}/${job.date}`;
}

/** Where a compute step reads and writes: a data root shared by the workers, or the object store staged to local disk. */
export interface ComputeTarget {
  readonly dataRoot: string;
  readonly store?: ObjectStore;
  /** Scratch space of this machine for staged partitions (default `<dataRoot>/.cache/compute`). */
  readonly cacheDir?: string;
  readonly processing?: Partial<Pick<ProcessingOptions, 'consolidate' | 'features'>>;
}

/**
 * Runs one compute step. Without an object store it runs on the shared data root. With one, the
 * date's raw partitions (and, for features, its processed ones) are staged into a directory of
 * this job only (DuckDB has no httpfs offline), the step runs there, and every processed file of
 * the date is uploaded with one PUT each; a re-run rewrites the same objects (idempotent).
 *
 * @example
 * ```ts
 * await runComputeJob({ step: 'consolidate', date: '2025-03-04' }, { dataRoot: 'data', store });
 * ```
 */
export async function runComputeJob(job: ComputeJob, target: ComputeTarget): Promise<{ readonly rows: number; readonly uploaded: number }> {
  const step = (root: string) =>
    job.step === 'consolidate'
      ? consolidate({ root, dates: [job.date], ...target.processing?.consolidate }).then((s) => s.rowsByDate[job.date] ?? 0)
      : generateFeatures({ root, dates: [job.date], ...target.processing?.features }).then((s) => s.rowsByDate[job.date] ?? 0);
  const store = target.store;
  if (!store) return { rows: await step(target.dataRoot), uploaded: 0 };
  const scratch = target.cacheDir ?? path.join(target.dataRoot, '.cache', 'compute');
  await mkdir(scratch, { recursive: true });
  const dir = await mkdtemp(path.join(scratch, `${job.step}-${job.date}-`));
  try {
    // The inputs the step reads: the date's raw partitions, and news of the lookback's earlier dates.
    const lookback = (job.step === 'consolidate' ? target.processing?.consolidate : target.processing?.features)?.newsLookbackMinutes ?? 60;
    const newsFrom = [...newsInputDates([job.date], lookback)].sort()[0]!;
    for (const spec of Object.values(rawDatasetSpecs)) {
      await new ObjectStoreDataset({ store, spec, cacheDir: dir }).stage({ from: spec === rawDatasetSpecs.news ? newsFrom : job.date, to: job.date });
    }
    const ofDate = (key: string) => key.split('/').includes(`date=${job.date}`);
    if (job.step === 'features') {
      for (const o of (await store.list('processed/')).filter((o) => ofDate(o.key))) {
        const body = await store.get(o.key);
        if (!body) continue;
        await mkdir(path.dirname(path.join(dir, o.key)), { recursive: true });
        await writeFile(path.join(dir, o.key), body);
      }
    }
    const rows = await step(dir);
    let uploaded = 0;
    for (const file of await filesUnder(path.join(dir, 'processed'))) {
      const key = path.relative(dir, file).split(path.sep).join('/');
      if (!ofDate(key) || !key.endsWith('.parquet')) continue;
      await store.put(key, new Uint8Array(await readFile(file)));
      uploaded++;
    }
    return { rows, uploaded };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}
