// WITH (...) options of sources and sinks: `${NAME}` substitution from the environment (values
// are never printed), duplicate/unknown/inapplicable keys, enumerated values, durations and
// required options per connector. Produces the typed fields of SourceDef / SinkDef (sinks' s3.*
// options: s3-options.ts). Pure: the environment arrives as a plain record.
import type { OnError } from '../../catalog/model.js';
import type { OptionAst } from '../ast.js';
import type { Diagnostics } from '../diagnostic.js';
import { parseDurationMs } from '../durations.js';
import type { Span } from '../source.js';
import { closestName, didYouMean } from '../suggest.js';
import { KAFKA_PROPERTIES, kafkaPropertyProblem, kafkaSaslProblem } from './kafka-options.js';
import { canonicalOptionKey, checkS3Options } from './s3-options.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** An option after substitution; `offset` maps value index 0 to the file when that is exact. */
export interface ResolvedOption {
  readonly key: string;
  readonly value: string;
  readonly ast: OptionAst;
  readonly offset?: number;
  /** The value holds `${NAME}` substitutions: messages show `written`, never `value`. */
  readonly fromEnv: boolean;
  /** The value as messages may show it (as written in the file). */
  readonly written: string;
  /** A referenced variable was unset (already reported; the value is incomplete). */
  readonly unsetEnv?: true;
}

interface OptionSpec {
  /** Allowed values (lower-case), compared case-insensitively. */
  readonly values?: readonly string[];
  readonly duration?: boolean;
  /** Connectors the option applies to; all when absent. */
  readonly connectors?: readonly string[];
}

const SOURCE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  connector: { values: ['file', 'kafka'] },
  path: { connectors: ['file'] },
  topic: { connectors: ['kafka'] },
  bootstrap_servers: { connectors: ['kafka'] },
  group_id: { connectors: ['kafka'] },
  startup: { values: ['earliest', 'latest', 'committed'], connectors: ['kafka'] },
  format: { values: ['debezium-json'] },
  changelog: { values: ['retract', 'append'] },
  idle_timeout: { duration: true },
  on_error: { values: ['dead_letter', 'skip', 'fail'] },
};

const SINK_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  connector: { values: ['iceberg', 'console'] },
  warehouse: { connectors: ['iceberg'] },
  table: { connectors: ['iceberg'] },
  partition_by: { connectors: ['iceberg'] },
  commit_interval: { duration: true, connectors: ['iceberg'] },
  format: { values: ['append', 'changelog'] },
  's3.endpoint': { connectors: ['iceberg'] },
  's3.region': { connectors: ['iceberg'] },
  's3.path_style_access': { values: ['true', 'false'], connectors: ['iceberg'] },
  's3.access_key_id': { connectors: ['iceberg'] },
  's3.secret_access_key': { connectors: ['iceberg'] },
  's3.session_token': { connectors: ['iceberg'] },
};

/** Kafka client settings pass through as `properties.<name>`. */
const PASS_THROUGH_PREFIX = 'properties.';

export const DEFAULT_IDLE_TIMEOUT_MS = 10_000;
export const DEFAULT_COMMIT_INTERVAL_MS = 10_000;

/** Span of value characters [from, to) when they map 1:1 to the file, else the whole value. */
export function valueSpan(o: ResolvedOption, from: number, to: number): Span {
  if (o.offset === undefined) return o.ast.valueSpan;
  return { path: o.ast.valueSpan.path, start: o.offset + from, end: o.offset + Math.max(to, from + 1) };
}

/** Substitutes `${NAME}` references; reports each unset name once. */
function substitute(o: OptionAst, env: Env, diags: Diagnostics): ResolvedOption {
  let changed = false;
  let unset = false;
  const value = o.value.replace(/\$\{([^}]*)\}/g, (whole, name: string, index: number) => {
    changed = true;
    const v = env[name];
    if (v === undefined) {
      unset = true;
      const span =
        o.valueOffset !== undefined
          ? { path: o.valueSpan.path, start: o.valueOffset + index, end: o.valueOffset + index + whole.length }
          : o.valueSpan;
      diags.error('unset-env-var', `environment variable '${name}' is not set`, span, {
        help: [`set ${name} in the environment of the process, or write the value into the option`],
      });
      return '';
    }
    return v;
  });
  return {
    key: o.key,
    value,
    ast: o,
    ...(changed || o.valueOffset === undefined ? {} : { offset: o.valueOffset }),
    fromEnv: changed,
    written: o.value,
    ...(unset ? { unsetEnv: true as const } : {}),
  };
}

class OptionSet {
  readonly byKey = new Map<string, ResolvedOption>();

