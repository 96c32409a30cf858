// Iceberg partition specs: building a spec from SinkDef partition fields, the spec JSON form, the
// transforms identity/year/month/day/hour/bucket[N]/truncate[W] on runtime values, their result types,
// and Hive-style partition paths. Pure: no I/O; hashing lives in murmur3.ts, calendar math in calendar.ts.
import type { PartitionField, PartitionTransform } from '../model.js';
import type { Value } from '../types.js';
import { civilFromDays, daysOfMicros, formatDate, formatTimestamp, formatYear, MICROS_PER_HOUR } from './calendar.js';
import { hashDecimal, hashLong, hashString, murmur3_32 } from './murmur3.js';
import { IcebergSchemaError, type IcebergColumn, type IcebergSchema, type IcebergType } from './schema.js';
import { truncateCodePoints } from './value-order.js';

export interface IcebergPartitionField {
  readonly sourceId: number;
  readonly fieldId: number;
  readonly name: string;
  readonly transform: PartitionTransform;
}

export interface IcebergPartitionSpec {
  readonly specId: number;
  readonly fields: readonly IcebergPartitionField[];
}

export const FIRST_PARTITION_FIELD_ID = 1000;

export function transformToString(t: PartitionTransform): string {
  switch (t.kind) {
    case 'bucket':
      return `bucket[${t.n}]`;
    case 'truncate':
      return `truncate[${t.width}]`;
    default:
      return t.kind;
  }
}

export function parseTransform(s: string): PartitionTransform {
  const m = /^(bucket|truncate)\[(\d+)\]$/.exec(s);
  if (m) return m[1] === 'bucket' ? { kind: 'bucket', n: Number(m[2]) } : { kind: 'truncate', width: Number(m[2]) };
  switch (s) {
    case 'identity':
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
      return { kind: s };
    default:
      throw new IcebergSchemaError(`unsupported partition transform '${s}'`);
  }
}

/** Why `transform` cannot apply to a column of `source` type, or undefined when it can. */
export function partitionTransformError(source: IcebergType, t: PartitionTransform): string | undefined {
  const k = source.kind;
  const temporal = k === 'date' || k === 'timestamp' || k === 'timestamptz';
  switch (t.kind) {
    case 'identity':
      return undefined;
    case 'year':
    case 'month':
    case 'day':
      return temporal ? undefined : `${t.kind}() needs a DATE or TIMESTAMP column, not ${k}`;
    case 'hour':
      return k === 'timestamp' || k === 'timestamptz' ? undefined : `hour() needs a TIMESTAMP column, not ${k}`;
    case 'bucket':
      if (!Number.isInteger(t.n) || t.n < 1 || t.n > 2147483647) return `bucket[N] needs N >= 1, got ${t.n}`;
      return k === 'boolean' || k === 'double' ? `bucket[N] cannot hash a ${k} column` : undefined;
    case 'truncate':
      if (!Number.isInteger(t.width) || t.width < 1 || t.width > 2147483647) return `truncate[W] needs W >= 1, got ${t.width}`;
      return k === 'int' || k === 'long' || k === 'decimal' || k === 'string' || k === 'binary'
        ? undefined
        : `truncate[W] needs an integer, decimal, string or binary column, not ${k}`;
  }
}

/** Type of the partition value a transform produces. */
export function partitionResultType(source: IcebergType, t: PartitionTransform): IcebergType {
  switch (t.kind) {
    case 'identity':
    case 'truncate':
      return source;
    case 'day':
      return { kind: 'date' };
    case 'year':
    case 'month':
    case 'hour':
    case 'bucket':
      return { kind: 'int' };
  }
}

function defaultName(column: string, t: PartitionTransform): string {
  switch (t.kind) {
    case 'identity':
      return column;
    case 'bucket':
      return `${column}_bucket_${t.n}`;
    case 'truncate':
      return `${column}_trunc_${t.width}`;
    default:
      return `${column}_${t.kind}`;
  }
}

function findColumn(schema: IcebergSchema, name: string): IcebergColumn | undefined {
  return schema.columns.find((c) => c.name === name) ?? schema.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
}

