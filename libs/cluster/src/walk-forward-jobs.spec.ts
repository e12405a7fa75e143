import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadFeatureTable, runWalkForward, type FeatureTable, type WalkForwardResult } from '@spyglass/ml';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { startRedis, type TestRedis } from './testing/redis-server.js';
import { IngestWorker } from './ingest-worker.js';
import { connectRedis } from './redis-connection.js';
import { FoldJobRunner, WALK_FORWARD_QUEUE, WalkForwardJobs } from './walk-forward-jobs.js';

const COLUMNS = ['signal_a', 'signal_b', 'noise_0', 'noise_1'];
const config = { mode: 'rolling' as const, trainMonths: 1, testMonths: 1, threshold: 0.6, purgeMinutes: 24 * 60 };
const trainer = { rounds: 25, learningRate: 0.3, nthread: 1 };

/**
 * A feature dataset with learnable structure (the label follows signal_a and signal_b through a
 * logistic link), written as processing writes it: one Parquet file per date under
 * processed/features. Weekdays from 2025-03-03, 4 tickers × 15 minutes a day.
 */
async function writeFeatureDataset(root: string, days: number): Promise<string[]> {
  let seed = 11;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const dates: string[] = [];
  for (let d = 0; dates.length < days; d++) {
    const t0 = Date.parse('2025-03-03T14:30:00Z') + d * 86_400_000;
    if ([0, 6].includes(new Date(t0).getUTCDay())) continue;
    const date = new Date(t0).toISOString().slice(0, 10);
    dates.push(date);
    const lines = [`ts,ticker,target,max_gain_120m,min_loss_120m,time_to_max_min,${COLUMNS.join(',')}`];
    for (let m = 0; m < 15; m++) {
      for (let k = 0; k < 4; k++) {
        const [a, b, n0, n1] = [gauss(), gauss(), gauss(), gauss()];
        const y = rand() < 1 / (1 + Math.exp(-(2.5 * a + 2 * b - 1))) ? 1 : 0;
        lines.push([t0 + m * 60_000, `O:SPY${date.replaceAll('-', '').slice(2)}C0059${k}000`, y, y ? 0.3 : 0.05, y ? -0.05 : -0.2, 30, a, b, n0, n1].join(','));
      }
    }
    const dir = path.join(root, 'processed', 'features', `date=${date}`);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'part.csv'), lines.join('\n'));
    await con.run(`COPY (SELECT epoch_ms(ts::BIGINT) AS "timestamp", * EXCLUDE (ts) FROM read_csv('${path.join(dir, 'part.csv')}')) TO '${path.join(dir, 'part-0.parquet')}' (FORMAT parquet)`);
    await rm(path.join(dir, 'part.csv'));
  }
  con.closeSync();
  return dates;
}

