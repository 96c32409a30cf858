// A sink's s3.* WITH options for s3:// warehouses: mapping to S3 settings (options win over the
// AWS_* environment), per-warehouse merging in Warehouses, the signed requests they produce
// (checked with SigV4 by a local endpoint), secrets absent from every diagnostic, explain text and
// error, and, when MinIO is reachable (STREAMFORGE_S3_ENDPOINT, default http://127.0.0.1:19000)
// and dist/ is built, the compiled CLI's run --once, tables and query with options beating wrong
// AWS_* variables. The MinIO part is skipped with a warning otherwise.
import { spawn } from 'node:child_process';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CLI, REPO } from '../harness/cli.js';
import type { SinkDef } from '../../catalog/model.js';
import type { ObjectStore } from '../../catalog/store/object-store.js';
import {
  resolveS3Config,
  S3_WITH_OPTIONS,
  S3ConfigError,
  s3StoreOptionsFromWith,
  type S3StoreOptions,
} from '../../catalog/store/s3-config.js';
import { openS3Store, type S3Store } from '../../catalog/store/s3-store.js';
import { EngineError } from '../../engine/core/errors.js';
import { Warehouses } from '../../engine/runtime/warehouses.js';
import { S3_SINK_OPTION_KEYS } from '../../sql/binder/s3-options.js';
import { explain, planScript, renderDiagnostic } from '../../sql/index.js';
import { maskSecretValues } from '../../sql/redact.js';

const SECRET = 'opt-SECRET-never-printed-4711';
const TOKEN = 'opt-TOKEN-never-printed-0815';
const ENV_SECRET = 'env-SECRET-never-printed-2718';

const sink = (name: string, options: Record<string, string>, warehouse?: string): SinkDef => ({
  kind: 'sink',
  name,
  connector: 'iceberg',
  ...(warehouse !== undefined ? { warehouse } : {}),
  namespace: 'default',
  table: name,
  partitionBy: [],
  commitIntervalMs: 1000,
  format: 'append',
  options,
  baseDir: '.',
});

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an exception');
}

describe('s3.* options -> S3 settings', () => {
  const env = {
    AWS_ENDPOINT_URL: 'http://env-endpoint:9000',
    AWS_REGION: 'ap-south-1',
    AWS_ACCESS_KEY_ID: 'ENVKEY',
    AWS_SECRET_ACCESS_KEY: ENV_SECRET,
    AWS_SESSION_TOKEN: 'env-token',
  };

  it('names the same options as the plan-time validation', () => {
    expect(Object.values(S3_WITH_OPTIONS)).toEqual(S3_SINK_OPTION_KEYS);
  });

  it('each option given wins over its AWS_* variable; the others come from the environment', () => {
    const all = s3StoreOptionsFromWith({
      's3.endpoint': 'http://minio:9000',
      's3.region': 'eu-central-1',
      's3.path_style_access': 'FALSE',
      's3.access_key_id': 'OPTKEY',
      's3.secret_access_key': SECRET,
      's3.session_token': TOKEN,
      table: 'ignored',
    });
    expect(all).toEqual({
      endpoint: 'http://minio:9000',
      region: 'eu-central-1',
      forcePathStyle: false,
      credentials: { accessKeyId: 'OPTKEY', secretAccessKey: SECRET, sessionToken: TOKEN },
    });
    expect(resolveS3Config('s3://bkt/wh', { ...all, env })).toMatchObject({
      endpoint: 'http://minio:9000',
      region: 'eu-central-1',
      forcePathStyle: false,
      credentialSource: 'options',
      credentials: { accessKeyId: 'OPTKEY', secretAccessKey: SECRET, sessionToken: TOKEN },
    });
    // A key pair from options never borrows the environment's session token.
    const pair = resolveS3Config('s3://bkt', { ...s3StoreOptionsFromWith({ 's3.access_key_id': 'K', 's3.secret_access_key': SECRET }), env });
    expect(pair.credentials).toEqual({ accessKeyId: 'K', secretAccessKey: SECRET });
    // Only the region: endpoint (hence path-style) and credentials from the environment.
    const some = resolveS3Config('s3://bkt', { ...s3StoreOptionsFromWith({ 's3.region': 'us-west-2' }), env });
    expect(some).toMatchObject({ endpoint: 'http://env-endpoint:9000', region: 'us-west-2', forcePathStyle: true, credentialSource: 'environment' });
    // Only the endpoint: path-style by default; 'true' spelled out is the same.
    expect(resolveS3Config('s3://bkt', { ...s3StoreOptionsFromWith({ 's3.endpoint': 'http://m:1' }), env: {} }).forcePathStyle).toBe(true);
    expect(resolveS3Config('s3://bkt', { ...s3StoreOptionsFromWith({ 's3.path_style_access': 'true' }), env: {} })).toMatchObject({
      endpoint: undefined,
      forcePathStyle: true,
    });
    expect(s3StoreOptionsFromWith({})).toEqual({});
  });

  it('rejects inconsistent options without printing their values', () => {
    const half = thrown(() => s3StoreOptionsFromWith({ 's3.secret_access_key': SECRET }));
    expect(half).toBeInstanceOf(S3ConfigError);
    expect(half.message).toBe("options 's3.access_key_id' and 's3.secret_access_key' must be given together");
    const token = thrown(() => s3StoreOptionsFromWith({ 's3.session_token': TOKEN }));
    expect(token.message).toMatch(/'s3.session_token' needs/);
    expect(token.message).not.toContain(TOKEN);
    expect(thrown(() => s3StoreOptionsFromWith({ 's3.path_style_access': 'maybe' })).message).toMatch(/'true' or 'false'/);
  });
});

