// S3Store: configuration from options/environment, retries and error messages (against a scripted
// local HTTP server speaking S3's wire format), and, when a MinIO is reachable at
// STREAMFORGE_S3_ENDPOINT (default http://127.0.0.1:19000, streamforge/streamforge-secret, bucket
// 'warehouse'), real objects: conditional puts, multipart, listing, an Iceberg table round trip
// read back by PyIceberg + DuckDB from MinIO. The MinIO part is skipped with a warning otherwise.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PY, PY_READY, READ_TABLE, warnIfNoPython } from '../harness/python.js';
import { formatDecimal } from '../../catalog/iceberg/partition.js';
import { CommitConflictError, commitAppend, createTable, loadTable } from '../../catalog/iceberg/table.js';
import { listTables } from '../../catalog/iceberg/warehouse.js';
import { ObjectStoreError } from '../../catalog/store/object-store.js';
import { backoffMs, DEFAULT_RETRY_POLICY, RetriesExhaustedError, withRetry } from '../../catalog/store/retry.js';
import { describeS3Config, parseS3Uri, resolveS3Config, S3ConfigError } from '../../catalog/store/s3-config.js';
import { isTransient, openS3Store, type S3Store } from '../../catalog/store/s3-store.js';
import { T, type Schema, type Value } from '../../catalog/types.js';
import { writeDataFiles } from '../../engine/sinks/data-file-writer.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined): string | undefined => (b ? new TextDecoder().decode(b) : undefined);
const FAST = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 4, maxElapsedMs: 10_000 };
const SECRET = 'sEcReT-do-not-print-0123456789';

async function rejection(p: Promise<unknown>): Promise<ObjectStoreError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ObjectStoreError);
    return e as ObjectStoreError;
  }
  throw new Error('expected a rejection');
}

