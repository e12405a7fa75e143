import { SpyglassError } from '@spyglass/core';
import { syntheticTable } from '../__test-support__/synthetic-table.js';
import { Booster } from './booster.js';
import { DMatrix } from './dmatrix.js';
import { trainBooster, type TrainData, type TrainProgress } from './train-booster.js';
import { sharedMatrix, trainInWorker, withoutTsxLoader } from './train-in-worker.js';

function data(): TrainData {
  const train = syntheticTable({ days: 12, seed: 11 });
  const valid = syntheticTable({ days: 4, seed: 12, firstDay: '2025-04-01' });
  const cols = train.columns.length;
  return {
    train: { data: train.data, rows: train.rows, cols, label: train.label },
    valid: { data: valid.data, rows: valid.rows, cols, label: valid.label },
  };
}

const params = { objective: 'binary:logistic', eval_metric: 'logloss', max_depth: 6, eta: 0.8, nthread: 1, seed: 1 };

describe('trainBooster', () => {
  it('stops early when validation logloss stops improving and keeps the best iteration only', () => {
    const d = data();
    const result = trainBooster(d, { params, rounds: 200, earlyStoppingRounds: 5 });
    expect(result.stoppedEarly).toBe(true);
    expect(result.iterationsRun).toBe(result.bestIteration + 6);
    expect(result.metric).toBe('logloss');
    const losses = result.history.map((h) => h.valid!.logloss!);
    expect(Math.min(...losses)).toBe(result.bestScore);
    using booster = Booster.fromJson(result.model);
    expect(booster.boostedRounds).toBe(result.bestIteration + 1);
  });

  it.each<[{ rounds: number; earlyStoppingRounds?: number; noValid?: boolean }, RegExp]>([
    [{ rounds: 0 }, /rounds must be a positive integer/],
    [{ rounds: 5, earlyStoppingRounds: 2, noValid: true }, /needs a validation set/],
  ])('rejects %j', (opts, message) => {
    const d = data();
    const input = opts.noValid ? { train: d.train } : d;
    expect(() => trainBooster(input, { params, rounds: opts.rounds, earlyStoppingRounds: opts.earlyStoppingRounds })).toThrow(message);
  });
});

describe('trainInWorker', () => {
  it('reports every iteration and returns the same model as training in-thread', async () => {
    const d = data();
    const progress: TrainProgress[] = [];
    const inWorker = await trainInWorker(d, { params, rounds: 12, earlyStoppingRounds: 50, featureNames: ['a', 'b', 'c', 'd', 'e'], onProgress: (p) => progress.push(p) });
    expect(progress.map((p) => p.iteration)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(progress[0]!.metrics.valid!.logloss).toBeGreaterThan(0);
    const inThread = trainBooster(d, { params, rounds: 12, earlyStoppingRounds: 50, featureNames: ['a', 'b', 'c', 'd', 'e'] });
    using a = Booster.fromJson(inWorker.model);
    using b = Booster.fromJson(inThread.model);
    using dm = DMatrix.fromDense(d.valid!);
    expect(a.predict(dm)).toEqual(b.predict(dm));
    expect(a.featureNames).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  // The worker receives the matrices over SharedArrayBuffers: the model must be the very bytes an
  // in-thread run writes, and the caller's arrays must come back neither detached nor changed.
  it.each<[string, (d: TrainData) => TrainData, Record<string, unknown>]>([
    ['caller arrays (copied once into shared memory)', (d) => d, {}],
    ['already-shared arrays (no copy)', (d) => ({ train: sharedMatrix(d.train), valid: sharedMatrix(d.valid!) }), {}],
    ['weights as Float64Array, two threads', (d) => ({ ...d, train: { ...d.train, weight: Float64Array.from({ length: d.train.rows }, (_, i) => 1 + (i % 3) / 4) } }), { nthread: 2 }],
  ])('trains a byte-identical model from %s and leaves them intact', async (_name, make, extra) => {
    const d = make(data());
    const before = [d.train.data, d.train.label, d.train.weight, d.valid!.data, d.valid!.label].map((a) => (a ? Array.from(a) : undefined));
    const buffers = [d.train.data.buffer, d.valid!.data.buffer];
    const opts = { params: { ...params, ...extra }, rounds: 15, earlyStoppingRounds: 50, featureNames: ['a', 'b', 'c', 'd', 'e'] };
    const inWorker = await trainInWorker(d, opts);
    const inThread = trainBooster(d, opts);
    expect(inWorker.model.byteLength).toBeGreaterThan(1000);
    expect(Buffer.from(inWorker.model).equals(Buffer.from(inThread.model))).toBe(true);
    expect(inWorker.history).toEqual(inThread.history);
    expect([d.train.data.buffer, d.valid!.data.buffer]).toEqual(buffers);
    expect(d.train.data.byteLength).toBe(d.train.rows * d.train.cols * 4);
    expect([d.train.data, d.train.label, d.train.weight, d.valid!.data, d.valid!.label].map((a) => (a ? Array.from(a) : undefined))).toEqual(before);
  });

  it('rejects with a typed error from the worker', async () => {
    const d = data();
    await expect(trainInWorker(d, { params: { ...params, objective: 'no:such' }, rounds: 3 })).rejects.toMatchObject({
      code: 'XGBOOST',
      message: expect.stringMatching(/no:such|objective/i),
    });
  });

  it('aborts through an AbortSignal', async () => {
    const controller = new AbortController();
    const d = data();
    const run = trainInWorker(d, { params, rounds: 100000, signal: controller.signal, onProgress: (p) => p.iteration === 2 && controller.abort() });
    await expect(run).rejects.toBeInstanceOf(SpyglassError);
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it.each<[string, () => ArrayLike<number>, boolean]>([
    ['a plain Float32Array is copied', () => new Float32Array([1.5, Number.NaN, -2]), false],
    ['a Uint8Array label becomes Float32', () => new Uint8Array([0, 1, 1]), false],
    ['a number[] becomes Float32', () => [0.1, 0.2, 0.3], false],
    ['a shared Float32Array is kept', () => { const a = new Float32Array(new SharedArrayBuffer(12)); a.set([3, 4, 5]); return a; }, true],
  ])('sharedMatrix: %s', (_name, make, same) => {
    const values = make();
    const m = sharedMatrix({ data: Float32Array.from(values), rows: 1, cols: 3, label: values, weight: values });
    for (const out of [m.label!, m.weight!]) {
      expect(out).toBeInstanceOf(Float32Array);
      expect((out as Float32Array).buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(Array.from(out)).toEqual(Array.from(Float32Array.from(values)));
      expect(out === values).toBe(same);
    }
    expect(m.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(values)).toEqual(Array.from(make()));
  });

  it.each([
    [['--import', 'tsx', '--max-old-space-size=4096'], ['--max-old-space-size=4096']],
    [['--import=tsx'], []],
    [['--loader', '/repo/node_modules/tsx/dist/loader.mjs', '--cpu-prof'], ['--cpu-prof']],
    [['-r', 'tsx/cjs', '--import', 'other-hook'], ['--import', 'other-hook']],
    [['--import', 'tsxlike'], ['--import', 'tsxlike']],
    [['--expose-gc', '--import', 'tsx', '--expose_gc'], []],
  ])('drops the tsx loader from the worker flags %j', (argv, expected) => {
    expect(withoutTsxLoader(argv)).toEqual(expected);
  });
});
