// Resolves an s3://bucket/prefix warehouse URI plus options (from code, or a sink's `s3.*` WITH
// options) and the standard AWS environment variables into the settings S3Store needs. No SDK, no
// I/O. Secrets may pass through here but never reach a message: describeS3Config() and every error
// text leave them out.
import { retryPolicy, type RetryPolicy } from './retry.js';

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface S3StoreOptions {
  /** e.g. 'http://127.0.0.1:19000' for MinIO; default AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL, else AWS. */
  readonly endpoint?: string;
  /** Default AWS_REGION, then AWS_DEFAULT_REGION, else 'us-east-1'. */
  readonly region?: string;
  /** Path-style addressing (http://host/bucket/key); default true when a custom endpoint is set. */
  readonly forcePathStyle?: boolean;
  /** Default AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), else the SDK's default chain. */
  readonly credentials?: S3Credentials;
  /** Retry policy overrides (default 8 attempts within ~30 s, backoff 200 ms doubling to 8 s, jittered). */
  readonly retry?: Partial<RetryPolicy>;
  /** Objects larger than this go up as multipart uploads in parts of this size (default 16 MiB, min 5 MiB). */
  readonly partSize?: number;
  /** Parts of one multipart upload in flight at once (default 4). */
  readonly partConcurrency?: number;
  /** TCP connect timeout (default 10 s). */
  readonly connectionTimeoutMs?: number;
  /** A request whose socket stays idle this long fails and is retried (default 60 s). */
  readonly socketTimeoutMs?: number;
  /** Environment to read AWS_* variables from (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface S3Config {
  readonly bucket: string;
  /** Key prefix of the warehouse inside the bucket: '' or 'a/b' (no leading or trailing '/'). */
  readonly prefix: string;
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly forcePathStyle: boolean;
  /** undefined: let the SDK's default provider chain find credentials (profiles, SSO, instance roles). */
  readonly credentials: S3Credentials | undefined;
  readonly credentialSource: 'options' | 'environment' | 'default-chain';
  readonly retry: RetryPolicy;
  readonly partSize: number;
  readonly partConcurrency: number;
  readonly connectionTimeoutMs: number;
  readonly socketTimeoutMs: number;
}

export const MIB = 1024 * 1024;
export const DEFAULT_PART_SIZE = 16 * MIB;
/** S3's smallest allowed part (all but the last). */
export const MIN_PART_SIZE = 5 * MIB;

/** An s3:// location that cannot be used; carries no secret. */
export class S3ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'S3ConfigError';
  }
}

const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Splits 's3://bucket/some/prefix/' into { bucket, prefix: 'some/prefix' }. */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(uri);
  if (!m) throw new S3ConfigError(`'${uri}' is not an s3:// URI (expected s3://bucket/prefix)`);
  const bucket = m[1]!;
  if (!BUCKET_RE.test(bucket) || bucket.includes('..'))
    throw new S3ConfigError(
      `'${uri}': invalid bucket name '${bucket}' (3-63 characters: lowercase letters, digits, '.' and '-')`,
    );
  const prefix = (m[2] ?? '').replace(/\/+$/, '');
  if (prefix !== '')
    for (const seg of prefix.split('/'))
      if (seg === '' || seg === '.' || seg === '..')
        throw new S3ConfigError(`'${uri}': invalid prefix (empty, '.' or '..' path segment)`);
  return { bucket, prefix };
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t === undefined || t === '' ? undefined : t;
}

/**
 * A sink's `s3.*` WITH options (keys as sql/ normalizes them, values after `${ENV}` substitution),
 * the same list as sql/binder/s3-options.ts S3_SINK_OPTION_KEYS, which validates them at plan time.
 */
export const S3_WITH_OPTIONS = {
  endpoint: 's3.endpoint',
  region: 's3.region',
  pathStyle: 's3.path_style_access',
  accessKeyId: 's3.access_key_id',
  secretAccessKey: 's3.secret_access_key',
  sessionToken: 's3.session_token',
} as const;

/** The `s3.*` entries of a WITH option record (other keys dropped), e.g. to key a cache by them. */
export function pickS3WithOptions(options: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.values(S3_WITH_OPTIONS)) {
    const v = options[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * Turns a sink's `s3.*` WITH options into S3StoreOptions; each option given wins over its AWS_*
 * environment variable, absent ones fall back to it. Empty values count as absent. Errors name
 * the option, never its value when it is a credential.
 */
export function s3StoreOptionsFromWith(options: Readonly<Record<string, string>>): S3StoreOptions {
  const get = (key: string): string | undefined => nonEmpty(options[key]);
  const endpoint = get(S3_WITH_OPTIONS.endpoint);
  const region = get(S3_WITH_OPTIONS.region);
  const pathStyleText = get(S3_WITH_OPTIONS.pathStyle)?.toLowerCase();
  if (pathStyleText !== undefined && pathStyleText !== 'true' && pathStyleText !== 'false')
    throw new S3ConfigError(`option '${S3_WITH_OPTIONS.pathStyle}' must be 'true' or 'false', got '${pathStyleText}'`);
  const accessKeyId = get(S3_WITH_OPTIONS.accessKeyId);
  const secretAccessKey = get(S3_WITH_OPTIONS.secretAccessKey);
  const sessionToken = get(S3_WITH_OPTIONS.sessionToken);
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined))
    throw new S3ConfigError(
      `options '${S3_WITH_OPTIONS.accessKeyId}' and '${S3_WITH_OPTIONS.secretAccessKey}' must be given together`,
    );
  if (sessionToken !== undefined && accessKeyId === undefined)
    throw new S3ConfigError(
      `option '${S3_WITH_OPTIONS.sessionToken}' needs '${S3_WITH_OPTIONS.accessKeyId}' and '${S3_WITH_OPTIONS.secretAccessKey}'`,
    );
  return {
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(pathStyleText !== undefined ? { forcePathStyle: pathStyleText === 'true' } : {}),
    ...(accessKeyId !== undefined && secretAccessKey !== undefined
      ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken !== undefined ? { sessionToken } : {}) } }
      : {}),
  };
}