describe('S3 configuration', () => {
  it('parses s3://bucket/prefix URIs and rejects bad ones', () => {
    expect(parseS3Uri('s3://warehouse')).toEqual({ bucket: 'warehouse', prefix: '' });
    expect(parseS3Uri('s3://warehouse/')).toEqual({ bucket: 'warehouse', prefix: '' });
    expect(parseS3Uri('s3://my.bucket-1/a/b//')).toEqual({ bucket: 'my.bucket-1', prefix: 'a/b' });
    for (const bad of ['file:///x', 's3://', 's3://Upper', 's3://ab', 's3://b/a//c', 's3://bkt/../x'])
      expect(() => parseS3Uri(bad), bad).toThrow(S3ConfigError);
  });

  it('takes explicit options first, then the standard AWS environment variables', () => {
    const env = {
      AWS_ACCESS_KEY_ID: 'envid',
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_SESSION_TOKEN: 'tok',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: 'http://generic:9000',
      AWS_ENDPOINT_URL_S3: 'http://s3only:9000/',
    };
    const c = resolveS3Config('s3://bkt/p', { env });
    expect(c).toMatchObject({ bucket: 'bkt', prefix: 'p', endpoint: 'http://s3only:9000', region: 'eu-west-1', forcePathStyle: true });
    expect(c.credentials).toEqual({ accessKeyId: 'envid', secretAccessKey: SECRET, sessionToken: 'tok' });
    expect(c.credentialSource).toBe('environment');
    expect(resolveS3Config('s3://bkt', { env: { ...env, AWS_ENDPOINT_URL_S3: undefined } }).endpoint).toBe('http://generic:9000');
    expect(resolveS3Config('s3://bkt', { env: { ...env, AWS_REGION: 'us-west-2' } }).region).toBe('us-west-2');
    const explicit = resolveS3Config('s3://bkt', {
      env,
      endpoint: 'https://minio.local',
      region: 'ap-south-1',
      forcePathStyle: false,
      credentials: { accessKeyId: 'optid', secretAccessKey: 'optsecret' },
      retry: { maxAttempts: 3 },
      partSize: 8 * 1024 * 1024,
    });
    expect(explicit).toMatchObject({ endpoint: 'https://minio.local', region: 'ap-south-1', forcePathStyle: false, credentialSource: 'options' });
    expect(explicit.retry).toEqual({ ...DEFAULT_RETRY_POLICY, maxAttempts: 3 });
    expect(explicit.partSize).toBe(8 * 1024 * 1024);
    // Plain AWS: virtual-hosted addressing, us-east-1, SDK default credential chain.
    const aws = resolveS3Config('s3://bkt', { env: {} });
    expect(aws).toMatchObject({ endpoint: undefined, region: 'us-east-1', forcePathStyle: false, credentialSource: 'default-chain' });
    expect(aws.credentials).toBeUndefined();
  });

  it('rejects half-configured credentials, bad endpoints and tiny parts without echoing secrets', () => {
    const msg = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(S3ConfigError);
        return (e as Error).message;
      }
      throw new Error('expected an S3ConfigError');
    };
    expect(msg(() => resolveS3Config('s3://bkt', { env: { AWS_SECRET_ACCESS_KEY: SECRET } }))).toBe(
      'AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not',
    );
    expect(msg(() => resolveS3Config('s3://bkt', { env: { AWS_ACCESS_KEY_ID: 'x' } }))).toMatch(/AWS_SECRET_ACCESS_KEY is not/);
    const userinfo = msg(() => resolveS3Config('s3://bkt', { env: {}, endpoint: `http://u:${SECRET}@host:9000` }));
    expect(userinfo).toMatch(/do not put credentials in the endpoint URL/);
    expect(userinfo).not.toContain(SECRET);
    expect(msg(() => resolveS3Config('s3://bkt', { env: {}, endpoint: 'ftp://host' }))).toMatch(/http:\/\/ or https:\/\//);
    expect(msg(() => resolveS3Config('s3://bkt', { env: {}, partSize: 1024 }))).toMatch(/partSize' must be an integer >= 5242880/);
    expect(msg(() => resolveS3Config('s3://bkt', { env: {}, retry: { maxAttempts: 0 } }))).toMatch(/maxAttempts/);
  });

  it('never shows secrets when the store is described, inspected or serialised', () => {
    const opts = { env: {}, endpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: 'id', secretAccessKey: SECRET } };
    expect(describeS3Config(resolveS3Config('s3://bkt/wh', opts))).toBe(
      's3://bkt/wh (endpoint http://127.0.0.1:1, region us-east-1, path-style, credentials from options)',
    );
    const store = openS3Store('s3://bkt/wh', opts);
    expect(store.rootUri).toBe('s3://bkt/wh');
    expect(store.uri('ns/t/metadata/v1.metadata.json')).toBe('s3://bkt/wh/ns/t/metadata/v1.metadata.json');
    expect(store.objectKey('a/b')).toBe('wh/a/b');
    for (const k of ['', '/a', 'a//b', 'a/../b', './a']) expect(() => store.objectKey(k), k).toThrow(ObjectStoreError);
    expect(inspect(store, { depth: 10 })).not.toContain(SECRET);
    expect(JSON.stringify(store)).not.toContain(SECRET);
    expect(store.describe()).not.toContain(SECRET);
  });
});

