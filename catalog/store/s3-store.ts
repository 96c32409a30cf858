// ObjectStore over S3 and S3-compatible servers (MinIO) for s3://bucket/prefix warehouses; the only
// file that imports the S3 SDK. putIfAbsent = PUT If-None-Match: *; big objects go up as multipart
// uploads; transient failures are retried with jittered backoff. Never prints credentials.
import type { CompletedPart, S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { ObjectStoreError, type ObjectStore } from './object-store.js';
import { RetriesExhaustedError, withRetry } from './retry.js';
import { describeS3Config, endpointLabel, resolveS3Config, type S3Config, type S3StoreOptions } from './s3-config.js';

type Sdk = typeof import('@aws-sdk/client-s3');
let sdkModule: Promise<Sdk> | undefined;
/**
 * The SDK is loaded on first use, so importing the catalog costs nothing for local warehouses.
 * Required (its CommonJS build), not import()ed: the CLI bundle runs as a vm.Script (for the V8
 * code cache), where import() needs an experimental Node option.
 */
function loadSdk(): Promise<Sdk> {
  // The project targets Node 20; the SDK would print a Node-22 notice on every start.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  return (sdkModule ??= Promise.resolve().then(() => createRequire(import.meta.url)('@aws-sdk/client-s3') as Sdk));
}

const MAX_PARTS = 10_000;
const MAX_SINGLE_PUT = 5 * 1024 ** 3;
const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH',
  'ENETUNREACH', 'ENETDOWN', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET',
]);
const THROTTLING = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestThrottled', 'TooManyRequestsException']);
const CONFLICT = new Set(['ConditionalRequestConflict', 'OperationAborted']);
const CREDENTIALS = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken']);

interface SdkErrorShape {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}
const shape = (e: unknown): SdkErrorShape => (typeof e === 'object' && e !== null ? (e as SdkErrorShape) : {});
const statusOf = (e: unknown): number | undefined => shape(e).$metadata?.httpStatusCode;
const nameOf = (e: unknown): string => shape(e).name ?? 'Error';

/**
 * 5xx, 429, throttling, request timeouts, network-level failures and 499 (the server dropped the
 * request as if the client had gone: MinIO answers "ClientDisconnected" to requests in flight while
 * it shuts down) are worth another try.
 */
export function isTransient(e: unknown): boolean {
  const status = statusOf(e);
  const name = nameOf(e);
  if (THROTTLING.has(name) || name === 'RequestTimeout' || name === 'TimeoutError' || name === 'InternalError' || name === 'ClientDisconnected')
    return true;
  if (status !== undefined && status > 0) return status >= 500 || status === 429 || status === 499;
  const code = shape(e).code;
  return code !== undefined && NETWORK_CODES.has(code);
}
const isConflict = (e: unknown): boolean => statusOf(e) === 409 && CONFLICT.has(nameOf(e));
const isPreconditionFailed = (e: unknown): boolean => statusOf(e) === 412 || nameOf(e) === 'PreconditionFailed';

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}

/** Counters of one store (for metrics and tests); attempts include retries. */
export interface S3StoreStats {
  requests: number;
  retries: number;
  multipartUploads: number;
  bytesUploaded: number;
  bytesDownloaded: number;
}

export class S3Store implements ObjectStore {
  readonly rootUri: string;
  readonly bucket: string;
  /** Key prefix of the warehouse in the bucket ('' or 'a/b'). */
  readonly prefix: string;
  readonly stats: S3StoreStats = { requests: 0, retries: 0, multipartUploads: 0, bytesUploaded: 0, bytesDownloaded: 0 };
  /** Holds the credentials: private so that inspecting or logging the store cannot show them. */
  readonly #config: S3Config;
  #client: Promise<{ sdk: Sdk; client: S3Client }> | undefined;

  constructor(config: S3Config) {
    this.#config = config;
    this.bucket = config.bucket;
    this.prefix = config.prefix;
    this.rootUri = config.prefix === '' ? `s3://${config.bucket}` : `s3://${config.bucket}/${config.prefix}`;
  }

