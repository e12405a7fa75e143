import { EventQueue } from './event-queue.js';

describe('EventQueue', () => {
  it('hands items over in order, signals full at capacity and drained at half', async () => {
    const signals: string[] = [];
    const q = new EventQueue<number>(4, () => signals.push('full'), () => signals.push('drained'));
    for (let i = 0; i < 6; i++) q.push(i); // never drops past capacity: the producer is told to pause instead
    expect(signals).toEqual(['full']);
    const got: number[] = [];
    for (let i = 0; i < 4; i++) got.push((await q.next()).value as number);
    expect(signals).toEqual(['full', 'drained']);
    q.end();
    for (let r = await q.next(); !r.done; r = await q.next()) got.push(r.value);
    expect(got).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('wakes a waiting consumer, and ends with the given error after the queued items', async () => {
    const q = new EventQueue<string>(10, () => undefined, () => undefined);
    const waiting = q.next();
    q.push('a');
    expect(await waiting).toEqual({ value: 'a', done: false });
    q.push('b');
    q.end(new Error('auth failed'));
    expect(await q.next()).toEqual({ value: 'b', done: false });
    await expect(q.next()).rejects.toThrow('auth failed');
  });

  it.each([[undefined], [new Error('boom')]])('ends a consumer already waiting (error %p)', async (error) => {
    const q = new EventQueue<string>(10, () => undefined, () => undefined);
    const waiting = q.next();
    q.end(error);
    if (error) await expect(waiting).rejects.toBe(error);
    else expect(await waiting).toEqual({ value: undefined, done: true });
  });
});
