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
  const results = new Array<U>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const i = next++;
      try {
        results[i] = await work(items[i]!, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
  if (failure) throw failure.error;
  return results;
}