describe('Warehouses with s3.* options', () => {
  const opened: { uri: string; options: S3StoreOptions }[] = [];
  const fake = (uri: string, options: S3StoreOptions): ObjectStore => {
    opened.push({ uri, options });
    return { rootUri: uri } as unknown as ObjectStore;
  };
  afterEach(() => void (opened.length = 0));

  it('merges the options of the sinks of one warehouse and hands them to the opener once', () => {
    const w = new Warehouses('s3://warehouse/default/', fake);
    w.configure([
      sink('a', { 's3.endpoint': 'http://m:9000', table: 'x' }, 's3://warehouse/features/'),
      sink('b', { 's3.access_key_id': 'K', 's3.secret_access_key': SECRET }, 's3://warehouse/features'),
      sink('c', { 's3.region': 'eu-west-3' }), // the default warehouse
      sink('d', { 's3.region': 'never-used' }, './local-dir'),
      { ...sink('e', { 's3.region': 'console-only' }), connector: 'console' },
    ]);
    const features = w.open('s3://warehouse/features');
    expect(w.open('s3://warehouse/features//')).toBe(features);
    w.open(undefined);
    expect(opened).toEqual([
      {
        uri: 's3://warehouse/features',
        options: { endpoint: 'http://m:9000', credentials: { accessKeyId: 'K', secretAccessKey: SECRET } },
      },
      { uri: 's3://warehouse/default', options: { region: 'eu-west-3' } },
    ]);
    // Dead-letter tables open a warehouse by name only and get the same store.
    expect(w.open('s3://warehouse/features')).toBe(features);
  });

  it('refuses two different values of one option for one warehouse, naming sinks and option only', () => {
    const w = new Warehouses('./wh', fake);
    const e = thrown(() =>
      w.configure([
        sink('first', { 's3.secret_access_key': SECRET, 's3.access_key_id': 'K' }, 's3://b1/x'),
        sink('second', { 's3.secret_access_key': ENV_SECRET, 's3.access_key_id': 'K' }, 's3://b1/x/'),
      ]),
    );
    expect(e).toBeInstanceOf(EngineError);
    expect((e as EngineError).kind).toBe('config');
    expect(e.message).toBe(
      "configuration error: sinks 'first' and 'second' write to warehouse 's3://b1/x' with different values of option " +
        "'s3.secret_access_key'; sinks sharing a warehouse need the same s3.* options",
    );
    expect(e.message).not.toContain(SECRET);
    expect(e.message).not.toContain(ENV_SECRET);
  });

  it('turns bad settings into a configuration error without secrets', () => {
    const w = new Warehouses('s3://bkt/x', openS3Store);
    w.configure([sink('s', { 's3.endpoint': `http://user:${SECRET}@host:9000` })]);
    const e = thrown(() => w.open(undefined));
    expect(e).toBeInstanceOf(EngineError);
    expect((e as EngineError).kind).toBe('config');
    expect(e.message).toMatch(/^configuration error: warehouse 's3:\/\/bkt\/x': S3 option endpoint: do not put credentials in the endpoint URL/);
    expect(e.message).not.toContain(SECRET);
    const bucket = thrown(() => new Warehouses('s3://B1/x', openS3Store).open(undefined));
    expect(bucket.message).toMatch(/^configuration error: 's3:\/\/B1\/x': invalid bucket name 'B1'/);
  });

  it('chooses the warehouse query/tables read from --warehouse or the pipeline sinks', () => {
    const sinks = [sink('a', { 's3.region': 'r1' }, 's3://b1/x'), sink('b', {}, 's3://b1/x/'), sink('c', {})];
    const one = Warehouses.forReading(undefined, sinks, fake);
    expect(one.defaultWarehouse).toBe('s3://b1/x');
    one.open(undefined);
    expect(opened).toEqual([{ uri: 's3://b1/x', options: { region: 'r1' } }]);
    expect(Warehouses.forReading('s3://other/y', sinks, fake).defaultWarehouse).toBe('s3://other/y');
    expect(Warehouses.forReading(undefined, [sink('c', {})], fake).defaultWarehouse).toBe('./warehouse');
    const two = thrown(() => Warehouses.forReading(undefined, [...sinks, sink('d', {}, 's3://b2')], fake));
    expect(two.message).toMatch(/write to 2 warehouses \(s3:\/\/b1\/x, s3:\/\/b2\): choose one with --warehouse/);
  });
});

