import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { SpyglassError } from '@spyglass/core';
import { checkObjectKey, type ObjectInfo, type ObjectStore } from './object-store.js';

/**
 * Options of {@link S3ObjectStore}. Credentials are passed in by the app (which reads them from
 * its environment); they never appear in `url`, messages or logs.
 *
 * @example
 * ```ts
 * const opts: S3ObjectStoreOptions = { url: 's3://market/spyglass', endpoint: 'http://10.0.0.5:3900', region: 'garage',
 *   credentials: { accessKeyId: 'GK…', secretAccessKey: '…' } };
 * ```
 */
export interface S3ObjectStoreOptions {
  /** `s3://<bucket>[/<prefix>]`. */
  readonly url: string;
  /** S3-compatible endpoint (Garage, SeaweedFS, Ceph RGW, MinIO, s3rver); AWS when omitted. */
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Path-style addressing (`<endpoint>/<bucket>/key`); default true with an endpoint, as most self-hosted stores need. */
  readonly forcePathStyle?: boolean;
  /** Per-request deadline (default 30 s) and connect deadline (default 5 s). */
  readonly timeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** SDK attempts per request, including the first (default 3). */
  readonly maxAttempts?: number;
}

/**
 * `s3://bucket/prefix` → bucket and prefix (no leading or trailing `/`).
 *
 * @throws SpyglassError `CONFIG` when the URL is not `s3://<bucket>[/<prefix>]`.
 * @example
 * ```ts
 * parseS3Url('s3://market/spyglass/v1'); // { bucket: 'market', prefix: 'spyglass/v1' }
 * ```
 */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!m) throw new SpyglassError('CONFIG', `${url.replace(/\/\/[^@/]*@/, '//')}: not an object store URL; expected s3://<bucket>[/<prefix>] (bucket: 3-63 lower-case letters, digits, '.' or '-')`, { details: { url } });
  return { bucket: m[1]!, prefix: (m[2] ?? '').replace(/^\/+|\/+$/g, '') };
}

/**
 * An {@link ObjectStore} on any S3-compatible service through `@aws-sdk/client-s3`. Each `put` is
 * one PutObject of the whole body (atomic for readers: no multipart, no temp objects). Checksums
 * are sent only where the service requires them, which keeps older self-hosted stores working.
 *
 * @example
 * ```ts
 * const store = new S3ObjectStore({ url: 's3://market/spyglass', endpoint: 'http://127.0.0.1:9000',
 *   credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
 * await store.check(); // fails fast: unreachable endpoint, bad credentials or missing bucket
 * await store.put('raw/stocks/ticker=SPY/date=2025-03-04/part-0.parquet', bytes);
 * ```
 */
export class S3ObjectStore implements ObjectStore {
  readonly url: string;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly client: S3Client;
  private readonly where: string;

  constructor(private readonly opts: S3ObjectStoreOptions) {
    const { bucket, prefix } = parseS3Url(opts.url);
    this.bucket = bucket;
    this.prefix = prefix === '' ? '' : `${prefix}/`;
    this.url = `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
    this.where = opts.endpoint ? `${this.url} at ${redactEndpoint(opts.endpoint)}` : this.url;
    this.client = new S3Client({
      region: opts.region ?? 'us-east-1',
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      forcePathStyle: opts.forcePathStyle ?? opts.endpoint !== undefined,
      ...(opts.credentials ? { credentials: { ...opts.credentials } } : {}),
      maxAttempts: opts.maxAttempts ?? 3,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { requestTimeout: opts.timeoutMs ?? 30_000, connectionTimeout: opts.connectTimeoutMs ?? 5_000 },
    });
  }

  async check(): Promise<void> {
    await this.call('check', '', () => this.client.send(new HeadBucketCommand({ Bucket: this.bucket })));
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    await this.call('put', key, () => this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.prefix + checkObjectKey(key), Body: body, ContentLength: body.byteLength })));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.call('get', key, async () => {
      try {
        const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + checkObjectKey(key) }));
        return res.Body ? await res.Body.transformToByteArray() : new Uint8Array();
      } catch (e) {
        if (e instanceof S3ServiceException && (e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404)) return undefined;
        throw e;
      }
    });
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const res = await this.call('list', prefix, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix + prefix, ...(token ? { ContinuationToken: token } : {}) })),
      );
      for (const o of res.Contents ?? []) {
        if (!o.Key) continue;
        out.push({ key: o.Key.slice(this.prefix.length), bytes: o.Size ?? 0, ...(o.ETag ? { etag: o.ETag.replace(/"/g, '') } : {}) });
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    await this.call('delete', key, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + checkObjectKey(key) })));
  }

  /** Releases the HTTP connections. */
  close(): void {
    this.client.destroy();
  }

  /** Runs one SDK call; failures become one-line errors naming the store (never a credential). */
  private async call<T>(op: string, key: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw s3Error(e, `${this.where}${key ? `/${key}` : ''}`, op);
    }
  }
}

/** An endpoint URL without user info (an endpoint may carry credentials by mistake). */
function redactEndpoint(endpoint: string): string {
  try {
    const u = new URL(endpoint);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid endpoint URL)';
  }
}

const AUTH_ERRORS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'Forbidden', 'InvalidToken', 'ExpiredToken']);

/** Maps an SDK or socket failure to a coded error: CONFIG (no bucket), AUTH_FAILED, NETWORK, TIMEOUT or STORAGE. */
function s3Error(e: unknown, where: string, op: string): SpyglassError {
  const err = e as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = err.$metadata?.httpStatusCode;
  const name = err.name ?? '';
  const sys = err.code ?? (e as { cause?: { code?: string } })?.cause?.code ?? '';
  if (name === 'NoSuchBucket' || (op === 'check' && status === 404)) {
    return new SpyglassError('CONFIG', `${where}: bucket does not exist (create it first)`, { cause: e, details: { op } });
  }
  if (AUTH_ERRORS.has(name) || status === 403 || status === 401) {
    return new SpyglassError('AUTH_FAILED', `${where}: credentials refused (${name || `HTTP ${status}`}); check the access key and secret`, { cause: e, details: { op } });
  }
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|EAI_AGAIN|EPIPE/.test(`${sys} ${name} ${err.message ?? ''}`)) {
    return new SpyglassError('NETWORK', `${where}: unreachable (${sys || name})`, { cause: e, details: { op } });
  }
  if (/Timeout/i.test(name)) return new SpyglassError('TIMEOUT', `${where}: ${op} timed out`, { cause: e, details: { op } });
  return new SpyglassError('STORAGE', `${where}: ${op} failed (${name || 'error'}${status ? `, HTTP ${status}` : ''}: ${err.message ?? String(e)})`, { cause: e, details: { op } });
}
