import type { Redis } from 'ioredis';

/**
 * Options of {@link RedisBarLog}.
 *
 * @example
 * ```ts
 * const opts: RedisBarLogOptions = { redis, stream: 'bars:options', group: 'parquet-writers', maxLen: 100_000 };
 * ```
 */
export interface RedisBarLogOptions {
  readonly redis: Redis;
  readonly namespace?: string;
  /** Stream name, e.g. `bars:stocks`. */
  readonly stream: string;
  /** Consumer group of the writers. */
  readonly group: string;
  /** Approximate cap of the stream (`MAXLEN ~`): entries beyond it are trimmed, oldest first. */
  readonly maxLen?: number;
}

/**
 * One batch read by a consumer: acknowledge its `ids` once the records are durable.
 *
 * @example
 * ```ts
 * const b: BarLogBatch<StockBar> = await consumer.read();
 * await sink.write(b.records); await consumer.ack(b.ids);
 * ```
 */
export interface BarLogBatch<R> {
  readonly ids: readonly string[];
  readonly records: R[];
  /** True when the batch was taken over from a dead consumer's pending entries. */
  readonly claimed: boolean;
}

/**
 * The bar log between the WebSocket readers and the Parquet writers of a live stream on several
 * machines: a Redis Stream (one entry per appended batch, `MAXLEN ~` bounded) read by a consumer
 * group. A writer acknowledges a batch only after it is durable; a writer that dies leaves its
 * batches pending, and any other writer takes them over with `XAUTOCLAIM` once they have been idle
 * for `claimIdleMs`. A batch written twice (the dead writer wrote it but did not acknowledge) is
 * harmless: the Parquet merge is keyed.
 *
 * @example
 * ```ts
 * const log = new RedisBarLog<StockBar>({ redis, stream: 'bars:stocks', group: 'writers' });
 * await log.append(bars);                               // reader side
 * const writer = await log.consumer('writer-a');        // writer side
 * for (;;) { const b = await writer.read({ blockMs: 1000 }); await stocks.write(b.records); await writer.ack(b.ids); }
 * ```
 */
export class RedisBarLog<R> {
  private readonly key: string;

  constructor(private readonly opts: RedisBarLogOptions) {
    this.key = `${opts.namespace ?? 'spyglass'}:${opts.stream}`;
  }

  /** Appends one batch as one entry. */
  async append(records: readonly R[]): Promise<string> {
    if (records.length === 0) return '';
    const cap = this.opts.maxLen ?? 1_000_000;
    return (await this.opts.redis.xadd(this.key, 'MAXLEN', '~', cap, '*', 'r', JSON.stringify(records)))!;
  }

  /** A consumer of the group (created with the stream if missing, reading from the start). */
  async consumer(name: string): Promise<BarLogConsumer<R>> {
    try {
      await this.opts.redis.xgroup('CREATE', this.key, this.opts.group, '0', 'MKSTREAM');
    } catch (e) {
      if (!/BUSYGROUP/.test((e as Error).message)) throw e;
    }
    return new BarLogConsumer<R>(this.opts.redis, this.key, this.opts.group, name);
  }

  /** Entries appended and not yet acknowledged by the group (pending) plus not yet delivered (lag). */
  async backlog(): Promise<{ pending: number; length: number }> {
    const pending = (await this.opts.redis.xpending(this.key, this.opts.group)) as [number, ...unknown[]];
    return { pending: Number(pending[0]), length: await this.opts.redis.xlen(this.key) };
  }
}

/** One writer of a {@link RedisBarLog} consumer group. */
export class BarLogConsumer<R> {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly group: string,
    readonly name: string,
  ) {}

  /**
   * The next batch: first entries other consumers left pending for `claimIdleMs` (a dead writer's),
   * then new ones (waiting up to `blockMs`; 0 = not at all). Empty when nothing came. A blocking
   * read holds its connection: give a `connection` of its own when the client is shared.
   */
  async read(opts: { count?: number; blockMs?: number; claimIdleMs?: number; connection?: Redis } = {}): Promise<BarLogBatch<R>> {
    const count = opts.count ?? 10;
    const claimed = (await this.redis.xautoclaim(this.key, this.group, this.name, opts.claimIdleMs ?? 30_000, '0-0', 'COUNT', count)) as [string, Array<[string, string[]] | null>];
    const taken = (claimed[1] ?? []).filter((e): e is [string, string[]] => e !== null);
    if (taken.length > 0) return this.decode(taken, true);
    const blockMs = opts.blockMs ?? 1_000;
    // blockMs 0 reads without waiting (Redis' BLOCK 0 would wait forever).
    const conn = opts.connection ?? this.redis;
    const res = (blockMs > 0
      ? await conn.xreadgroup('GROUP', this.group, this.name, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.key, '>')
      : await conn.xreadgroup('GROUP', this.group, this.name, 'COUNT', count, 'STREAMS', this.key, '>')) as Array<[string, Array<[string, string[]]>]> | null;
    return this.decode(res?.[0]?.[1] ?? [], false);
  }

  /** Acknowledges durable batches. */
  async ack(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.redis.xack(this.key, this.group, ...ids);
  }

  private decode(entries: ReadonlyArray<[string, string[]]>, claimed: boolean): BarLogBatch<R> {
    const records: R[] = [];
    for (const [, fields] of entries) {
      const i = fields.indexOf('r');
      if (i >= 0) for (const r of JSON.parse(fields[i + 1]!) as R[]) records.push(r);
    }
    return { ids: entries.map(([id]) => id), records, claimed };
  }
}