// ---------------------------------------------------------------------------------------------
// A local endpoint that checks AWS Signature Version 4 with the secret it expects.

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
const uriEncode = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

/** Verifies the request's SigV4 signature against `secret`; returns the access key id and region it claims. */
function verifySigV4(req: IncomingMessage, secret: string): { ok: boolean; accessKeyId: string; region: string } {
  const auth = req.headers.authorization ?? '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return { ok: false, accessKeyId: '', region: '' };
  const [, accessKeyId, date, region, signedHeaders, signature] = m as unknown as [string, string, string, string, string, string];
  const url = new URL(req.url ?? '/', 'http://x');
  const path = url.pathname.split('/').map((seg) => uriEncode(decodeURIComponent(seg))).join('/');
  const query = [...url.searchParams.entries()]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const names = signedHeaders.split(';');
  const headers = names.map((n) => `${n}:${String(req.headers[n] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonical = [req.method, path, query, headers, signedHeaders, String(req.headers['x-amz-content-sha256'])].join('\n');
  const amzDate = String(req.headers['x-amz-date']);
  const scope = `${date}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac('AWS4' + secret, date), region), 's3'), 'aws4_request');
  return { ok: createHmac('sha256', key).update(toSign).digest('hex') === signature, accessKeyId, region };
}

interface Signed {
  readonly method: string;
  readonly path: string;
  readonly accessKeyId: string;
  readonly region: string;
  readonly token: string | undefined;
  readonly signatureOk: boolean;
}