describe('walk-forward folds as BullMQ jobs (real redis-server)', () => {
  let redis: TestRedis;
  let client: Redis;
  let root: string;
  let table: FeatureTable;
  let embedded: WalkForwardResult;
  const embeddedProbabilities: Float32Array[] = [];
  const ingestion = (dataRoot: string) => ({ dataRoot, apiKey: 'unused', restBaseUrl: 'http://127.0.0.1:9', dedupCapacity: 1_000, extendedHours: false,
    options: { mode: 'test' as const, params: {}, concurrency: 1 } });
  const connections: Redis[] = [];
  // Training on the job's thread: jest's module loader does not serve the training worker thread.
  const startWorkers = (n: number, namespace: string, dataRoot: string) =>
    Promise.all(Array.from({ length: n }, async () => {
      const redisConn = await connectRedis(redis.url);
      connections.push(redisConn);
      return IngestWorker.start({ redis: redisConn, namespace, concurrency: 1, rateLimit: null, ingestion: ingestion(dataRoot), walkForward: { inWorker: false } });
    }));

  beforeAll(async () => {
    redis = await startRedis();
    client = await connectRedis(redis.url);
    root = await mkdtemp(path.join(tmpdir(), 'spyglass-wf-jobs-'));
    await writeFeatureDataset(root, 100); // ~4.7 months: 3 rolling one-month folds
    table = await loadFeatureTable({ root, columns: COLUMNS });
    embedded = await runWalkForward(table, { inWorker: false, config, trainer, onTestPredictions: (_s, _t, p) => void embeddedProbabilities.push(p) });
    expect(embedded.splits.filter((s) => s.status === 'OK').length).toBeGreaterThanOrEqual(3);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([client, ...connections].map((c) => c.quit()));
    await redis.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('the folds run on two workers; splits, summary and every test probability equal the embedded run', async () => {
    const workers = await startWorkers(2, 'wf', root);
    const jobs = new WalkForwardJobs({ redis: client, namespace: 'wf', pollMs: 50 });
    const probabilities: Float32Array[] = [];
    const ran = workers.map(() => 0);
    workers.forEach((w, i) => w.foldWorker!.on('completed', () => void ran[i]!++));
    try {
      const queued = await runWalkForward(table, {
        inWorker: false, config, trainer,
        folds: jobs.runner(table, { columns: COLUMNS }),
        onTestPredictions: (_s, _t, p) => void probabilities.push(p),
      });
      expect(queued).toEqual(embedded);
      expect(probabilities).toEqual(embeddedProbabilities);
      // Every fold ran as a job, both workers took folds, and the results were cleaned up. A worker
      // stores its fold's result before BullMQ marks the job completed, so the runner can return
      // before the last 'completed' event: wait for it (a CI clone saw 2 of 3).
      const until = Date.now() + 10_000;
      while (ran.reduce((a, b) => a + b, 0) < embedded.splits.length && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(ran.reduce((a, b) => a + b, 0)).toBe(embedded.splits.length);
      expect(ran.every((n) => n > 0)).toBe(true);
      expect(await client.keys('wf:walk-forward:*')).toEqual([]);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await jobs.close();
    }
  }, 180_000);

  it('a worker whose data differs from the enqueuer\'s refuses the fold at once (digest), and the run fails naming it', async () => {
    const other = await mkdtemp(path.join(tmpdir(), 'spyglass-wf-other-'));
    await cp(path.join(root, 'processed'), path.join(other, 'processed'), { recursive: true });
    const last = table.date.at(-1)!;
    await rm(path.join(other, 'processed', 'features', `date=${last}`), { recursive: true });
    const [worker] = await startWorkers(1, 'wfbad', other);
    const jobs = new WalkForwardJobs({ redis: client, namespace: 'wfbad', pollMs: 50 });
    try {
      await expect(runWalkForward(table, { inWorker: false, config, trainer, folds: jobs.runner(table, { columns: COLUMNS }) })).rejects.toMatchObject({
        code: 'RETRIES_EXHAUSTED',
        message: expect.stringMatching(/walk-forward fold 0 .*differs from the enqueuer's/),
      });
    } finally {
      await worker!.stop();
      await jobs.close();
      await rm(other, { recursive: true, force: true });
    }
  }, 120_000);

  /** Waits until the namespace's walk-forward queue holds `n` waiting jobs (the run has enqueued). */
  const waitForWaiting = async (jobs: WalkForwardJobs, n: number) => {
    for (let i = 0; i < 400 && (await jobs.queue.getWaitingCount()) < n; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await jobs.queue.getWaitingCount()).toBe(n);
  };
  /** Starts a good worker after the run was given up: it must train none of the run's folds. */
  const laterWorkerTrains = async (namespace: string) => {
    const [later] = await startWorkers(1, namespace, root);
    let trained = 0;
    later!.foldWorker!.on('completed', (_job, r: { status: string }) => void (r.status !== 'ABORTED' && trained++));
    // The worker's first poll of the queue is immediate; give it time to take anything left.
    await new Promise((r) => setTimeout(r, 1_500));
    await later!.stop();
    return trained;
  };

  it.each([
    ['its abort signal', 'wfabort'],
    ['a fold that failed for good', 'wffail'],
  ])('a run given up by %s removes its waiting folds: a later worker trains none, no results remain', async (_case, namespace) => {
    const jobs = new WalkForwardJobs({ redis: client, namespace, pollMs: 50 });
    const stop = new AbortController();
    const run = runWalkForward(table, { inWorker: false, config, trainer, folds: jobs.runner(table, { columns: COLUMNS }, stop.signal) });
    const folds = embedded.splits.length;
    await waitForWaiting(jobs, folds);
    if (namespace === 'wfabort') {
      stop.abort('SIGTERM');
      await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    } else {
      // A worker takes the first fold and fails it for good (BullMQ's own calls, as a crashed run would).
      const failing = new Worker(WALK_FORWARD_QUEUE, null, { connection: client, prefix: `${namespace}:bull` });
      try {
        const job = (await failing.getNextJob('failing-token'))!;
        await job.moveToFailed(new UnrecoverableError('out of memory'), 'failing-token', false);
        await expect(run).rejects.toMatchObject({ code: 'RETRIES_EXHAUSTED', message: expect.stringMatching(/fold 0 .*out of memory/) });
      } finally {
        await failing.close();
      }
    }
    try {
      expect(await jobs.queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active')).toEqual({ waiting: 0, delayed: 0, prioritized: 0, active: 0 });
      expect(await laterWorkerTrains(namespace)).toBe(0);
      expect(await client.keys(`${namespace}:walk-forward:*`)).toEqual([]);
    } finally {
      await jobs.close();
    }
  }, 60_000);

  it('a fold that is already running when its run is given up stores no result', async () => {
    const namespace = 'wfactive';
    const jobs = new WalkForwardJobs({ redis: client, namespace, pollMs: 50 });
    const stop = new AbortController();
    const run = runWalkForward(table, { inWorker: false, config, trainer, folds: jobs.runner(table, { columns: COLUMNS }, stop.signal) });
    await waitForWaiting(jobs, embedded.splits.length);
    // The worker holds fold 0 (locked, so the abort cannot remove it) and finishes it after the abort.
    const holder = new Worker(WALK_FORWARD_QUEUE, null, { connection: client, prefix: `${namespace}:bull` });
    try {
      const job = (await holder.getNextJob('holder-token'))!;
      stop.abort('SIGTERM');
      await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
      expect(await jobs.queue.getJobCounts('waiting', 'active')).toEqual({ waiting: 0, active: 1 });
      // The fold's own runner, as a worker runs it, now that the run is marked aborted.
      const result = await new FoldJobRunner({ redis: client, namespace, location: { dataRoot: root }, inWorker: false }).run(job.data);
      expect(result).toEqual({ index: 0, status: 'ABORTED' });
      expect(await client.keys(`${namespace}:walk-forward:*`)).toEqual([]);
    } finally {
      await holder.close();
      await jobs.close();
    }
  }, 60_000);
});
