// Per-column decoding plans for the Debezium decoder: how a JSON value becomes the declared
// type (decimal form and scale, epoch unit of numbers, timestamp truncation, fast conversion
// class), from the declared SourceColumn and, when the envelope carries one, the Kafka Connect
// schema block; SchemaCache parses each distinct schema text once. No I/O.
import { Buffer } from 'node:buffer';
import type { SourceColumn } from '../../catalog/model.js';
import { typeToString } from '../../catalog/types.js';
import { pow10n } from './debezium-values.js';

export type Conv = 'boolean' | 'int' | 'bigint' | 'double' | 'decimal' | 'varchar' | 'date' | 'timestamp' | 'bytes' | 'json';

/** How a decimal column's string values are encoded: base64 Connect Decimal, plain text, a
 *  VariableScaleDecimal struct, or unknown (plain text if it parses as a number, else base64). */
export type DecimalForm = 'auto' | 'bytes' | 'text' | 'variable';

/** What an integer JSON number means for a DATE/TIMESTAMP column. */
export type EpochUnit = 'days' | 'ms' | 'us' | 'ns';

export interface ColumnPlan {
  readonly index: number;
  readonly name: string;
  /** SQL spelling of the declared type, for messages. */
  readonly typeText: string;
  readonly conv: Conv;
  readonly nullable: boolean;
  /** DECIMAL: declared scale, and 10^precision (exclusive bound of the unscaled magnitude). */
  readonly scale: number;
  readonly limit: bigint;
  /** `limit` as a number (exact up to 10^22; compared with magnitudes below 2^53 only). */
  readonly limitNumber: number;
  readonly decimalForm: DecimalForm;
  /** Scale of base64-encoded decimals (schema parameter, else the declared scale). */
  readonly bytesScale: number;
  readonly unit: EpochUnit;
  /** TIMESTAMP(p < 6): microseconds are floored to a multiple of this (10^(6-p)); else 1. */
  readonly truncMicros: number;
  /** Which common token forms the fast path converts inline (FAST_*; see fastKind). */
  readonly fast: number;
}

// fast conversion classes (envelope-fast.ts); anything else takes the general conversion
export const FAST_NONE = 0;
export const FAST_BIGINT = 1;
export const FAST_DECIMAL = 2;
export const FAST_VARCHAR = 3;
/** TIMESTAMP whose integers are epoch ms (kept whole) or epoch µs (at full precision). */
export const FAST_TS_MS = 4;
export const FAST_TS_US = 5;

/** The fast conversion class of a plan (computed whenever a plan is built). */
export function fastKind(p: Omit<ColumnPlan, 'fast'>): number {
  switch (p.conv) {
    case 'bigint':
      return FAST_BIGINT;
    case 'decimal':
      return FAST_DECIMAL;
    case 'varchar':
    case 'json':
      return FAST_VARCHAR;
    case 'timestamp':
      if (p.unit === 'ms' && p.truncMicros <= 1000) return FAST_TS_MS;
      if (p.unit === 'us' && p.truncMicros === 1) return FAST_TS_US;
      return FAST_NONE;
    default:
      return FAST_NONE;
  }
}

function withFast(p: Omit<ColumnPlan, 'fast'>): ColumnPlan {
  return { ...p, fast: fastKind(p) };
}

function unitForPrecision(p: number): EpochUnit {
  return p <= 3 ? 'ms' : p <= 6 ? 'us' : 'ns';
}

/** Plan from the declared column alone (no schema block). */
export function declaredPlan(col: SourceColumn, index: number): ColumnPlan {
  const t = col.type;
  let conv: Conv;
  let scale = 0;
  let limit = 0n;
  let unit: EpochUnit = 'days';
  let truncMicros = 1;
  switch (t.kind) {
    case 'boolean':
    case 'int':
    case 'bigint':
    case 'double':
    case 'varchar':
    case 'bytes':
    case 'json':
      conv = t.kind;
      break;
    case 'decimal':
      conv = 'decimal';
      scale = t.scale;
      limit = pow10n(t.precision);
      break;
    case 'date':
      conv = 'date';
      break;
    case 'timestamp':
    case 'timestamptz':
      conv = 'timestamp';
      unit = unitForPrecision(t.precision);
      truncMicros = t.precision < 6 ? 10 ** (6 - t.precision) : 1;
      break;
    case 'interval':
    case 'null':
      throw new Error(`source column '${col.name}': type ${typeToString(t)} cannot be read from Debezium JSON`);
  }
  if (col.metadata !== undefined && conv === 'timestamp') {
    // envelope times say their unit in their name: ts_ms, source.ts_us, ts_ns ...
    const m = /_(ms|us|ns)$/.exec(col.metadata);
    if (m) unit = m[1] as EpochUnit;
  }
  return withFast({
    index,
    name: col.name,
    typeText: typeToString(t),
    conv,
    nullable: col.nullable,
    scale,
    limit,
    limitNumber: Number(limit),
    decimalForm: 'auto',
    bytesScale: scale,
    unit,
    truncMicros,
  });
}

/** One field of a Kafka Connect struct schema, as the JSON converter writes it. */
interface ConnectField {
  readonly field?: unknown;
  readonly type?: unknown;
  readonly name?: unknown;
  readonly parameters?: unknown;
  readonly fields?: unknown;
}