async function signingEndpoint(secret: string): Promise<{ endpoint: string; seen: Signed[]; close: () => Promise<void> }> {
  const seen: Signed[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const v = verifySigV4(req, secret);
      seen.push({
        method: req.method ?? '',
        path: new URL(req.url ?? '/', 'http://x').pathname,
        accessKeyId: v.accessKeyId,
        region: v.region,
        token: req.headers['x-amz-security-token'] as string | undefined,
        signatureOk: v.ok,
      });
      const body = v.ok
        ? Buffer.from('hello')
        : Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code><Message>no</Message></Error>');
      res.writeHead(v.ok ? 200 : 403, { 'content-length': String(body.length), etag: '"0123456789abcdef0123456789abcdef"' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const SQL = (withOptions: string): string => `
CREATE SOURCE orders (id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH (path = 'orders.jsonl', changelog = 'append');
CREATE SINK copy WITH (warehouse = 's3://bkt/wh', ${withOptions}) AS SELECT id, ts FROM orders;
`;

describe('from the WITH clause to signed S3 requests', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  /** Plans `sql` with `env`, configures Warehouses from its sinks and opens the sink's warehouse. */
  function storeFromSql(sql: string, env: Record<string, string>): S3Store {
    const { plans, diagnostics } = planScript([{ path: 'p.sql', text: sql }], { env });
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => renderDiagnostic(d, sql))).toEqual([]);
    const w = new Warehouses('./unused', (uri, o) => openS3Store(uri, { ...o, retry: { maxAttempts: 1 } }));
    w.configure(plans.sinks.map((s) => s.sink));
    return w.open(plans.sinks[0]!.sink.warehouse) as S3Store;
  }

  it('options win over AWS_* variables: endpoint, path-style, region, key pair, token and secret reach the client', async () => {
    const s3 = await signingEndpoint(SECRET);
    try {
      Object.assign(process.env, {
        AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
        AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1',
        AWS_REGION: 'ap-south-1',
        AWS_ACCESS_KEY_ID: 'ENVKEY',
        AWS_SECRET_ACCESS_KEY: ENV_SECRET,
        AWS_SESSION_TOKEN: 'env-token',
      });
      const store = storeFromSql(
        SQL(`s3.endpoint = '\${EP}', s3.region = 'eu-central-1', s3.access_key_id = 'OPTKEY',
             s3.secret_access_key = '\${SEC}', 's3.session-token' = '\${TOK}'`),
        { EP: s3.endpoint, SEC: SECRET, TOK: TOKEN },
      );
      expect(store.describe()).toBe(`s3://bkt/wh (endpoint ${s3.endpoint}, region eu-central-1, path-style, credentials from options)`);
      expect(new TextDecoder().decode(await store.get('ns/t/metadata/version-hint.text'))).toBe('hello');
      await store.put('ns/t/data/f.parquet', new TextEncoder().encode('parquet bytes'));
      store.destroy();
      expect(s3.seen).toEqual([
        { method: 'GET', path: '/bkt/wh/ns/t/metadata/version-hint.text', accessKeyId: 'OPTKEY', region: 'eu-central-1', token: TOKEN, signatureOk: true },
        { method: 'PUT', path: '/bkt/wh/ns/t/data/f.parquet', accessKeyId: 'OPTKEY', region: 'eu-central-1', token: TOKEN, signatureOk: true },
      ]);
    } finally {
      await s3.close();
    }
  });

  it('without credential options the AWS_* key pair signs; a wrong secret is a 403 that prints no secret', async () => {
    const s3 = await signingEndpoint(ENV_SECRET);
    try {
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'ENVKEY', AWS_SECRET_ACCESS_KEY: ENV_SECRET, AWS_REGION: 'us-west-2' });
      delete process.env['AWS_SESSION_TOKEN'];
      const store = storeFromSql(SQL(`s3.endpoint = '${s3.endpoint}'`), {});
      expect(new TextDecoder().decode(await store.get('k'))).toBe('hello');
      expect(s3.seen[0]).toEqual({ method: 'GET', path: '/bkt/wh/k', accessKeyId: 'ENVKEY', region: 'us-west-2', token: undefined, signatureOk: true });
      store.destroy();

      const wrong = storeFromSql(
        SQL(`s3.endpoint = '${s3.endpoint}', s3.access_key_id = 'OPTKEY', s3.secret_access_key = '\${SEC}'`),
        { SEC: SECRET },
      );
      const e = await wrong.get('k').then(
        () => undefined,
        (err: unknown) => err as Error,
      );
      expect(e?.message).toBe('access denied to s3://bkt/wh/k: check credentials (SignatureDoesNotMatch)');
      expect(inspect(e, { depth: 5 })).not.toContain(SECRET);
      expect(inspect(wrong, { depth: 10 })).not.toContain(SECRET);
      wrong.destroy();
    } finally {
      await s3.close();
    }
  });
});

