// Plan-time checks of an Iceberg sink's `s3.*` options (endpoint, region, path-style addressing,
// credentials) for s3:// warehouses. Reports problems as diagnostics that never contain a secret
// value; the runtime (catalog/store/s3-config.ts) turns the same options into client settings.
import type { Diagnostics } from '../diagnostic.js';
import { SECRET_OPTION_KEYS } from '../redact.js';
import type { ResolvedOption } from './options.js';

/** The sink options of s3:// warehouses, in documentation order. */
export const S3_SINK_OPTION_KEYS: readonly string[] = [
  's3.endpoint',
  's3.region',
  's3.path_style_access',
  's3.access_key_id',
  's3.secret_access_key',
  's3.session_token',
];

/**
 * `s3.*` keys are also accepted in Iceberg's spelling with hyphens (`'s3.access-key-id'`, as in
 * PyIceberg and Iceberg's S3FileIO); both name the same option.
 */
export function canonicalOptionKey(key: string): string {
  return key.startsWith('s3.') ? key.replace(/-/g, '_') : key;
}

// http(s)://host[:port][/path]: no user info, query or fragment.
const ENDPOINT_RE = /^https?:\/\/(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:\/[^\s?#@]*)?$/;
const REGION_RE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** "its value comes from '${NAME}'" when the value was substituted: the message shows only what was written. */
const fromEnvNote = (o: ResolvedOption): string[] => (o.fromEnv ? [`its value comes from '${o.written}'`] : []);

/**
 * Checks the `s3.*` options of sink `owner` ("sink 'x'"): non-empty values, endpoint URL shape,
 * region shape, both halves of a key pair, a session token only with a key pair, secrets written
 * as `${NAME}` (a warning otherwise), and options that an explicit non-s3 warehouse ignores.
 * `s3.path_style_access` values are checked as an enumerated option by the caller.
 */
export function checkS3Options(
  owner: string,
  get: (key: string) => ResolvedOption | undefined,
  warehouse: ResolvedOption | undefined,
  diags: Diagnostics,
): void {
  const given = S3_SINK_OPTION_KEYS.flatMap((k) => {
    const o = get(k);
    return o ? [o] : [];
  });
  if (given.length === 0) return;
  const w = warehouse?.value.trim();
  if (w !== undefined && w !== '' && !w.startsWith('s3://')) {
    for (const o of given)
      diags.warning('ignored-option', `option '${o.key}' is ignored: warehouse '${warehouse!.written}' is not an s3:// location`, o.ast.keySpan);
    return;
  }
  for (const o of given) {
    if (o.unsetEnv) continue;
    if (o.value.trim() === '') {
      diags.error('invalid-option-value', `option '${o.key}' must not be empty`, o.ast.valueSpan, {
        notes: fromEnvNote(o),
        help: ['remove the option to take the setting from the standard AWS environment variables'],
      });
      continue;
    }
    if (SECRET_OPTION_KEYS.includes(o.key) && !o.fromEnv)
      diags.warning('plain-text-secret', `option '${o.key}' holds a secret written into the file`, o.ast.keySpan, {
        help: [`write ${o.key} = '\${${o.key === 's3.session_token' ? 'AWS_SESSION_TOKEN' : 'AWS_SECRET_ACCESS_KEY'}}' and set the variable where the pipeline runs`],
      });
  }
  const endpoint = get('s3.endpoint');
  if (endpoint && !endpoint.unsetEnv && endpoint.value.trim() !== '') {
    const v = endpoint.value.trim();
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(v))
      diags.error('invalid-option-value', "option 's3.endpoint' must not contain credentials", endpoint.ast.valueSpan, {
        notes: fromEnvNote(endpoint),
        help: ['write only scheme, host and port, and give the key pair as s3.access_key_id / s3.secret_access_key'],
      });
    else if (!ENDPOINT_RE.test(v))
      diags.error('invalid-option-value', `invalid endpoint '${endpoint.written}' for option 's3.endpoint'`, endpoint.ast.valueSpan, {
        notes: endpoint.fromEnv ? [`the value of '${endpoint.written}' is not an http:// or https:// URL`] : [],
        help: ["write an http:// or https:// URL with host and port, e.g. 'http://127.0.0.1:19000'"],
      });
  }
  const region = get('s3.region');
  if (region && !region.unsetEnv && region.value.trim() !== '' && !REGION_RE.test(region.value.trim()))
    diags.error('invalid-option-value', `invalid region '${region.written}' for option 's3.region'`, region.ast.valueSpan, {
      notes: fromEnvNote(region),
      help: ["write a region name such as 'us-east-1' (letters, digits, '-' and '_')"],
    });
  const id = get('s3.access_key_id');
  const secret = get('s3.secret_access_key');
  const token = get('s3.session_token');
  if (id && !secret)
    diags.error('missing-option', `${owner} sets 's3.access_key_id' but not 's3.secret_access_key'`, id.ast.keySpan, {
      help: ["add s3.secret_access_key = '${AWS_SECRET_ACCESS_KEY}', or remove s3.access_key_id to take credentials from the environment"],
    });
  if (secret && !id)
    diags.error('missing-option', `${owner} sets 's3.secret_access_key' but not 's3.access_key_id'`, secret.ast.keySpan, {
      help: ["add s3.access_key_id = '${AWS_ACCESS_KEY_ID}', or remove s3.secret_access_key to take credentials from the environment"],
    });
  if (token && !(id && secret))
    diags.error('missing-option', "'s3.session_token' needs 's3.access_key_id' and 's3.secret_access_key'", token.ast.keySpan, {
      help: ['give the temporary key pair that belongs to the token, or remove s3.session_token'],
    });
}
