import { Semaphore } from './semaphore.js';

/**
 * Runs `work` over `items` with at most `concurrency` in flight, preserving result order. The first
 * failure is rethrown after in-flight items settle, so no write is abandoned half-way.
 *
 * @example
 * ```ts
 * const sizes = await runPool(['a', 'b', 'c'], 2, async (x) => x.length);
 * ```
 */
export async function runPool<T, U>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<U>): Promise<U[]> {
  const slots = new Semaphore(concurrency);
  const results = new Array<U>(items.length);
  let failure: { error: unknown } | undefined;
  await Promise.all(
    items.map((item, i) =>
      slots.run(async () => {
        // After a failure the items not yet started are skipped; those in flight settle.
        if (failure !== undefined) return;
        try {
          results[i] = await work(item, i);
        } catch (error) {
          failure ??= { error };
        }
      }),
    ),
  );
  if (failure) throw failure.error;
  return results;
}