describe('secrets stay out of diagnostics and explain output', () => {
  it('renders literal secrets and URL user info as stars, and never a substituted value', () => {
    const env = { SEC: SECRET, TOK: TOKEN, EP: `http://u:${ENV_SECRET}@h:1` };
    const sql = `
CREATE SOURCE orders (id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH (path = 'o.jsonl', changelog = 'append');
CREATE SINK a WITH (warehouse = 's3://b1/x', s3.access_key_id = 'K', s3.secret_access_key = '\${SEC}', s3.session_token = '\${TOK}', bogus = 1) AS SELECT id FROM orders;
CREATE SINK b WITH (warehouse = 's3://b1/x', s3.secret_access_key = '${SECRET}', 's3.session-token' = '${TOKEN}', s3.region = '?') AS SELECT id FROM orders;
CREATE SINK c WITH (s3.endpoint = '\${EP}', s3.access_key_id = 'K', s3.secret_access_key
   = '${SECRET}') AS SELECT nope FROM orders;
CREATE SINK d WITH (warehouse = 's3://b1/x', s3.endpoint = 'http://me:${SECRET}@minio:9000') AS SELECT id FROM orders;
`;
    const { diagnostics } = planScript([{ path: 'p.sql', text: sql }], { env });
    const rendered = diagnostics.map((d) => renderDiagnostic(d, sql)).join('\n');
    expect(diagnostics.map((d) => d.code).sort()).toEqual(
      [
        'invalid-option-value', // region '?'
        'invalid-option-value', // c: endpoint with user info (from ${EP})
        'invalid-option-value', // d: endpoint with user info
        'missing-option', // b: secret without key id
        'missing-option', // b: token without key pair
        'plain-text-secret', // b: secret
        'plain-text-secret', // b: token
        'plain-text-secret', // c: secret
        'unknown-column', // c: nope
        'unknown-option', // a: bogus
      ].sort(),
    );
    for (const s of [SECRET, TOKEN, ENV_SECRET]) expect(rendered).not.toContain(s);
    expect(rendered).toContain(`s3.secret_access_key = '${'*'.repeat(SECRET.length)}'`);
    expect(rendered).toContain(`   = '${'*'.repeat(SECRET.length)}') AS SELECT nope FROM orders`);
    expect(rendered).toContain("s3.secret_access_key = '${SEC}'"); // a variable's name is fine
    expect(rendered).toContain(`'http://${'*'.repeat(`me:${SECRET}`.length)}@minio:9000'`);

    const ok = planScript([{ path: 'p.sql', text: SQL(`s3.access_key_id = 'K', s3.secret_access_key = '\${SEC}', s3.session_token = '\${TOK}'`) }], { env });
    expect(ok.diagnostics).toEqual([]);
    const text = ok.plans.sinks.map((s) => explain(s.plan)).join('\n');
    expect(text).toMatch(/SinkWrite: sink=copy/);
    for (const s of [SECRET, TOKEN]) expect(text).not.toContain(s);
  });

  it('masks only values, keeps offsets, and leaves ${NAME} references alone', () => {
    const line = `x = 'a', 'S3.Secret-Access-Key' = 'p''q', s3 . session_token = abc, s3.secret_access_key = '\${A}\${B}', u = 'https://me:pw@h'`;
    const masked = maskSecretValues(line);
    expect(masked).toBe(`x = 'a', 'S3.Secret-Access-Key' = '****', s3 . session_token = ***, s3.secret_access_key = '\${A}\${B}', u = 'https://*****@h'`);
    expect(masked.length).toBe(line.length);
  });
});

// ---------------------------------------------------------------------------------------------
// Real MinIO through the compiled CLI.

const ENDPOINT = process.env['STREAMFORGE_S3_ENDPOINT'] ?? 'http://127.0.0.1:19000';
const BUCKET = process.env['STREAMFORGE_S3_BUCKET'] ?? 'warehouse';
const KEY_ID = process.env['STREAMFORGE_S3_ACCESS_KEY'] ?? 'streamforge';
const KEY_SECRET = process.env['STREAMFORGE_S3_SECRET_KEY'] ?? 'streamforge-secret';
const REACHABLE = await fetch(ENDPOINT, { signal: AbortSignal.timeout(2000) }).then(
  () => true,
  () => false,
);
const BUILT = existsSync(CLI);
if (!REACHABLE || !BUILT)
  console.warn(
    `SKIPPED s3-options MinIO tests: ${!REACHABLE ? `no S3 endpoint at ${ENDPOINT} (deploy/local/minio.sh start, or set STREAMFORGE_S3_ENDPOINT)` : 'dist/ is not built (npx tsc -p tsconfig.json)'}`,
  );

interface Exit {
  readonly status: number;
  readonly out: string;
}
function cli(args: readonly string[], cwd: string, env: Record<string, string | undefined>): Promise<Exit> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', rej);
    child.on('close', (code) => res({ status: code ?? -1, out: Buffer.concat(chunks).toString('utf8') }));
  });
}