const TIME_UNITS: Readonly<Record<string, EpochUnit>> = {
  'io.debezium.time.Timestamp': 'ms',
  'org.apache.kafka.connect.data.Timestamp': 'ms',
  'io.debezium.time.MicroTimestamp': 'us',
  'io.debezium.time.NanoTimestamp': 'ns',
  'io.debezium.time.Date': 'days',
  'org.apache.kafka.connect.data.Date': 'days',
};

/** Refines a declared plan with what the schema block says about that column's field. */
export function refinePlan(base: ColumnPlan, f: ConnectField): ColumnPlan {
  const name = typeof f.name === 'string' ? f.name : '';
  const type = typeof f.type === 'string' ? f.type : '';
  switch (base.conv) {
    case 'decimal': {
      if (name === 'org.apache.kafka.connect.data.Decimal') {
        const p = f.parameters as Record<string, unknown> | undefined;
        const sc = p && typeof p === 'object' ? Number(p['scale']) : NaN;
        return withFast({ ...base, decimalForm: 'bytes', bytesScale: Number.isInteger(sc) ? sc : base.scale });
      }
      if (name === 'io.debezium.data.VariableScaleDecimal') return withFast({ ...base, decimalForm: 'variable' });
      if (type === 'string' || type.startsWith('float') || type.startsWith('int')) return withFast({ ...base, decimalForm: 'text' });
      return base;
    }
    case 'date':
    case 'timestamp': {
      const u = TIME_UNITS[name];
      return u === undefined ? base : withFast({ ...base, unit: u });
    }
    default:
      return base;
  }
}

/** The fields of the row struct ('after', else 'before') of an envelope schema, or null. */
export function rowFields(schema: unknown): readonly ConnectField[] | null {
  if (schema === null || typeof schema !== 'object') return null;
  const fields = (schema as ConnectField).fields;
  if (!Array.isArray(fields)) return null;
  let found: readonly ConnectField[] | null = null;
  for (const f of fields as ConnectField[]) {
    if (f && (f.field === 'after' || (f.field === 'before' && found === null)) && Array.isArray(f.fields)) {
      found = f.fields as ConnectField[];
    }
  }
  return found;
}

/** Plans for every column given a parsed schema block: declared plans refined by matching fields
 *  (name matched exactly first, else case-insensitively). METADATA columns keep their plans. */
export function plansForSchema(
  columns: readonly SourceColumn[],
  declared: readonly ColumnPlan[],
  schema: unknown,
): ColumnPlan[] {
  const fields = rowFields(schema);
  if (fields === null) return declared.slice();
  const exact = new Map<string, ConnectField>();
  const lower = new Map<string, ConnectField>();
  for (const f of fields) {
    if (!f || typeof f.field !== 'string') continue;
    exact.set(f.field, f);
    const l = f.field.toLowerCase();
    if (!lower.has(l)) lower.set(l, f);
  }
  return declared.map((p, i) => {
    const col = columns[i]!;
    if (col.metadata !== undefined) return p;
    const f = exact.get(col.name) ?? lower.get(col.name.toLowerCase());
    return f ? refinePlan(p, f) : p;
  });
}

const compare = Buffer.prototype.compare as (this: Uint8Array, t: Uint8Array, ts: number, te: number, ss: number, se: number) => number;

export interface SchemaEntry {
  readonly text: string;
  /** The text's UTF-8 bytes (compared with a batch's codes, which are bytes of ASCII text). */
  readonly bytes: Buffer;
  readonly plans: ColumnPlan[];
}

/** Plans per distinct schema block text (most recent first, bounded): each text is parsed once. */
export class SchemaCache {
  private readonly entries: SchemaEntry[] = [];

  constructor(
    private readonly columns: readonly SourceColumn[],
    /** The plans without a schema block. */
    readonly declared: ColumnPlan[],
    private readonly max = 8,
  ) {}

  get size(): number {
    return this.entries.length;
  }

  /** The cached schema whose text starts at s[i], or null. */
  match(s: string, i: number): SchemaEntry | null {
    const cache = this.entries;
    for (let k = 0; k < cache.length; k++) {
      const e = cache[k]!;
      const n = e.text.length;
      if (s.length - i >= n && s.charCodeAt(i + n - 1) === 125 && s.slice(i, i + n) === e.text) return this.promote(k);
    }
    return null;
  }

  /** The cached schema whose bytes start at codes u[i] (ASCII text ending before `end`), or null. */
  matchBytes(u: Uint8Array, i: number, end: number): SchemaEntry | null {
    const cache = this.entries;
    for (let k = 0; k < cache.length; k++) {
      const e = cache[k]!;
      const n = e.bytes.length;
      if (end - i >= n && u[i + n - 1] === 125 && compare.call(u, e.bytes, 0, n, i, i + n) === 0) return this.promote(k);
    }
    return null;
  }

  /** Entry k, moved to the front (the most recent schema is tried first). */
  private promote(k: number): SchemaEntry {
    const cache = this.entries;
    const e = cache[k]!;
    if (k > 0) {
      cache[k] = cache[0]!;
      cache[0] = e;
    }
    return e;
  }

  /** Plans for the (valid JSON) schema object s[a..b). */
  plansFor(s: string, a: number, b: number): ColumnPlan[] {
    const hit = this.match(s, a);
    if (hit !== null && hit.text.length === b - a) return hit.plans;
    const text = s.slice(a, b);
    const plans = plansForSchema(this.columns, this.declared, JSON.parse(text));
    if (this.entries.length >= this.max) this.entries.pop();
    this.entries.unshift({ text, bytes: Buffer.from(text, 'utf8'), plans });
    return plans;
  }
}