describe('retry policy', () => {
  it('retries 5xx, 429, 499 (MinIO shutting down: ClientDisconnected), throttling and network failures, not other 4xx', () => {
    const sdkError = (name: string, status?: number, code?: string) =>
      Object.assign(new Error(name), { name, code, $metadata: status === undefined ? {} : { httpStatusCode: status } });
    for (const e of [
      sdkError('ClientDisconnected', 499),
      sdkError('Unknown', 499),
      sdkError('ServiceUnavailable', 503),
      sdkError('InternalError', 500),
      sdkError('SlowDown', 503),
      sdkError('TooManyRequests', 429),
      sdkError('Error', undefined, 'ECONNRESET'),
      sdkError('TimeoutError'),
    ])
      expect(isTransient(e), e.name).toBe(true);
    for (const e of [sdkError('AccessDenied', 403), sdkError('NoSuchBucket', 404), sdkError('PreconditionFailed', 412), sdkError('Error')])
      expect(isTransient(e), e.name).toBe(false);
  });

  it('backs off exponentially with equal jitter, capped', () => {
    const p = { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 1000, maxElapsedMs: 30_000 };
    const delays = (random: number): number[] => [1, 2, 3, 4, 5].map((a) => backoffMs(p, a, () => random));
    expect(delays(0)).toEqual([50, 100, 200, 400, 500]);
    expect(delays(0.999999)).toEqual([100, 200, 400, 800, 1000].map((x) => expect.closeTo(x, 2)));
  });

  it('stops on permanent errors, after maxAttempts, and when the time budget would be exceeded', async () => {
    const sleeps: number[] = [];
    let clock = 0;
    let calls = 0;
    const hooks = {
      retryable: (e: unknown) => (e as Error).message === 'transient',
      sleep: async (ms: number) => void sleeps.push(ms),
      now: () => clock,
      random: () => 0.5,
    };
    const failing = (message: string, tick = 0) => async (): Promise<never> => {
      calls++;
      clock += tick;
      throw new Error(message);
    };
    await expect(withRetry(DEFAULT_RETRY_POLICY, hooks, failing('permanent'))).rejects.toThrow('permanent');
    expect(calls).toBe(1);

    calls = 0;
    const third = async (attempt: number): Promise<string> => {
      calls++;
      if (attempt < 3) throw new Error('transient');
      return 'ok';
    };
    expect(await withRetry(DEFAULT_RETRY_POLICY, hooks, third)).toBe('ok');
    expect([calls, sleeps]).toEqual([3, [150, 300]]);

    const exhausted = withRetry({ ...DEFAULT_RETRY_POLICY, maxAttempts: 5 }, hooks, failing('transient'));
    await expect(exhausted).rejects.toBeInstanceOf(RetriesExhaustedError);
    await expect(exhausted).rejects.toMatchObject({ attempts: 5, cause: new Error('transient') });

    // The budget: each try "takes" 10 s, so the 30 s budget allows 3 tries.
    calls = 0;
    const slow = withRetry(DEFAULT_RETRY_POLICY, hooks, failing('transient', 10_000));
    await expect(slow).rejects.toMatchObject({ attempts: 3 });
    expect(calls).toBe(3);
  });
});

// ---------------------------------------------------------------------------------------------
// A scripted S3 endpoint: each request is answered by the next reply of the script.

interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}
interface Reply {
  status: number;
  code?: string;
  body?: Uint8Array;
  headers?: Record<string, string>;
}

