import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { BarLogPort, RecordSink } from '@spyglass/pipeline';
import type { DatasetSpec } from '@spyglass/storage';
import type { Redis } from 'ioredis';
import { RedisBarLog } from './redis-bar-log.js';

/**
 * Options of {@link RedisStreamBarLog}.
 *
 * @example
 * ```ts
 * const opts: RedisStreamBarLogOptions = { redis, namespace: 'live', claimIdleMs: 30_000 };
 * ```
 */
export interface RedisStreamBarLogOptions {
  readonly redis: Redis;
  readonly namespace?: string;
  /** This writer's consumer name (default `<host>-<pid>-<random>`). */
  readonly consumer?: string;
  /** Consumer group of the Parquet writers (default `parquet-writers`). */
  readonly group?: string;
  /** Approximate cap of each dataset's stream (`MAXLEN ~`, default 1 000 000 batches). */
  readonly maxLen?: number;
  /** Entries another writer left unacknowledged this long are taken over (default 30 s). */
  readonly claimIdleMs?: number;
  /** Longest wait of one read for new entries (default 1 s; also how soon an abort is seen). */
  readonly blockMs?: number;
  /** Batches per read (default 16). */
  readonly count?: number;
}

/**
 * The streamer's bar log on Redis Streams (a {@link BarLogPort}): one stream per raw dataset
 * (`<ns>:bars:<dataset>`), appended by the stream runners' flushes, written to Parquet by a
 * consumer group of writers that acknowledge a batch only once it is durable. A writer that died
 * leaves its batches pending; any writer of the group (a restarted streamer, another machine)
 * takes them over after `claimIdleMs`. A batch written twice is harmless: the Parquet merge is keyed.
 *
 * @example
 * ```ts
 * const barLog = new RedisStreamBarLog({ redis: await connectRedis('redis://10.0.0.1:6379'), namespace: 'live' });
 * const supervisor = createStreamSupervisor({ config, logger, ignoreMarketHours: false, barLog });
 * ```
 */
export class RedisStreamBarLog implements BarLogPort {
  readonly consumer: string;
  private readonly logs = new Map<string, RedisBarLog<object>>();

  constructor(private readonly opts: RedisStreamBarLogOptions) {
    this.consumer = opts.consumer ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  }

  /** The log of one dataset. */
  log<R extends object>(dataset: string): RedisBarLog<R> {
    let l = this.logs.get(dataset);
    if (!l) {
      l = new RedisBarLog<object>({ redis: this.opts.redis, stream: `bars:${dataset}`, group: this.opts.group ?? 'parquet-writers', ...(this.opts.namespace ? { namespace: this.opts.namespace } : {}), ...(this.opts.maxLen ? { maxLen: this.opts.maxLen } : {}) });
      this.logs.set(dataset, l);
    }
    return l as RedisBarLog<R>;
  }

  sinkFor<R extends object>(spec: DatasetSpec): RecordSink<R> {
    const log = this.log<R>(spec.name);
    return {
      write: async (records) => {
        await log.append(records);
        // Stored (and de-duplicated by the keyed merge) by the writer; here every record reached the log.
        return { added: records.length, duplicates: 0 };
      },
    };
  }

  async run(durable: Readonly<Record<string, RecordSink<object>>>, signal: AbortSignal): Promise<void> {
    await Promise.all(
      Object.entries(durable).map(async ([dataset, sink]) => {
        // Blocking reads hold their connection: one of its own per dataset.
        const conn = this.opts.redis.duplicate();
        try {
          let consumer = await this.log<object>(dataset).consumer(this.consumer);
          for (;;) {
            const stopping = signal.aborted;
            let b;
            try {
              b = await consumer.read({ count: this.opts.count ?? 16, blockMs: stopping ? 0 : (this.opts.blockMs ?? 1_000), claimIdleMs: this.opts.claimIdleMs ?? 30_000, connection: conn });
            } catch (e) {
              // Redis restarting (the clients reconnect on their own) or restarted without its group:
              // read again — unless stopping, when what is left stays in the log for the next writer.
              if (stopping || !(e instanceof Error) || !/ECONNREFUSED|Connection is closed|LOADING|ECONNRESET|EPIPE|NOGROUP/.test(e.message)) throw e;
              await new Promise((r) => setTimeout(r, 500));
              consumer = await this.log<object>(dataset).consumer(this.consumer).catch(() => consumer);
              continue;
            }
            if (b.ids.length > 0) {
              await sink.write(b.records);
              await consumer.ack(b.ids);
            } else if (stopping) return;
          }
        } finally {
          conn.disconnect();
        }
      }),
    );
  }
}