  /** The SDK module and this store's client, created on first use. */
  #sdk(): Promise<{ sdk: Sdk; client: S3Client }> {
    const config = this.#config;
    return (this.#client ??= loadSdk().then((sdk) => ({
      sdk,
      client: new sdk.S3Client({
        region: config.region,
        ...(config.endpoint !== undefined ? { endpoint: config.endpoint } : {}),
        forcePathStyle: config.forcePathStyle,
        ...(config.credentials !== undefined ? { credentials: { ...config.credentials } } : {}),
        maxAttempts: 1, // retries are ours (withRetry), so their budget is explicit
        requestHandler: { connectionTimeout: config.connectionTimeoutMs, socketTimeout: config.socketTimeoutMs },
      }),
    })));
  }

  /** Settings as safe to print (no secrets). */
  describe(): string {
    return describeS3Config(this.#config);
  }

  uri(key: string): string {
    return this.rootUri + '/' + key;
  }

  /** The bucket key of a warehouse key; rejects keys with empty, '.' or '..' segments. */
  objectKey(key: string): string {
    if (key === '' || key.startsWith('/')) throw new ObjectStoreError(`invalid object key '${key}'`, key);
    for (const seg of key.split('/'))
      if (seg === '' || seg === '.' || seg === '..')
        throw new ObjectStoreError(`invalid object key '${key}' (empty, '.' or '..' segment)`, key);
    return this.#bucketKey(key);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const Key = this.objectKey(key);
    const { sdk, client } = await this.#sdk();
    return this.#run('read', key, async () => {
      try {
        const res = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key }));
        const bytes = res.Body ? await res.Body.transformToByteArray() : new Uint8Array(0);
        this.stats.bytesDownloaded += bytes.length;
        return bytes;
      } catch (e) {
        if (nameOf(e) === 'NoSuchKey' || (statusOf(e) === 404 && nameOf(e) === 'NotFound')) return undefined;
        throw e;
      }
    });
  }

  async put(key: string, parts: Uint8Array | readonly Uint8Array[]): Promise<void> {
    const data = parts instanceof Uint8Array ? parts : Buffer.concat(parts);
    const Key = this.objectKey(key);
    if (data.length > this.#config.partSize) return this.#putMultipart(key, Key, data);
    const { sdk, client } = await this.#sdk();
    await this.#run('write', key, () => client.send(new sdk.PutObjectCommand({ Bucket: this.bucket, Key, Body: data })));
    this.stats.bytesUploaded += data.length;
  }

  /**
   * PUT with If-None-Match: *. 412 means the key exists: false. A 409 conflict (a concurrent
   * conditional write in flight) is retried. When an earlier try's outcome is unknown (5xx,
   * timeout, lost connection, conflict), the object is read back: it is ours iff its bytes equal
   * `data` (commit metadata embeds random ids, so another writer's bytes never match).
   */
  async putIfAbsent(key: string, data: Uint8Array): Promise<boolean> {
    const Key = this.objectKey(key);
    if (data.length > MAX_SINGLE_PUT) throw new ObjectStoreError(`${this.uri(key)}: putIfAbsent is limited to 5 GiB`, key);
    const { sdk, client } = await this.#sdk();
    let uncertain = false;
    try {
      await this.#retry(
        () => client.send(new sdk.PutObjectCommand({ Bucket: this.bucket, Key, Body: data, IfNoneMatch: '*' })),
        (e) => isTransient(e) || isConflict(e),
        () => void (uncertain = true),
      );
      this.stats.bytesUploaded += data.length;
      return true;
    } catch (e) {
      if (isPreconditionFailed(e)) return uncertain ? this.#holds(key, data) : false;
      if (e instanceof RetriesExhaustedError && isConflict(e.cause)) {
        const now = await this.get(key);
        if (now !== undefined) return sameBytes(now, data);
      }
      throw this.#error('create', key, e);
    }
  }

  async list(prefix: string): Promise<string[]> {
    const out: string[] = [];
    await this.#listPages(prefix, undefined, (keys) => out.push(...keys));
    return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * The distinct "directories" directly below `prefix`: every `prefix + name + '/'` that some key
   * starts with (S3 CommonPrefixes with delimiter '/'), sorted; `prefix` is '' or ends with '/'.
   */
  async listPrefixes(prefix: string): Promise<string[]> {
    if (prefix !== '' && !prefix.endsWith('/'))
      throw new ObjectStoreError(`listPrefixes needs '' or a prefix ending in '/', got '${prefix}'`, prefix);
    const out: string[] = [];
    await this.#listPages(prefix, '/', (_keys, dirs) => out.push(...dirs));
    return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    const Key = this.objectKey(key);
    const { sdk, client } = await this.#sdk();
    await this.#run('delete', key, () => client.send(new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key })));
  }

  /** Creates the bucket when it does not exist; true when this call created it. */
  async ensureBucket(): Promise<boolean> {
    const { sdk, client } = await this.#sdk();
    try {
      await this.#run('check', '', () => client.send(new sdk.HeadBucketCommand({ Bucket: this.bucket })));
      return false;
    } catch (e) {
      if (!(e instanceof ObjectStoreError) || statusOf(e.cause) !== 404) throw e;
    }
    try {
      await this.#run('create bucket', '', () => client.send(new sdk.CreateBucketCommand({ Bucket: this.bucket })));
      return true;
    } catch (e) {
      const name = nameOf(e instanceof ObjectStoreError ? e.cause : e);
      if (name === 'BucketAlreadyOwnedByYou') return false;
      throw e;
    }
  }

  /**
   * Proves that the server honours If-None-Match: * (some S3-compatible servers ignore it, which
   * would let two commits overwrite each other): writes a probe twice under `_streamforge/`.
   */
  async checkConditionalPut(): Promise<void> {
    const key = `_streamforge/probe-${randomUUID()}`;
    try {
      const first = await this.putIfAbsent(key, new TextEncoder().encode('first'));
      const second = await this.putIfAbsent(key, new TextEncoder().encode('second'));
      const now = await this.get(key);
      if (!first || second || now === undefined || new TextDecoder().decode(now) !== 'first')
        throw new ObjectStoreError(
          `${endpointLabel(this.#config.endpoint)} ignores 'If-None-Match: *' on PUT, so concurrent commits to ` +
            `${this.rootUri} could overwrite each other; use a server with conditional writes (AWS S3, recent MinIO)`,
          key,
        );
    } finally {
      await this.delete(key).catch(() => undefined);
    }
  }

  /** Closes pooled connections; the store must not be used afterwards. */
  destroy(): void {
    void this.#client?.then(({ client }) => client.destroy());
    this.#client = undefined;
  }

  #bucketKey(key: string): string {
    return this.prefix === '' ? key : `${this.prefix}/${key}`;
  }

  /** Every ListObjectsV2 page below `prefix` (keys and, with a delimiter, common prefixes), root-relative. */
  async #listPages(
    prefix: string,
    delimiter: '/' | undefined,
    take: (keys: string[], dirs: string[]) => void,
  ): Promise<void> {
    if (prefix.startsWith('/')) throw new ObjectStoreError(`invalid list prefix '${prefix}'`, prefix);
    const root = this.prefix === '' ? '' : this.prefix + '/';
    const { sdk, client } = await this.#sdk();
    let token: string | undefined;
    do {
      const page = await this.#run('list', prefix, () =>
        client.send(
          new sdk.ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: root + prefix,
            ...(delimiter !== undefined ? { Delimiter: delimiter } : {}),
            ...(token !== undefined ? { ContinuationToken: token } : {}),
          }),
        ),
      );
      const strip = (k: string | undefined): string[] =>
        k !== undefined && k.startsWith(root) ? [k.slice(root.length)] : [];
      take(
        (page.Contents ?? []).flatMap((o) => strip(o.Key)),
        (page.CommonPrefixes ?? []).flatMap((p) => strip(p.Prefix)),
      );
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  /** Create, upload parts (bounded concurrency, each retried), complete; abort on failure. */
  async #putMultipart(key: string, Key: string, data: Uint8Array): Promise<void> {
    const { sdk, client } = await this.#sdk();
    const Bucket = this.bucket;
    const created = await this.#run('write', key, () =>
      client.send(new sdk.CreateMultipartUploadCommand({ Bucket, Key, ChecksumAlgorithm: 'CRC32' })),
    );
    const UploadId = created.UploadId;
    if (UploadId === undefined) throw new ObjectStoreError(`write ${this.uri(key)} failed: no multipart upload id`, key);
    this.stats.multipartUploads++;
    try {
      const Parts = await this.#uploadParts(key, data, async (PartNumber, Body) => {
        const cmd = new sdk.UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body, ChecksumAlgorithm: 'CRC32' });
        const r = await client.send(cmd);
        return { PartNumber, ETag: r.ETag, ...(r.ChecksumCRC32 !== undefined ? { ChecksumCRC32: r.ChecksumCRC32 } : {}) };
      });
      let retried = false;
      const complete = (): Promise<unknown> =>
        client.send(new sdk.CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts } }));
      await this.#run('write', key, complete, () => void (retried = true)).catch(async (e: unknown) => {
        // A retried Complete whose first try landed answers NoSuchUpload: then the object is there.
        const landed = retried && e instanceof ObjectStoreError && nameOf(e.cause) === 'NoSuchUpload';
        if (!landed || (await this.#size(Key)) !== data.length) throw e;
      });
    } catch (e) {
      await client.send(new sdk.AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
      throw e;
    }
  }

  /** Uploads every part with at most partConcurrency in flight; stops handing out parts after a failure. */
  async #uploadParts(
    key: string,
    data: Uint8Array,
    upload: (partNumber: number, body: Uint8Array) => Promise<CompletedPart>,
  ): Promise<CompletedPart[]> {
    const partSize = Math.max(this.#config.partSize, Math.ceil(data.length / MAX_PARTS));
    const count = Math.ceil(data.length / partSize);
    const parts = new Array<CompletedPart>(count);
    let next = 0;
    let failed = false;
    const worker = async (): Promise<void> => {
      while (!failed && next < count) {
        const i = next++;
        const body = data.subarray(i * partSize, Math.min(data.length, (i + 1) * partSize));
        try {
          parts[i] = await this.#run('write', key, () => upload(i + 1, body));
          this.stats.bytesUploaded += body.length;
        } catch (e) {
          failed = true;
          throw e;
        }
      }
    };
    // allSettled: abort only once no part is in flight any more.
    const results = await Promise.allSettled(Array.from({ length: Math.min(this.#config.partConcurrency, count) }, worker));
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) throw rejected.reason;
    return parts;
  }

  async #size(Key: string): Promise<number | undefined> {
    const { sdk, client } = await this.#sdk();
    try {
      return (await client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key }))).ContentLength;
    } catch {
      return undefined;
    }
  }

  /** Whether the object at `key` now holds exactly `data`. */
  async #holds(key: string, data: Uint8Array): Promise<boolean> {
    const now = await this.get(key);
    return now !== undefined && sameBytes(now, data);
  }

  /** One S3 call with the store's retry policy; errors are passed through unchanged. */
  #retry<T>(call: () => Promise<T>, retryable: (e: unknown) => boolean = isTransient, onRetry?: () => void): Promise<T> {
    const hooks = {
      retryable,
      onRetry: () => {
        this.stats.retries++;
        onRetry?.();
      },
    };
    return withRetry(this.#config.retry, hooks, () => {
      this.stats.requests++;
      return call();
    });
  }

  /** One S3 call with retries; failures become ObjectStoreError naming bucket and key. */
  async #run<T>(op: string, key: string, call: () => Promise<T>, onRetry?: () => void): Promise<T> {
    try {
      return await this.#retry(call, isTransient, onRetry);
    } catch (e) {
      throw this.#error(op, key, e);
    }
  }

  /** A user-facing error: names the s3:// location, the HTTP status and S3 error code, never secrets. */
  #error(op: string, key: string, e: unknown): ObjectStoreError {
    const where = key === '' ? this.rootUri : this.uri(key);
    const exhausted = e instanceof RetriesExhaustedError ? e : undefined;
    const err = exhausted ? exhausted.cause : e;
    const status = statusOf(err);
    const name = nameOf(err);
    const message = (shape(err).message ?? String(err)).split('\n')[0];
    const after = exhausted
      ? ` (gave up after ${exhausted.attempts} attempts in ${(exhausted.elapsedMs / 1000).toFixed(1)} s)`
      : '';
    let text: string;
    if (status === 403 || CREDENTIALS.has(name)) text = `access denied to ${where}: check credentials (${name})`;
    else if (name === 'NoSuchBucket' || (status === 404 && key === '' && op === 'check'))
      text = `bucket '${this.bucket}' does not exist (endpoint ${endpointLabel(this.#config.endpoint)})`;
    else if (name === 'CredentialsProviderError')
      text = `no S3 credentials for ${where}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or pass credentials`;
    else if (status !== undefined && status > 0) text = `${op} ${where} failed: HTTP ${status} ${name}: ${message}${after}`;
    else {
      const code = shape(err).code;
      const net = code !== undefined && NETWORK_CODES.has(code);
      text = net
        ? `${op} ${where} failed: cannot reach S3 endpoint ${endpointLabel(this.#config.endpoint)} (${code})${after}`
        : `${op} ${where} failed: ${name}: ${message}${after}`;
    }
    return new ObjectStoreError(text, key, { cause: err });
  }
}

/** Opens the warehouse at `s3://bucket/prefix`; settings from `options`, then AWS_* environment variables. */
export function openS3Store(uri: string, options: S3StoreOptions = {}): S3Store {
  return new S3Store(resolveS3Config(uri, options));
}