function checkEndpoint(endpoint: string, from: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new S3ConfigError(`${from}: '${endpointLabel(endpoint)}' is not a URL (expected e.g. http://127.0.0.1:19000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new S3ConfigError(`${from}: endpoint must be http:// or https://, got '${url.protocol}'`);
  if (url.username !== '' || url.password !== '')
    throw new S3ConfigError(`${from}: do not put credentials in the endpoint URL; use AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY`);
  return endpoint.replace(/\/+$/, '');
}

/** The endpoint as safe to print: scheme, host and path only (user info and query dropped). */
export function endpointLabel(endpoint: string | undefined): string {
  if (endpoint === undefined) return 'AWS S3';
  try {
    const u = new URL(endpoint);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '<unparseable endpoint>';
  }
}

function positiveInt(name: string, v: number | undefined, dflt: number, min = 1): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < min) throw new S3ConfigError(`S3 option '${name}' must be an integer >= ${min}, got ${v}`);
  return v;
}

function resolveCredentials(
  options: S3StoreOptions,
  env: Readonly<Record<string, string | undefined>>,
): Pick<S3Config, 'credentials' | 'credentialSource'> {
  if (options.credentials) {
    const c = options.credentials;
    if (nonEmpty(c.accessKeyId) === undefined || nonEmpty(c.secretAccessKey) === undefined)
      throw new S3ConfigError('S3 credentials need both accessKeyId and secretAccessKey');
    return { credentials: c, credentialSource: 'options' };
  }
  const id = nonEmpty(env['AWS_ACCESS_KEY_ID']);
  const secret = nonEmpty(env['AWS_SECRET_ACCESS_KEY']);
  if (id !== undefined && secret === undefined)
    throw new S3ConfigError('AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not');
  if (id === undefined && secret !== undefined)
    throw new S3ConfigError('AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not');
  if (id !== undefined && secret !== undefined) {
    const token = nonEmpty(env['AWS_SESSION_TOKEN']);
    return {
      credentials: { accessKeyId: id, secretAccessKey: secret, ...(token !== undefined ? { sessionToken: token } : {}) },
      credentialSource: 'environment',
    };
  }
  return { credentials: undefined, credentialSource: 'default-chain' };
}

/** Options and environment merged, explicit options first. */
export function resolveS3Config(uri: string, options: S3StoreOptions = {}): S3Config {
  const env = options.env ?? process.env;
  const { bucket, prefix } = parseS3Uri(uri);
  const endpointRaw =
    options.endpoint !== undefined
      ? { value: options.endpoint, from: 'S3 option endpoint' }
      : nonEmpty(env['AWS_ENDPOINT_URL_S3']) !== undefined
        ? { value: env['AWS_ENDPOINT_URL_S3']!.trim(), from: 'AWS_ENDPOINT_URL_S3' }
        : nonEmpty(env['AWS_ENDPOINT_URL']) !== undefined
          ? { value: env['AWS_ENDPOINT_URL']!.trim(), from: 'AWS_ENDPOINT_URL' }
          : undefined;
  const endpoint = endpointRaw === undefined ? undefined : checkEndpoint(endpointRaw.value, endpointRaw.from);
  const region = nonEmpty(options.region) ?? nonEmpty(env['AWS_REGION']) ?? nonEmpty(env['AWS_DEFAULT_REGION']) ?? 'us-east-1';
  let retry: RetryPolicy;
  try {
    retry = retryPolicy(options.retry);
  } catch (e) {
    throw new S3ConfigError((e as Error).message);
  }
  return {
    bucket,
    prefix,
    endpoint,
    region,
    forcePathStyle: options.forcePathStyle ?? endpoint !== undefined,
    ...resolveCredentials(options, env),
    retry,
    partSize: positiveInt('partSize', options.partSize, DEFAULT_PART_SIZE, MIN_PART_SIZE),
    partConcurrency: positiveInt('partConcurrency', options.partConcurrency, 4),
    connectionTimeoutMs: positiveInt('connectionTimeoutMs', options.connectionTimeoutMs, 10_000),
    socketTimeoutMs: positiveInt('socketTimeoutMs', options.socketTimeoutMs, 60_000),
  };
}

/** One line for logs and `tables`/`status` output; never includes secrets. */
export function describeS3Config(c: S3Config): string {
  const root = c.prefix === '' ? `s3://${c.bucket}` : `s3://${c.bucket}/${c.prefix}`;
  return `${root} (endpoint ${endpointLabel(c.endpoint)}, region ${c.region}, ${
    c.forcePathStyle ? 'path-style' : 'virtual-hosted'
  }, credentials from ${c.credentialSource})`;
}