async function scriptedS3(script: Reply[]): Promise<{ endpoint: string; seen: SeenRequest[]; close: () => Promise<void> }> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      const r = script.shift() ?? { status: 500, code: 'InternalError' };
      const body =
        r.code !== undefined
          ? Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${r.code}</Code><Message>scripted ${r.code}</Message></Error>`)
          : Buffer.from(r.body ?? new Uint8Array(0));
      res.writeHead(r.status, {
        'content-length': String(body.length),
        ...(r.code !== undefined ? { 'content-type': 'application/xml' } : { etag: '"0123456789abcdef0123456789abcdef"' }),
        ...r.headers,
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const fakeCreds = { accessKeyId: 'AKIAFAKE', secretAccessKey: SECRET };
const storeFor = (endpoint: string, maxAttempts = 4): S3Store =>
  openS3Store('s3://bkt/wh', { env: {}, endpoint, credentials: fakeCreds, retry: { ...FAST, maxAttempts } });

describe('S3Store against a scripted endpoint', () => {
  it('retries 503 SlowDown and 500 with backoff, then succeeds', async () => {
    const s3 = await scriptedS3([{ status: 503, code: 'SlowDown' }, { status: 500, code: 'InternalError' }, { status: 200 }]);
    const store = storeFor(s3.endpoint);
    try {
      await store.put('ns/t/data/f.parquet', enc('hello'));
      expect(s3.seen.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual(Array(3).fill('PUT /bkt/wh/ns/t/data/f.parquet'));
      expect(s3.seen.every((r) => r.body.toString() === 'hello')).toBe(true);
      expect(store.stats).toMatchObject({ requests: 3, retries: 2, bytesUploaded: 5 });
    } finally {
      store.destroy();
      await s3.close();
    }
  });

  it('gives up after maxAttempts with a message naming the object', async () => {
    const s3 = await scriptedS3(Array.from({ length: 5 }, () => ({ status: 503, code: 'SlowDown' })));
    const store = storeFor(s3.endpoint, 3);
    try {
      const e = await rejection(store.get('ns/t/metadata/v1.metadata.json'));
      expect(e.message).toMatch(/^read s3:\/\/bkt\/wh\/ns\/t\/metadata\/v1\.metadata\.json failed: HTTP 503 SlowDown: .*gave up after 3 attempts/);
      expect(e.key).toBe('ns/t/metadata/v1.metadata.json');
      expect(s3.seen).toHaveLength(3);
    } finally {
      store.destroy();
      await s3.close();
    }
  });

  it('putIfAbsent sends If-None-Match: * and maps 412 to false, 409 conflicts to a retry', async () => {
    const s3 = await scriptedS3([{ status: 412, code: 'PreconditionFailed' }, { status: 409, code: 'ConditionalRequestConflict' }, { status: 200 }]);
    const store = storeFor(s3.endpoint);
    try {
      expect(await store.putIfAbsent('t/metadata/v2.metadata.json', enc('a'))).toBe(false);
      expect(await store.putIfAbsent('t/metadata/v2.metadata.json', enc('b'))).toBe(true);
      expect(s3.seen.map((r) => [r.method, r.headers['if-none-match']])).toEqual([['PUT', '*'], ['PUT', '*'], ['PUT', '*']]);
    } finally {
      store.destroy();
      await s3.close();
    }
  });

  it('putIfAbsent decides by reading back when an earlier try may have landed', async () => {
    // 500 (did it land?), then 412 on the retry: the object holds our bytes, so it was ours.
    const s3 = await scriptedS3([
      { status: 500, code: 'InternalError' },
      { status: 412, code: 'PreconditionFailed' },
      { status: 200, body: enc('ours') },
      { status: 500, code: 'InternalError' },
      { status: 412, code: 'PreconditionFailed' },
      { status: 200, body: enc('someone else') },
    ]);
    const store = storeFor(s3.endpoint);
    try {
      expect(await store.putIfAbsent('t/v3', enc('ours'))).toBe(true);
      expect(await store.putIfAbsent('t/v4', enc('ours'))).toBe(false);
      expect(s3.seen.map((r) => r.method)).toEqual(['PUT', 'PUT', 'GET', 'PUT', 'PUT', 'GET']);
    } finally {
      store.destroy();
      await s3.close();
    }
  });

  it('maps 403, NoSuchBucket and NoSuchKey without retrying and without printing secrets', async () => {
    const s3 = await scriptedS3([
      { status: 403, code: 'AccessDenied' },
      { status: 404, code: 'NoSuchBucket' },
      { status: 404, code: 'NoSuchKey' },
      { status: 400, code: 'InvalidArgument' },
    ]);
    const store = storeFor(s3.endpoint);
    try {
      const denied = await rejection(store.put('a/b', enc('x')));
      expect(denied.message).toBe('access denied to s3://bkt/wh/a/b: check credentials (AccessDenied)');
      const noBucket = await rejection(store.list('a/'));
      expect(noBucket.message).toBe(`bucket 'bkt' does not exist (endpoint ${s3.endpoint})`);
      expect(await store.get('a/missing')).toBeUndefined();
      const bad = await rejection(store.delete('a/b'));
      expect(bad.message).toBe('delete s3://bkt/wh/a/b failed: HTTP 400 InvalidArgument: scripted InvalidArgument');
      expect(s3.seen).toHaveLength(4);
      for (const e of [denied, noBucket, bad]) expect(e.message + String(e.stack)).not.toContain(SECRET);
    } finally {
      store.destroy();
      await s3.close();
    }
  });

  it('reports an unreachable endpoint after bounded retries', async () => {
    const s3 = await scriptedS3([]);
    await s3.close(); // the port is now closed: ECONNREFUSED
    const store = storeFor(s3.endpoint, 3);
    try {
      const e = await rejection(store.get('k'));
      expect(e.message).toMatch(
        new RegExp(`^read s3://bkt/wh/k failed: cannot reach S3 endpoint ${s3.endpoint} \\(ECONNREFUSED\\) \\(gave up after 3 attempts in \\d+\\.\\d s\\)$`),
      );
      expect(store.stats).toMatchObject({ requests: 3, retries: 2 });
    } finally {
      store.destroy();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Real MinIO.

const ENDPOINT = process.env['STREAMFORGE_S3_ENDPOINT'] ?? 'http://127.0.0.1:19000';
const BUCKET = process.env['STREAMFORGE_S3_BUCKET'] ?? 'warehouse';
const CREDS = {
  accessKeyId: process.env['STREAMFORGE_S3_ACCESS_KEY'] ?? 'streamforge',
  secretAccessKey: process.env['STREAMFORGE_S3_SECRET_KEY'] ?? 'streamforge-secret',
};
const REACHABLE = await fetch(ENDPOINT, { signal: AbortSignal.timeout(2000) }).then(
  () => true,
  () => false,
);
if (!REACHABLE)
  console.warn(
    `SKIPPED s3-store MinIO tests: no S3 endpoint at ${ENDPOINT} (start one with deploy/local/minio.sh start, or set STREAMFORGE_S3_ENDPOINT)`,
  );

if (REACHABLE) warnIfNoPython('s3-store PyIceberg read');

describe.skipIf(!REACHABLE)(`S3Store on MinIO (${ENDPOINT})`, () => {
  const runPrefix = `s3-store-test/${randomUUID()}`;
  const open = (sub = '', options = {}): S3Store =>
    openS3Store(`s3://${BUCKET}/${runPrefix}${sub}`, { env: {}, endpoint: ENDPOINT, credentials: CREDS, ...options });
  let store: S3Store;

  beforeAll(async () => {
    store = open();
    await store.ensureBucket();
  });
  afterAll(async () => {
    const keys = await store.list('');
    for (let i = 0; i < keys.length; i += 32) await Promise.all(keys.slice(i, i + 32).map((k) => store.delete(k)));
    expect(await store.list('')).toEqual([]);
    store.destroy();
  });

  it('honours If-None-Match: * (conditional PUT)', async () => {
    await store.checkConditionalPut();
    expect(await store.list('_streamforge/')).toEqual([]);
  });

  it('puts, replaces, gets, lists (paginated, with directories) and deletes', async () => {
    expect(await store.get('kv/a.txt')).toBeUndefined();
    await store.put('kv/a.txt', enc('one'));
    await store.put('kv/a.txt', enc('two'));
    expect(dec(await store.get('kv/a.txt'))).toBe('two');
    await store.put('kv/empty', new Uint8Array(0));
    expect(await store.get('kv/empty')).toEqual(new Uint8Array(0));
    await store.put('kv/parts', [enc('on'), new Uint8Array(0), enc('e, two')]);
    expect(dec(await store.get('kv/parts'))).toBe('one, two');
    await store.delete('kv/a.txt');
    await store.delete('kv/a.txt');
    expect(await store.get('kv/a.txt')).toBeUndefined();

    const keys = Array.from({ length: 1030 }, (_, i) => `many/d${i % 3}/k${String(i).padStart(4, '0')}`);
    for (let i = 0; i < keys.length; i += 64) await Promise.all(keys.slice(i, i + 64).map((k) => store.put(k, enc(k))));
    const listed = await store.list('many/');
    expect(listed).toHaveLength(1030); // more than one ListObjectsV2 page (1000)
    expect(listed).toEqual([...keys].sort());
    expect(await store.list('many/d1/k000')).toEqual(['many/d1/k0001', 'many/d1/k0004', 'many/d1/k0007']);
    expect(await store.listPrefixes('many/')).toEqual(['many/d0/', 'many/d1/', 'many/d2/']);
    expect(await store.listPrefixes('')).toEqual(expect.arrayContaining(['kv/', 'many/']));
    expect(await store.list('nothing/')).toEqual([]);
    // A second store on a sub-prefix sees only its part, with keys relative to its root.
    const sub = open('/many');
    expect(await sub.list('d2/k000')).toEqual(['d2/k0002', 'd2/k0005', 'd2/k0008']);
    sub.destroy();
  });

  it('putIfAbsent: exactly one of two (or eight) concurrent creators wins', async () => {
    for (let round = 0; round < 5; round++) {
      const key = `race/two-${round}`;
      const results = await Promise.all([store.putIfAbsent(key, enc('A')), store.putIfAbsent(key, enc('B'))]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(dec(await store.get(key))).toBe(results[0] ? 'A' : 'B');
    }
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.putIfAbsent('race/eight', enc(`w${i}`))));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(dec(await store.get('race/eight'))).toBe(`w${results.indexOf(true)}`);
    expect(await store.putIfAbsent('race/eight', enc('late'))).toBe(false);
  });

  it('uploads a 40 MiB object as a multipart upload and reads it back intact', async () => {
    const big = randomBytes(40 * 1024 * 1024);
    const before = { ...store.stats };
    const t0 = performance.now();
    await store.put('big/blob.bin', big);
    const putMs = performance.now() - t0;
    expect(store.stats.multipartUploads - before.multipartUploads).toBe(1);
    expect(store.stats.requests - before.requests).toBe(5); // create + 3 parts (16+16+8 MiB) + complete
    const t1 = performance.now();
    const back = await store.get('big/blob.bin');
    const getMs = performance.now() - t1;
    expect(back?.length).toBe(big.length);
    expect(Buffer.from(back!).equals(big)).toBe(true);
    console.info(`s3-store: 40 MiB multipart put ${putMs.toFixed(0)} ms, get ${getMs.toFixed(0)} ms`);
    expect(await store.list('big/')).toEqual(['big/blob.bin']);
  });

  it('names bucket and key in errors: wrong secret, missing bucket', async () => {
    const wrong = open('', { credentials: { accessKeyId: CREDS.accessKeyId, secretAccessKey: SECRET } });
    const denied = await rejection(wrong.get('kv/empty'));
    expect(denied.message).toBe(`access denied to s3://${BUCKET}/${runPrefix}/kv/empty: check credentials (SignatureDoesNotMatch)`);
    expect(denied.message + String(denied.stack)).not.toContain(SECRET);
    wrong.destroy();
    const missing = openS3Store(`s3://no-such-bucket-${randomUUID().slice(0, 8)}/x`, { env: {}, endpoint: ENDPOINT, credentials: CREDS });
    const e = await rejection(missing.put('k', enc('x')));
    expect(e.message).toMatch(/^bucket 'no-such-bucket-[0-9a-f]{8}' does not exist \(endpoint http/);
    missing.destroy();
  });

  it('round-trips an Iceberg table (two commits, conflicts, listing) and PyIceberg reads it from MinIO', async () => {
    const wh = open('/wh');
    const schema: Schema = {
      fields: [
        { name: 'id', type: T.bigint, nullable: false },
        { name: 'ts', type: T.timestamp(6), nullable: true },
        { name: 'cat', type: T.varchar, nullable: true },
        { name: 'amount', type: T.decimal(10, 2), nullable: true },
      ],
    };
    const NOV1 = Date.UTC(2026, 10, 1) * 1000;
    const rows = (from: number, to: number): Value[][] =>
      Array.from({ length: to - from }, (_, k) => {
        const i = from + k;
        const id = BigInt(i) + (i === 0 ? 9007199254740993n : 0n);
        return [id, NOV1 + (i % 3) * 86_400_000_000 + i, i % 4 === 0 ? null : `c${i % 5}`, BigInt(i * 101 - 999)];
      });
    let t = await createTable(wh, 'features', 'spend', schema, [{ column: 'ts', transform: { kind: 'day' } }]);
    expect(t.location).toBe(`s3://${BUCKET}/${runPrefix}/wh/features/spend`);
    const again = await createTable(wh, 'features', 'spend', schema, []);
    expect(again.version).toBe(1);
    t = await commitAppend(t, await writeDataFiles(wh, t, rows(0, 50)), { 'streamforge.positions': '{"orders":{"0":50}}' });
    const base = t;
    t = await commitAppend(t, await writeDataFiles(wh, t, rows(50, 80)), { 'streamforge.positions': '{"orders":{"0":80}}' });
    // A second writer committing from the old base loses and leaves nothing referenced behind.
    await expect(commitAppend(base, await writeDataFiles(wh, base, rows(80, 81)))).rejects.toBeInstanceOf(CommitConflictError);

    const loaded = await loadTable(wh, 'features', 'spend');
    expect(loaded?.version).toBe(3);
    expect(loaded?.snapshots).toHaveLength(2);
    const files = await loaded!.liveDataFiles();
    expect(files.reduce((s, f) => s + f.recordCount, 0)).toBe(80);
    expect(files.every((f) => f.path.startsWith(`s3://${BUCKET}/${runPrefix}/wh/features/spend/data/ts_day=2026-11-0`))).toBe(true);
    expect(dec(await wh.get('features/spend/metadata/version-hint.text'))).toBe('3');
    await createTable(wh, 'other', 'empty', schema, []);
    expect(await listTables(wh)).toEqual([
      { namespace: 'features', name: 'spend' },
      { namespace: 'other', name: 'empty' },
    ]);

    if (!PY_READY) return;
    const out = JSON.parse(
      execFileSync(
        PY,
        [
          READ_TABLE,
          loaded!.metadataUri,
          ...['s3.endpoint=' + ENDPOINT, 's3.access-key-id=' + CREDS.accessKeyId, 's3.secret-access-key=' + CREDS.secretAccessKey]
            .concat(['s3.region=us-east-1', 's3.path-style-access=true'])
            .flatMap((p) => ['--prop', p]),
          '--filter',
          'id == 60',
        ],
        { encoding: 'utf8', maxBuffer: 64 << 20 },
      ),
    ) as {
      rows: Record<string, string | null>[];
      duckdb_rows: Record<string, string | null>[];
      count: number;
      files: number;
      field_ids_ok: boolean;
      field_id_errors: string[];
      snapshots: { summary: Record<string, string> }[];
      filtered: { rows: unknown[] }[];
      metadata_location: string;
    };
    const expected = rows(0, 80)
      .map((r) => JSON.stringify({ id: String(r[0]), ts: String(r[1]), cat: r[2], amount: formatDecimal(r[3] as bigint, 2) }))
      .sort();
    expect(out.metadata_location).toBe(loaded!.metadataUri);
    expect(out.count).toBe(80);
    expect(out.rows.map((r) => JSON.stringify(r)).sort()).toEqual(expected);
    expect(out.duckdb_rows.map((r) => JSON.stringify(r)).sort()).toEqual(expected);
    expect(out.files).toBe(files.length);
    expect(out.field_id_errors).toEqual([]);
    expect(out.snapshots.map((s) => s.summary['streamforge.positions'])).toEqual(['{"orders":{"0":50}}', '{"orders":{"0":80}}']);
    expect(out.filtered[0]!.rows).toEqual([{ id: '60', ts: String(NOV1 + 60), cat: null, amount: formatDecimal(60n * 101n - 999n, 2) }]);
    wh.destroy();
  });
});
