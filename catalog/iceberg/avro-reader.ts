// Avro object-container-file reader: decodes every record with the writer schema from the header
// (no schema resolution), codecs 'null' and 'deflate'. Longs decode to bigint, bytes/fixed to
// Uint8Array, maps to Map. Records are keyed by field name, or by Iceberg field-id when asked.
import { inflateRawSync } from 'node:zlib';
import {
  AVRO_PRIMITIVES,
  AvroError,
  NamedTypes,
  type AvroArray,
  type AvroFixed,
  type AvroMap,
  type AvroNamed,
  type AvroRecord,
  type AvroSchema,
} from './avro-schema.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

class ByteReader {
  pos = 0;
  private readonly view: DataView;

  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new AvroError('truncated Avro data');
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  long(): bigint {
    // Fast path: values below 2^49 accumulate exactly in a double.
    let n = 0;
    let mul = 1;
    for (let i = 0; i < 7; i++) {
      const b = this.byte();
      n += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return BigInt(n % 2 === 0 ? n / 2 : -(n + 1) / 2);
      mul *= 128;
    }
    let big = BigInt(n);
    let shift = 49n;
    for (;;) {
      const b = this.byte();
      big |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7n;
      if (shift > 63n) throw new AvroError('Avro varint too long');
    }
    return (big >> 1n) ^ -(big & 1n);
  }

  int(): number {
    const v = this.long();
    if (v < -2147483648n || v > 2147483647n) throw new AvroError(`Avro int out of range: ${v}`);
    return Number(v);
  }

  count(): number {
    const v = this.long();
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) throw new AvroError('bad count');
    return Number(v);
  }

  fixed(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  bytes(): Uint8Array {
    const n = this.count();
    if (n < 0) throw new AvroError('negative Avro length');
    return this.fixed(n);
  }

  string(): string {
    return utf8.decode(this.bytes());
  }

  float(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Block count; a negative count is followed by the block's byte size (skipped). */
  blockCount(): number {
    const n = this.count();
    if (n >= 0) return n;
    this.count();
    return -n;
  }
}

type Decoder = (r: ByteReader) => unknown;
export type RecordKey = 'name' | 'field-id';

function compile(s: AvroSchema, named: NamedTypes, ns: string | undefined, key: RecordKey): Decoder {
  if (typeof s === 'string') {
    if (AVRO_PRIMITIVES.has(s)) return primitive(s);
    return namedBody(named.resolve(s, ns), named, ns, key);
  }
  if (Array.isArray(s)) {
    const decs = (s as readonly AvroSchema[]).map((b) => compile(b, named, ns, key));
    return (r) => {
      const i = r.count();
      const d = decs[i];
      if (!d) throw new AvroError(`Avro union branch ${i} out of range`);
      return d(r);
    };
  }
  const obj = s as Exclude<AvroSchema, string | readonly AvroSchema[]>;
  switch (obj.type) {
    case 'record':
    case 'error':
    case 'fixed':
    case 'enum':
      named.define(obj as AvroNamed, ns);
      return namedBody(obj as AvroNamed, named, ns, key);
    case 'array': {
      const item = compile((obj as AvroArray).items, named, ns, key);
      return (r) => {
        const out: unknown[] = [];
        for (let n = r.blockCount(); n > 0; n = r.blockCount()) for (let i = 0; i < n; i++) out.push(item(r));
        return out;
      };
    }
    case 'map': {
      const val = compile((obj as AvroMap).values, named, ns, key);
      return (r) => {
        const out = new Map<string, unknown>();
        for (let n = r.blockCount(); n > 0; n = r.blockCount())
          for (let i = 0; i < n; i++) {
            const k = r.string();
            out.set(k, val(r));
          }
        return out;
      };
    }
    default:
      return primitive(obj.type as string);
  }
}

function namedBody(s: AvroNamed, named: NamedTypes, outerNs: string | undefined, key: RecordKey): Decoder {
  const ns = s.namespace ?? (s.name.includes('.') ? s.name.slice(0, s.name.lastIndexOf('.')) : outerNs);
  switch (s.type) {
    case 'fixed': {
      const size = (s as AvroFixed).size;
      return (r) => r.fixed(size);
    }
    case 'enum': {
      const symbols = s.symbols;
      return (r) => {
        const i = r.int();
        const sym = symbols[i];
        if (sym === undefined) throw new AvroError(`enum index ${i} out of range`);
        return sym;
      };
    }
    default: {
      const rec = s as AvroRecord;
      const fields = rec.fields.map((f) => {
        const id = f['field-id'];
        const k = key === 'field-id' && typeof id === 'number' ? String(id) : f.name;
        return { k, dec: compile(f.type, named, ns, key) };
      });
      return (r) => {
        const o: Record<string, unknown> = {};
        for (const f of fields) o[f.k] = f.dec(r);
        return o;
      };
    }
  }
}

function primitive(t: string): Decoder {
  switch (t) {
    case 'null':
      return () => null;
    case 'boolean':
      return (r) => r.byte() !== 0;
    case 'int':
      return (r) => r.int();
    case 'long':
      return (r) => r.long();
    case 'float':
      return (r) => r.float();
    case 'double':
      return (r) => r.double();
    case 'bytes':
      return (r) => r.bytes();
    case 'string':
      return (r) => r.string();
    default:
      throw new AvroError(`unsupported Avro type '${t}'`);
  }
}

export interface AvroContainer {
  readonly schema: AvroSchema;
  readonly metadata: ReadonlyMap<string, string>;
  readonly records: unknown[];
}

/** Decodes a whole container file. `recordKey: 'field-id'` keys record fields by String(field-id). */
export function readAvroContainer(bytes: Uint8Array, recordKey: RecordKey = 'name'): AvroContainer {
  const r = new ByteReader(bytes);
  const magic = r.fixed(4);
  if (magic[0] !== 0x4f || magic[1] !== 0x62 || magic[2] !== 0x6a || magic[3] !== 0x01)
    throw new AvroError('not an Avro object container file');
  const metadata = new Map<string, string>();
  for (let n = r.blockCount(); n > 0; n = r.blockCount())
    for (let i = 0; i < n; i++) {
      const k = r.string();
      metadata.set(k, utf8.decode(r.bytes()));
    }
  const sync = r.fixed(16).slice();
  const schemaText = metadata.get('avro.schema');
  if (schemaText === undefined) throw new AvroError('Avro header has no avro.schema');
  const schema = JSON.parse(schemaText) as AvroSchema;
  const codec = metadata.get('avro.codec') ?? 'null';
  if (codec !== 'null' && codec !== 'deflate') throw new AvroError(`unsupported Avro codec '${codec}'`);
  const decode = compile(schema, new NamedTypes(), undefined, recordKey);

  const records: unknown[] = [];
  while (r.pos < bytes.length) {
    const count = r.count();
    const size = r.count();
    const raw = r.fixed(size);
    const data = codec === 'deflate' ? new Uint8Array(inflateRawSync(raw)) : raw;
    const br = new ByteReader(data);
    for (let i = 0; i < count; i++) records.push(decode(br));
    if (br.pos !== data.length) throw new AvroError('Avro block has trailing bytes');
    const s = r.fixed(16);
    for (let i = 0; i < 16; i++) if (s[i] !== sync[i]) throw new AvroError('Avro sync marker mismatch');
  }
  return { schema, metadata, records };
}