/** Spec 0 for a new table; partition field ids start at 1000. */
export function buildPartitionSpec(schema: IcebergSchema, partitionBy: readonly PartitionField[]): IcebergPartitionSpec {
  const fields: IcebergPartitionField[] = [];
  const names = new Set<string>();
  for (const p of partitionBy) {
    const col = findColumn(schema, p.column);
    if (!col) throw new IcebergSchemaError(`partition column '${p.column}' is not a column of the table`);
    const err = partitionTransformError(col.type, p.transform);
    if (err) throw new IcebergSchemaError(`cannot partition by ${transformToString(p.transform)}(${col.name}): ${err}`);
    const name = defaultName(col.name, p.transform);
    if (names.has(name)) throw new IcebergSchemaError(`partition field '${name}' is listed twice`);
    if (p.transform.kind !== 'identity' && schema.columns.some((c) => c.name === name))
      throw new IcebergSchemaError(`partition field name '${name}' collides with a column of the same name`);
    names.add(name);
    fields.push({ sourceId: col.id, fieldId: FIRST_PARTITION_FIELD_ID + fields.length, name, transform: p.transform });
  }
  return { specId: 0, fields };
}

export function specFieldsToJson(spec: IcebergPartitionSpec): Record<string, unknown>[] {
  return spec.fields.map((f) => ({
    name: f.name,
    transform: transformToString(f.transform),
    'source-id': f.sourceId,
    'field-id': f.fieldId,
  }));
}

export function specToJson(spec: IcebergPartitionSpec): Record<string, unknown> {
  return { 'spec-id': spec.specId, fields: specFieldsToJson(spec) };
}

export function parseSpecJson(j: unknown): IcebergPartitionSpec {
  const o = j as { 'spec-id'?: unknown; fields?: unknown };
  if (typeof o !== 'object' || o === null || !Array.isArray(o.fields)) throw new IcebergSchemaError('partition spec JSON has no fields');
  const fields = (o.fields as unknown[]).map((f, i): IcebergPartitionField => {
    const fo = f as { name?: unknown; transform?: unknown; 'source-id'?: unknown; 'field-id'?: unknown };
    if (typeof fo.name !== 'string' || typeof fo.transform !== 'string' || typeof fo['source-id'] !== 'number')
      throw new IcebergSchemaError('malformed partition field');
    const fieldId = typeof fo['field-id'] === 'number' ? fo['field-id'] : FIRST_PARTITION_FIELD_ID + i;
    return { name: fo.name, transform: parseTransform(fo.transform), sourceId: fo['source-id'], fieldId };
  });
  return { specId: typeof o['spec-id'] === 'number' ? o['spec-id'] : 0, fields };
}

/** Source column and result type of each spec field, in spec order. */
export function specFieldTypes(
  schema: IcebergSchema,
  spec: IcebergPartitionSpec,
): { readonly column: IcebergColumn; readonly index: number; readonly resultType: IcebergType }[] {
  return spec.fields.map((f) => {
    const index = schema.columns.findIndex((c) => c.id === f.sourceId);
    const column = schema.columns[index];
    if (!column) throw new IcebergSchemaError(`partition field '${f.name}' refers to unknown column id ${f.sourceId}`);
    return { column, index, resultType: partitionResultType(column.type, f.transform) };
  });
}

type Fn = (v: Value) => Value;

function civilOf(source: IcebergType): (v: number) => ReturnType<typeof civilFromDays> {
  return source.kind === 'date' ? (d) => civilFromDays(d) : (us) => civilFromDays(daysOfMicros(us));
}

/** The transform as a function on runtime values of `source` type; null maps to null. */
export function transformFunction(source: IcebergType, t: PartitionTransform): Fn {
  const err = partitionTransformError(source, t);
  if (err) throw new IcebergSchemaError(err);
  switch (t.kind) {
    case 'identity':
      return (v) => v;
    case 'year': {
      const civil = civilOf(source);
      return (v) => (v === null ? null : civil(v as number).year - 1970);
    }
    case 'month': {
      const civil = civilOf(source);
      return (v) => {
        if (v === null) return null;
        const c = civil(v as number);
        return (c.year - 1970) * 12 + c.month - 1;
      };
    }
    case 'day':
      return source.kind === 'date' ? (v) => v : (v) => (v === null ? null : daysOfMicros(v as number));
    case 'hour':
      return (v) => (v === null ? null : Math.floor((v as number) / MICROS_PER_HOUR));
    case 'bucket': {
      const n = t.n;
      const hash = bucketHash(source);
      return (v) => (v === null ? null : (hash(v) & 0x7fffffff) % n);
    }
    case 'truncate':
      return truncateFunction(source, t.width);
  }
}