describe.skipIf(!REACHABLE || !BUILT)(`s3.* sink options on MinIO (${ENDPOINT}), compiled CLI`, () => {
  const prefix = `s3-options-test/${randomUUID()}`;
  const work = mkdtempSync(join(tmpdir(), 'sf-s3-options-'));
  const admin = openS3Store(`s3://${BUCKET}/${prefix}`, { env: {}, endpoint: ENDPOINT, credentials: { accessKeyId: KEY_ID, secretAccessKey: KEY_SECRET } });
  // Every AWS_* variable points somewhere wrong: only the options can make this work.
  const env = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    STREAMFORGE_CACHE: join(work, 'cache'),
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_REGION: 'eu-north-1',
    AWS_ACCESS_KEY_ID: 'WRONGKEY',
    AWS_SECRET_ACCESS_KEY: 'wrong-secret-from-environment',
    SF_S3_ENDPOINT: ENDPOINT,
    SF_S3_KEY: KEY_ID,
    SF_S3_SECRET: KEY_SECRET,
    SF_WAREHOUSE: `s3://${BUCKET}/${prefix}`,
  };
  afterAll(async () => {
    const keys = await admin.list('');
    for (let i = 0; i < keys.length; i += 32) await Promise.all(keys.slice(i, i + 32).map((k) => admin.delete(k)));
    admin.destroy();
    rmSync(work, { recursive: true, force: true });
  });

  it('run --once writes with the options; tables and query --pipeline read with them; no secret is printed', async () => {
    const dir = join(work, 'pipeline');
    mkdirSync(dir, { recursive: true });
    const events: string[] = [];
    const t0 = Date.UTC(2026, 10, 1);
    for (let i = 1; i <= 30; i++)
      events.push(
        JSON.stringify({ before: null, after: { id: i, customer_id: i % 3, amount: `${i}.25`, created_at: t0 + i * 10_000 }, op: 'c', ts_ms: t0 + i * 10_000 }),
      );
    writeFileSync(join(dir, 'orders.jsonl'), events.join('\n') + '\n');
    writeFileSync(
      join(dir, 'pipeline.sql'),
      `CREATE SOURCE orders (id BIGINT, customer_id BIGINT, amount DECIMAL(10,2), created_at TIMESTAMP(3),
  PRIMARY KEY (id), WATERMARK FOR created_at AS created_at - INTERVAL '5' SECOND) WITH (path = 'orders.jsonl');
CREATE SINK spend WITH (
  warehouse = '\${SF_WAREHOUSE}', table = 'features.spend',
  s3.endpoint = '\${SF_S3_ENDPOINT}', s3.region = 'us-east-1',
  s3.access_key_id = '\${SF_S3_KEY}', s3.secret_access_key = '\${SF_S3_SECRET}'
) AS SELECT customer_id, window_start, window_end, COUNT(*) AS orders, SUM(amount) AS spend
FROM TUMBLE(orders, created_at, INTERVAL '1' MINUTE) GROUP BY customer_id, window_start, window_end;
`,
    );
    const ran = await cli(['run', dir, '--once'], REPO, env);
    expect(ran.out).toMatch(/sink spend: \d+ rows written in 1 snapshots/);
    expect(ran.status).toBe(0);
    expect(ran.out).toContain(`s3://${BUCKET}/${prefix}/features/spend`);

    const tables = await cli(['tables', '--pipeline', dir], REPO, env);
    expect(tables.status, tables.out).toBe(0);
    expect(tables.out).toMatch(/features\.spend\s+1\s+\d+\s+\d+\s+s3:\/\//);

    const q = await cli(['query', 'SELECT SUM(orders) AS n, SUM(spend) AS total FROM features.spend', '--pipeline', dir, '--format', 'csv'], REPO, env);
    expect(q.status, q.out).toBe(0);
    expect(q.out).toBe('n,total\n30,472.50\n'); // 1.25 + ... + 30.25 = 465 + 7.5

    // Without --pipeline only the environment counts: right endpoint, wrong key pair.
    const envOnly = await cli(['tables', '--warehouse', env.SF_WAREHOUSE], REPO, { ...env, AWS_ENDPOINT_URL: ENDPOINT });
    expect(envOnly.status).toBe(2);
    expect(envOnly.out).toMatch(/access denied to s3:\/\/.*check credentials \(InvalidAccessKeyId\)/);

    // A wrong secret in the options: access denied, and neither secret is printed.
    const denied = await cli(['tables', '--pipeline', dir], REPO, { ...env, SF_S3_SECRET: 'not-the-minio-secret' });
    expect(denied.status).toBe(2);
    expect(denied.out).toMatch(/access denied to s3:\/\/.*check credentials/);
    for (const r of [ran, tables, q, envOnly, denied])
      for (const s of [KEY_SECRET, 'not-the-minio-secret', 'wrong-secret-from-environment']) expect(r.out).not.toContain(s);
  });
});