  constructor(
    readonly owner: string,
    readonly specs: Readonly<Record<string, OptionSpec>>,
    readonly diags: Diagnostics,
  ) {}

  get(key: string): ResolvedOption | undefined {
    return this.byKey.get(key);
  }

  /** The option when its value can be judged: not one whose \${NAME} is unset (already reported). */
  judged(key: string): ResolvedOption | undefined {
    const o = this.byKey.get(key);
    return o?.unsetEnv === true ? undefined : o;
  }

  /** Lower-cased value of an enumerated option (validated), or the default. */
  choice(key: string, dflt: string): string {
    const o = this.judged(key);
    if (!o) return dflt;
    const allowed = this.specs[key]!.values!;
    const v = o.value.trim().toLowerCase();
    if (allowed.includes(v)) return v;
    this.diags.error('invalid-option-value', `invalid value '${o.written}' for option '${key}'`, o.ast.valueSpan, {
      help: [...(o.fromEnv ? [] : didYouMean(v, allowed)), `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}`],
    });
    return dflt;
  }

  durationMs(key: string, dflt: number): number {
    const o = this.judged(key);
    if (!o) return dflt;
    const r = parseDurationMs(o.value);
    if ('error' in r || r.ms <= 0) {
      this.diags.error('invalid-option-value', `invalid duration '${o.written}' for option '${key}'`, o.ast.valueSpan, {
        notes: 'error' in r ? (o.fromEnv ? [] : [r.error]) : ['it must be greater than zero'],
        help: ["write a positive duration with a unit, e.g. '10s', '500ms' or '1 minute'"],
      });
      return dflt;
    }
    return r.ms;
  }

  require(key: string, connector: string, at: Span, example: string): void {
    if (this.byKey.has(key)) return;
    this.diags.error('missing-option', `${this.owner} is missing option '${key}' (required by connector '${connector}')`, at, {
      help: [`add ${key} = '${example}' to WITH (...)`],
    });
  }

  /** Warns about options that the chosen connector does not read. */
  checkApplicable(connector: string): void {
    for (const [key, o] of this.byKey) {
      const spec = this.specs[key];
      const applies = spec ? !spec.connectors || spec.connectors.includes(connector) : connector === 'kafka';
      if (!applies)
        this.diags.warning('ignored-option', `option '${key}' is ignored by connector '${connector}'`, o.ast.keySpan);
    }
  }

  record(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, o] of this.byKey) out[k] = o.value;
    return out;
  }
}

function collect(
  owner: string,
  asts: readonly OptionAst[],
  specs: Readonly<Record<string, OptionSpec>>,
  env: Env,
  diags: Diagnostics,
  allowPassThrough: boolean,
): OptionSet {
  const set = new OptionSet(owner, specs, diags);
  for (const written of asts) {
    const key = canonicalOptionKey(written.key);
    const o = key === written.key ? written : { ...written, key };
    const known = specs[key] !== undefined || (allowPassThrough && key.startsWith(PASS_THROUGH_PREFIX) && key.length > PASS_THROUGH_PREFIX.length);
    if (!known) {
      const best = closestName(key, Object.keys(specs));
      diags.error('unknown-option', `unknown option '${written.key}' for ${owner}`, o.keySpan, {
        help: best ? [`did you mean '${best}'?`] : [`options: ${Object.keys(specs).join(', ')}`],
      });
      continue;
    }
    if (set.byKey.has(key)) {
      diags.error('duplicate-name', `option '${key}' is given twice`, o.keySpan, { help: ['remove one of them'] });
      continue;
    }
    set.byKey.set(key, substitute(o, env, diags));
  }
  return set;
}

export interface SourceOptions {
  readonly connector: 'file' | 'kafka';
  readonly format: 'debezium-json';
  readonly changelog: 'retract' | 'append';
  readonly onError: OnError;
  readonly idleTimeoutMs: number;
  readonly options: Record<string, string>;
}

/**
 * Validates a source's options. connector defaults to 'kafka' when `topic` is given without
 * `path`, else 'file'; changelog 'retract', on_error 'dead_letter', idle_timeout 10 s.
 */
