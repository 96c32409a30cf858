// Iceberg table schemas: the primitive types StreamForge writes, the DataType -> Iceberg mapping,
// field-id assignment and the schema JSON form. Runtime values per Iceberg type follow catalog/types.ts
// (long/decimal -> bigint, timestamps -> number µs, date -> number days, binary -> Uint8Array).
import type { DataType, Schema } from '../types.js';

export type IcebergType =
  | { readonly kind: 'boolean' }
  | { readonly kind: 'int' }
  | { readonly kind: 'long' }
  | { readonly kind: 'double' }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'string' }
  | { readonly kind: 'date' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'timestamptz' }
  | { readonly kind: 'binary' };

export interface IcebergColumn {
  readonly id: number;
  readonly name: string;
  readonly type: IcebergType;
  readonly required: boolean;
}

export interface IcebergSchema {
  readonly schemaId: number;
  readonly columns: readonly IcebergColumn[];
}

export class IcebergSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IcebergSchemaError';
  }
}

/** The Iceberg column type for a SQL type; throws for types that cannot be stored. */
export function icebergTypeOf(t: DataType): IcebergType {
  switch (t.kind) {
    case 'boolean':
      return { kind: 'boolean' };
    case 'int':
      return { kind: 'int' };
    case 'bigint':
      return { kind: 'long' };
    case 'double':
      return { kind: 'double' };
    case 'decimal':
      if (t.precision < 1 || t.precision > 38 || t.scale < 0 || t.scale > t.precision)
        throw new IcebergSchemaError(`DECIMAL(${t.precision},${t.scale}) cannot be stored: Iceberg allows precision 1..38`);
      return { kind: 'decimal', precision: t.precision, scale: t.scale };
    case 'varchar':
    case 'json':
      return { kind: 'string' };
    case 'date':
      return { kind: 'date' };
    case 'timestamp':
      return { kind: 'timestamp' };
    case 'timestamptz':
      return { kind: 'timestamptz' };
    case 'bytes':
      return { kind: 'binary' };
    case 'interval':
    case 'null':
      throw new IcebergSchemaError(`a column of type ${t.kind.toUpperCase()} cannot be stored in an Iceberg table`);
  }
}

export function sameIcebergType(a: IcebergType, b: IcebergType): boolean {
  if (a.kind === 'decimal' && b.kind === 'decimal') return a.precision === b.precision && a.scale === b.scale;
  return a.kind === b.kind;
}

/** Field ids 1..n in column order; required = !nullable. */
export function buildIcebergSchema(schema: Schema): IcebergSchema {
  const seen = new Set<string>();
  const columns = schema.fields.map((f, i): IcebergColumn => {
    const lower = f.name.toLowerCase();
    if (f.name === '') throw new IcebergSchemaError(`column ${i + 1} has an empty name`);
    if (seen.has(lower)) throw new IcebergSchemaError(`duplicate column name '${f.name}'`);
    seen.add(lower);
    return { id: i + 1, name: f.name, type: icebergTypeOf(f.type), required: !f.nullable };
  });
  return { schemaId: 0, columns };
}

export function icebergTypeToJson(t: IcebergType): string {
  // Java and PyIceberg spell decimals "decimal(P, S)".
  return t.kind === 'decimal' ? `decimal(${t.precision}, ${t.scale})` : t.kind;
}

export function parseIcebergType(v: unknown): IcebergType {
  if (typeof v !== 'string') throw new IcebergSchemaError(`unsupported Iceberg type ${JSON.stringify(v)} (nested types)`);
  const dec = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(v);
  if (dec) return { kind: 'decimal', precision: Number(dec[1]), scale: Number(dec[2]) };
  switch (v) {
    case 'boolean':
    case 'int':
    case 'long':
    case 'double':
    case 'string':
    case 'date':
    case 'timestamp':
    case 'timestamptz':
    case 'binary':
      return { kind: v };
    default:
      throw new IcebergSchemaError(`unsupported Iceberg type '${v}'`);
  }
}

export function schemaToJson(s: IcebergSchema): Record<string, unknown> {
  return {
    type: 'struct',
    'schema-id': s.schemaId,
    fields: s.columns.map((c) => ({ id: c.id, name: c.name, required: c.required, type: icebergTypeToJson(c.type) })),
  };
}

export function parseSchemaJson(j: unknown): IcebergSchema {
  const o = j as { 'schema-id'?: unknown; fields?: unknown };
  if (typeof o !== 'object' || o === null || !Array.isArray(o.fields)) throw new IcebergSchemaError('schema JSON has no fields');
  const columns = (o.fields as unknown[]).map((f): IcebergColumn => {
    const fo = f as { id?: unknown; name?: unknown; required?: unknown; type?: unknown };
    if (typeof fo.id !== 'number' || typeof fo.name !== 'string') throw new IcebergSchemaError('schema field without id/name');
    return { id: fo.id, name: fo.name, required: fo.required === true, type: parseIcebergType(fo.type) };
  });
  return { schemaId: typeof o['schema-id'] === 'number' ? o['schema-id'] : 0, columns };
}
