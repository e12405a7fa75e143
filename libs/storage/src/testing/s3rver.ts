// s3rver in-process for tests: loopback, a free port, a temp directory, buckets created up front.
// It mishandles suffix ranges (bytes=-N) and ignores If-None-Match: nothing here relies on those.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A running s3rver: endpoint plus its default credentials. */
export interface TestS3 {
  readonly endpoint: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}

interface S3rverServer {
  run(): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Starts s3rver on 127.0.0.1 with the given buckets. s3rver is loaded on first use, so importing
 * `@spyglass/storage/testing` needs it only where a test starts one (install it as a dev dependency).
 *
 * @example
 * ```ts
 * const s3 = await startS3(['market']);
 * const store = new S3ObjectStore({ url: 's3://market/spyglass', endpoint: s3.endpoint, credentials: s3.credentials });
 * await s3.close();
 * ```
 */
export async function startS3(buckets: readonly string[] = ['market']): Promise<TestS3> {
  const { default: S3rver } = (await import('s3rver' as string)) as { default: new (options: Record<string, unknown>) => S3rverServer };
  const dir = mkdtempSync(path.join(tmpdir(), 'spyglass-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: buckets.map((name) => ({ name })) });
  const addr = (await server.run()) as { address: string; port: number };
  return {
    endpoint: `http://127.0.0.1:${addr.port}`,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