export function sourceOptions(name: string, asts: readonly OptionAst[], env: Env, diags: Diagnostics, nameSpan: Span): SourceOptions {
  const set = collect(`source '${name}'`, asts, SOURCE_OPTIONS, env, diags, true);
  const inferred = set.get('topic') && !set.get('path') ? 'kafka' : 'file';
  const connector = set.choice('connector', inferred) as 'file' | 'kafka';
  set.checkApplicable(connector);
  if (connector === 'file') set.require('path', connector, nameSpan, `data/${name}.jsonl`);
  else {
    set.require('topic', connector, nameSpan, `server.schema.${name}`);
    set.require('bootstrap_servers', connector, nameSpan, 'localhost:9092');
  }
  for (const key of ['path', 'topic', 'bootstrap_servers', 'group_id']) {
    const o = set.get(key);
    if (o && o.value.trim() === '' && o.ast.value.indexOf('${') < 0)
      diags.error('invalid-option-value', `option '${key}' must not be empty`, o.ast.valueSpan);
  }
  const options = set.record();
  if (connector === 'kafka') {
    // judged here, not when the source opens, so `check` reports them (the value as the runtime reads it)
    if (set.get('startup')) options['startup'] = set.choice('startup', 'earliest');
    checkKafkaProperties(set, diags, nameSpan);
  }
  return {
    connector,
    format: set.choice('format', 'debezium-json') as 'debezium-json',
    changelog: set.choice('changelog', 'retract') as 'retract' | 'append',
    onError: set.choice('on_error', 'dead_letter') as OnError,
    idleTimeoutMs: set.durationMs('idle_timeout', DEFAULT_IDLE_TIMEOUT_MS),
    options,
  };
}

/** The `properties.*` options of a Kafka source: supported names, their values, SASL credentials. */
function checkKafkaProperties(set: OptionSet, diags: Diagnostics, nameSpan: Span): void {
  const props = new Map<string, string>();
  for (const [key, o] of set.byKey) {
    if (!key.startsWith(PASS_THROUGH_PREFIX) || o.unsetEnv === true) continue;
    const name = key.slice(PASS_THROUGH_PREFIX.length);
    props.set(name, o.value);
    const problem = kafkaPropertyProblem(name, o.value, o.fromEnv ? o.written : o.value);
    if (problem === undefined) continue;
    const known = (KAFKA_PROPERTIES as readonly string[]).includes(name);
    diags.error(known ? 'invalid-option-value' : 'unknown-option', problem, known ? o.ast.valueSpan : o.ast.keySpan, {
      help: known ? [] : didYouMean(key, KAFKA_PROPERTIES.map((p) => PASS_THROUGH_PREFIX + p)),
    });
  }
  const sasl = kafkaSaslProblem(props);
  if (sasl !== undefined) diags.error('missing-option', sasl, nameSpan);
}

export interface SinkOptions {
  readonly connector: 'iceberg' | 'console';
  readonly warehouse?: string;
  readonly namespace: string;
  readonly table: string;
  readonly commitIntervalMs: number;
  readonly format: 'append' | 'changelog';
  readonly partitionBy?: ResolvedOption;
  readonly options: Record<string, string>;
}

const TABLE_PART = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Validates a sink's options (partition_by is returned raw: it needs the query's schema). */
export function sinkOptions(name: string, asts: readonly OptionAst[], env: Env, diags: Diagnostics): SinkOptions {
  const set = collect(`sink '${name}'`, asts, SINK_OPTIONS, env, diags, false);
  const connector = set.choice('connector', 'iceberg') as 'iceberg' | 'console';
  set.checkApplicable(connector);
  let namespace = 'default';
  let table = name;
  const t = set.judged('table');
  if (t) {
    const parts = t.value.trim().split('.');
    if (parts.length === 0 || !parts.every((p) => TABLE_PART.test(p))) {
      diags.error('invalid-option-value', `invalid table name '${t.written}'`, t.ast.valueSpan, {
        help: ["write 'namespace.table' using letters, digits and underscores"],
      });
    } else {
      table = parts[parts.length - 1]!;
      if (parts.length > 1) namespace = parts.slice(0, -1).join('.');
    }
  }
  const w = set.get('warehouse');
  if (w && w.value.trim() === '' && w.ast.value.indexOf('${') < 0)
    diags.error('invalid-option-value', "option 'warehouse' must not be empty", w.ast.valueSpan);
  const partitionBy = set.judged('partition_by');
  if (connector === 'iceberg') {
    set.choice('s3.path_style_access', 'true');
    checkS3Options(`sink '${name}'`, (k) => set.get(k), w, diags);
  }
  return {
    connector,
    ...(w && w.value.trim() !== '' ? { warehouse: w.value.trim() } : {}),
    namespace,
    table,
    commitIntervalMs: set.durationMs('commit_interval', DEFAULT_COMMIT_INTERVAL_MS),
    format: set.choice('format', 'append') as 'append' | 'changelog',
    ...(partitionBy ? { partitionBy } : {}),
    options: set.record(),
  };
}