function bucketHash(source: IcebergType): (v: Value) => number {
  switch (source.kind) {
    case 'int':
    case 'date':
    case 'timestamp':
    case 'timestamptz':
      return (v) => hashLong(v as number);
    case 'long':
      return (v) => hashLong(v as bigint);
    case 'decimal':
      return (v) => hashDecimal(v as bigint);
    case 'string':
      return (v) => hashString(v as string);
    case 'binary':
      return (v) => murmur3_32(v as Uint8Array);
    case 'boolean':
    case 'double':
      throw new IcebergSchemaError(`bucket[N] cannot hash a ${source.kind} column`);
  }
}

function truncateFunction(source: IcebergType, w: number): Fn {
  switch (source.kind) {
    // int and long wrap around as Java's int/long arithmetic does (the reference implementation):
    // near the type's minimum, v - remainder would leave the type
    case 'int':
      return (v) => (v === null ? null : ((v as number) - (((((v as number) % w) + w) | 0) % w)) | 0);
    case 'long': {
      const bw = BigInt(w);
      const wrap = (x: bigint): bigint => BigInt.asIntN(64, x);
      return (v) => (v === null ? null : wrap((v as bigint) - (wrap(((v as bigint) % bw) + bw) % bw)));
    }
    case 'decimal': {
      const bw = BigInt(w);
      return (v) => (v === null ? null : (v as bigint) - ((((v as bigint) % bw) + bw) % bw));
    }
    case 'string':
      return (v) => (v === null ? null : truncateCodePoints(v as string, w));
    case 'binary':
      return (v) => (v === null ? null : (v as Uint8Array).slice(0, w));
    default:
      throw new IcebergSchemaError(`truncate[W] cannot apply to a ${source.kind} column`);
  }
}

/** Plain decimal text of an unscaled value: (1420n, 2) -> "14.20". */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  let digits = (neg ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = digits.slice(0, digits.length - scale) + '.' + digits.slice(digits.length - scale);
  }
  return (neg ? '-' : '') + digits;
}

/** Human-readable text of a value of an Iceberg type (partition paths, diagnostics). */
export function humanValue(t: IcebergType, v: Value): string {
  if (v === null) return 'null';
  switch (t.kind) {
    case 'decimal':
      return formatDecimal(v as bigint, t.scale);
    case 'date':
      return formatDate(v as number);
    case 'timestamp':
      return formatTimestamp(v as number, false);
    case 'timestamptz':
      return formatTimestamp(v as number, true);
    case 'binary':
      return Buffer.from(v as Uint8Array).toString('base64');
    default:
      return String(v);
  }
}

/** Human-readable text of a partition value (Java/PyIceberg conventions for dates and hours). */
export function partitionValueText(source: IcebergType, t: PartitionTransform, v: Value): string {
  if (v === null) return 'null';
  switch (t.kind) {
    case 'identity':
    case 'truncate':
      return humanValue(source, v);
    case 'year':
      return formatYear(1970 + (v as number));
    case 'month': {
      const m = v as number;
      const y = 1970 + Math.floor(m / 12);
      return `${formatYear(y)}-${String(m - Math.floor(m / 12) * 12 + 1).padStart(2, '0')}`;
    }
    case 'day':
      return formatDate(v as number);
    case 'hour': {
      const h = v as number;
      const d = Math.floor(h / 24);
      return `${formatDate(d)}-${String(h - d * 24).padStart(2, '0')}`;
    }
    case 'bucket':
      return String(v);
  }
}

function escapePathPart(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** `name=value/...` for a partition tuple (values in spec order); '' for an unpartitioned spec. */
export function partitionPath(schema: IcebergSchema, spec: IcebergPartitionSpec, values: readonly Value[]): string {
  const types = specFieldTypes(schema, spec);
  return spec.fields
    .map((f, i) => `${escapePathPart(f.name)}=${escapePathPart(partitionValueText(types[i]!.column.type, f.transform, values[i] ?? null))}`)
    .join('/');
}
