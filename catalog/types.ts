// The shared type vocabulary of every layer: SQL data types, fields, schemas and runtime values.
// Pure declarations and tiny helpers only: no I/O, no SQL parsing, no operators.
//
// Runtime representation of each DataType (the contract every layer relies on):
//   boolean      -> boolean
//   int          -> number (32-bit integral)
//   bigint       -> bigint (exact 64-bit; never a JS number)
//   double       -> number
//   decimal(p,s) -> bigint holding the UNSCALED value (123.45 in DECIMAL(10,2) is 12345n)
//   varchar      -> string
//   date         -> number, days since 1970-01-01
//   timestamp    -> number, MICROseconds since epoch (wall clock, no zone), integral
//   timestamptz  -> number, MICROseconds since epoch (UTC instant), integral
//   bytes        -> Uint8Array
//   json         -> string (the JSON text)
//   interval     -> number, microseconds (expressions only; never stored in a table)
//   null         -> null (type of an untyped NULL literal)
// SQL NULL is always `null`, whatever the type.

export type DataType =
  | { readonly kind: 'boolean' }
  | { readonly kind: 'int' }
  | { readonly kind: 'bigint' }
  | { readonly kind: 'double' }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'varchar' }
  | { readonly kind: 'date' }
  | { readonly kind: 'timestamp'; readonly precision: number }
  | { readonly kind: 'timestamptz'; readonly precision: number }
  | { readonly kind: 'bytes' }
  | { readonly kind: 'json' }
  | { readonly kind: 'interval' }
  | { readonly kind: 'null' };

export type DataTypeKind = DataType['kind'];

export type Value = null | boolean | number | bigint | string | Uint8Array;
/** Positional row; names live in the Schema that describes it. */
export type Row = readonly Value[];

export interface Field {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
}

export interface Schema {
  readonly fields: readonly Field[];
}

export const T = {
  boolean: { kind: 'boolean' } as DataType,
  int: { kind: 'int' } as DataType,
  bigint: { kind: 'bigint' } as DataType,
  double: { kind: 'double' } as DataType,
  varchar: { kind: 'varchar' } as DataType,
  date: { kind: 'date' } as DataType,
  bytes: { kind: 'bytes' } as DataType,
  json: { kind: 'json' } as DataType,
  interval: { kind: 'interval' } as DataType,
  null: { kind: 'null' } as DataType,
  decimal: (precision: number, scale: number): DataType => ({ kind: 'decimal', precision, scale }),
  timestamp: (precision = 6): DataType => ({ kind: 'timestamp', precision }),
  timestamptz: (precision = 6): DataType => ({ kind: 'timestamptz', precision }),
} as const;

/** SQL spelling of a type, used by diagnostics and EXPLAIN. */
export function typeToString(t: DataType): string {
  switch (t.kind) {
    case 'decimal':
      return `DECIMAL(${t.precision},${t.scale})`;
    case 'timestamp':
      return `TIMESTAMP(${t.precision})`;
    case 'timestamptz':
      return `TIMESTAMPTZ(${t.precision})`;
    case 'bigint':
      return 'BIGINT';
    case 'int':
      return 'INT';
    case 'double':
      return 'DOUBLE';
    case 'varchar':
      return 'VARCHAR';
    default:
      return t.kind.toUpperCase();
  }
}

export function sameType(a: DataType, b: DataType): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'decimal' && b.kind === 'decimal') return a.precision === b.precision && a.scale === b.scale;
  if ((a.kind === 'timestamp' || a.kind === 'timestamptz') && (b.kind === 'timestamp' || b.kind === 'timestamptz'))
    return a.precision === b.precision;
  return true;
}

export function isNumeric(t: DataType): boolean {
  return t.kind === 'int' || t.kind === 'bigint' || t.kind === 'double' || t.kind === 'decimal';
}

export function isTemporal(t: DataType): boolean {
  return t.kind === 'timestamp' || t.kind === 'timestamptz' || t.kind === 'date';
}

/** Maps a UTF-16 unit so that plain numeric comparison gives code-point order. */
function fixup(u: number): number {
  if (u >= 0xd800) return u >= 0xe000 ? u - 0x800 : u + 0x2000;
  return u;
}

/**
 * Strings in code-point order, which is their UTF-8 byte order (as Iceberg, DuckDB, Flink and
 * PostgreSQL's C collation compare them), not JS's UTF-16 unit order.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return fixup(x) - fixup(y);
  }
  return a.length - b.length;
}

/** Byte strings in unsigned lexicographic order. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
