import { SpyglassError } from '@spyglass/core';
import { connectRedis } from '@spyglass/cluster';
import { S3ObjectStore, type ObjectStore } from '@spyglass/storage';
import type { Redis } from 'ioredis';

/** `--queue`, `--store` and the S3 endpoint flags of the cluster commands. */
export interface ClusterArgs {
  queue?: string;
  store?: string;
  's3-endpoint'?: string;
  's3-region'?: string;
  namespace: string;
}

/** Declares the cluster flags on a command. */
export const clusterOptions = <T>(y: import('yargs').Argv<T>, queueRequired: boolean) =>
  y
    .option('queue', { type: 'string', demandOption: queueRequired, describe: 'Redis URL of the job queue, redis://[user:password@]host:port[/db] (many machines)' })
    .option('store', { type: 'string', describe: 'object store of the datasets, s3://bucket/prefix (credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)' })
    .option('s3-endpoint', { type: 'string', describe: 'S3-compatible endpoint (Garage, SeaweedFS, Ceph RGW, MinIO); AWS when omitted' })
    .option('s3-region', { type: 'string', default: 'us-east-1', describe: 'S3 region' })
    .option('namespace', { type: 'string', default: 'spyglass', describe: 'Redis key prefix shared by the machines of one deployment' });

/**
 * Connects to the queue's Redis and the object store and checks both at once, so a wrong or
 * unreachable URL, refused credentials or a missing bucket end the command with one line.
 * The S3 credentials are read from the environment here (the app's job), never logged.
 */
export async function openClusterBackends(a: ClusterArgs): Promise<{ redis: Redis; store?: ObjectStore }> {
  if (!a.queue) throw new SpyglassError('INVALID_ARGUMENT', '--store needs --queue: checkpoints and locks of a shared store live in the queue\'s Redis');
  let store: S3ObjectStore | undefined;
  if (a.store) {
    const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
    store = new S3ObjectStore({
      url: a.store,
      ...(a['s3-endpoint'] ? { endpoint: a['s3-endpoint'] } : {}),
      ...(a['s3-region'] ? { region: a['s3-region'] } : {}),
      ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
    });
  }
  const redis = await connectRedis(a.queue);
  try {
    await store?.check();
  } catch (e) {
    redis.disconnect();
    throw e;
  }
  return { redis, ...(store ? { store } : {}) };
}
