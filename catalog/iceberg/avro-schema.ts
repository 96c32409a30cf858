// Avro schema shapes shared by the hand-rolled container writer and reader, plus named-type
// bookkeeping. Declarations and schema walking only: no encoding, no Iceberg knowledge.

export type AvroPrimitive = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

/** Extra attributes (field-id, element-id, logicalType, precision, ...) are kept verbatim. */
export interface AvroAttrs {
  readonly [attr: string]: unknown;
}

export interface AvroField extends AvroAttrs {
  readonly name: string;
  readonly type: AvroSchema;
  readonly default?: unknown;
}

export interface AvroRecord extends AvroAttrs {
  readonly type: 'record' | 'error';
  readonly name: string;
  readonly namespace?: string;
  readonly fields: readonly AvroField[];
}

export interface AvroArray extends AvroAttrs {
  readonly type: 'array';
  readonly items: AvroSchema;
}

export interface AvroMap extends AvroAttrs {
  readonly type: 'map';
  readonly values: AvroSchema;
}

export interface AvroFixed extends AvroAttrs {
  readonly type: 'fixed';
  readonly name: string;
  readonly namespace?: string;
  readonly size: number;
}

export interface AvroEnum extends AvroAttrs {
  readonly type: 'enum';
  readonly name: string;
  readonly namespace?: string;
  readonly symbols: readonly string[];
}

/** `{"type":"long","logicalType":...}`: a primitive with attributes. */
export interface AvroAnnotated extends AvroAttrs {
  readonly type: AvroPrimitive;
}

/** A string is a primitive name or a reference to a named type defined earlier. */
export type AvroSchema =
  | string
  | readonly AvroSchema[]
  | AvroRecord
  | AvroArray
  | AvroMap
  | AvroFixed
  | AvroEnum
  | AvroAnnotated;

export type AvroNamed = AvroRecord | AvroFixed | AvroEnum;

export const AVRO_PRIMITIVES: ReadonlySet<string> = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);

export class AvroError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AvroError';
  }
}

/** Full name of a named type, resolved against the enclosing namespace. */
export function fullName(name: string, namespace: string | undefined): string {
  if (name.includes('.') || !namespace) return name;
  return namespace + '.' + name;
}

/** Registry of named types seen while walking a schema in document order. */
export class NamedTypes {
  private readonly byName = new Map<string, AvroNamed>();

  define(s: AvroNamed, enclosingNs: string | undefined): string {
    const ns = s.namespace ?? enclosingNs;
    const full = fullName(s.name, ns);
    if (this.byName.has(full)) throw new AvroError(`Avro schema defines '${full}' twice`);
    this.byName.set(full, s);
    return full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : (ns ?? '');
  }

  resolve(ref: string, ns: string | undefined): AvroNamed {
    const s = this.byName.get(fullName(ref, ns)) ?? this.byName.get(ref);
    if (!s) throw new AvroError(`unknown Avro type '${ref}'`);
    return s;
  }
}
