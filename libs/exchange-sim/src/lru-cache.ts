/**
 * A small least-recently-used cache. Generated days are kept so that paging through a day, or the
 * WebSocket replay of a session, does not regenerate it for every request.
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  /** The cached value, or the one `make` builds (then cached, evicting the oldest). */
  getOrCreate(key: K, make: () => V): V {
    const hit = this.map.get(key);
    if (hit !== undefined) {
      // Re-insert so Map's insertion order doubles as the recency order.
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const value = make();
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
    return value;
  }

  get size(): number {
    return this.map.size;
  }
}
