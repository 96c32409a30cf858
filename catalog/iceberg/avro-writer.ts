// Hand-rolled Avro object-container-file writer (spec 1.11): header map, sync marker, blocks,
// codec 'null' or 'deflate' (raw RFC 1951 via node:zlib). The writer schema JSON is stored verbatim,
// so Iceberg's field-id/element-id attributes survive. It knows nothing about Iceberg itself.
import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
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

export type AvroCodec = 'null' | 'deflate';

const utf8 = new TextEncoder();

/** Growable little byte buffer with Avro's primitive encodings. */
export class ByteWriter {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }

  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  boolean(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  int(n: number): void {
    if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) throw new AvroError(`not an Avro int: ${n}`);
    let zz = ((n << 1) ^ (n >> 31)) >>> 0;
    this.ensure(5);
    while (zz > 0x7f) {
      this.buf[this.pos++] = (zz & 0x7f) | 0x80;
      zz >>>= 7;
    }
    this.buf[this.pos++] = zz;
  }

  long(v: number | bigint): void {
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw new AvroError(`not an exact Avro long: ${v}`);
      if (v >= -2147483648 && v <= 2147483647) {
        // zig-zag in float arithmetic is exact below 2^52.
        let zz = v >= 0 ? v * 2 : -v * 2 - 1;
        this.ensure(10);
        while (zz >= 128) {
          this.buf[this.pos++] = (zz % 128) | 0x80;
          zz = Math.floor(zz / 128);
        }
        this.buf[this.pos++] = zz;
        return;
      }
      v = BigInt(v);
    }
    if (v < -(1n << 63n) || v >= 1n << 63n) throw new AvroError(`Avro long out of range: ${v}`);
    let zz = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    this.ensure(10);
    while (zz > 0x7fn) {
      this.buf[this.pos++] = Number(zz & 0x7fn) | 0x80;
      zz >>= 7n;
    }
    this.buf[this.pos++] = Number(zz);
  }

  float(n: number): void {
    this.ensure(4);
    this.view.setFloat32(this.pos, n, true);
    this.pos += 4;
  }

  double(n: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, n, true);
    this.pos += 8;
  }

  bytesField(b: Uint8Array): void {
    this.long(b.length);
    this.raw(b);
  }

  string(s: string): void {
    this.bytesField(utf8.encode(s));
  }
}

type Encoder = (w: ByteWriter, v: unknown) => void;

function fail(what: string, v: unknown): never {
  const shown = typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `bytes[${v.length}]` : JSON.stringify(v);
  throw new AvroError(`cannot encode ${shown} as Avro ${what}`);
}

/** Whether a JS value can be written with this (non-union) schema; used to pick a union branch. */
function accepts(s: AvroSchema, v: unknown, named: NamedTypes, ns: string | undefined): boolean {
  const t = typeof s === 'string' ? s : Array.isArray(s) ? 'union' : (s as { type: string }).type;
  switch (t) {
    case 'null':
      return v === null || v === undefined;
    case 'boolean':
      return typeof v === 'boolean';
    case 'int':
    case 'float':
    case 'double':
      return typeof v === 'number';
    case 'long':
      return typeof v === 'number' || typeof v === 'bigint';
    case 'bytes':
    case 'fixed':
      return v instanceof Uint8Array;
    case 'string':
    case 'enum':
      return typeof v === 'string';
    case 'array':
      return Array.isArray(v);
    case 'map':
    case 'record':
    case 'error':
      return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
    default:
      if (typeof s === 'string') return accepts(named.resolve(s, ns), v, named, ns);
      return false;
  }
}

function compile(s: AvroSchema, named: NamedTypes, ns: string | undefined): Encoder {
  if (typeof s === 'string') {
    if (!AVRO_PRIMITIVES.has(s)) {
      const target = named.resolve(s, ns);
      // Named types are compiled where defined; a reference recompiles the (already registered) shape.
      return compileNamedBody(target, named, ns);
    }
    return compilePrimitive(s);
  }
  if (Array.isArray(s)) {
    const branches = s as readonly AvroSchema[];
    const encs = branches.map((b) => compile(b, named, ns));
    return (w, v) => {
      for (let i = 0; i < branches.length; i++) {
        if (accepts(branches[i]!, v, named, ns)) {
          w.long(i);
          encs[i]!(w, v);
          return;
        }
      }
      fail('union ' + JSON.stringify(branches), v);
    };
  }
  const obj = s as Exclude<AvroSchema, string | readonly AvroSchema[]>;
  switch (obj.type) {
    case 'record':
    case 'error':
    case 'fixed':
    case 'enum': {
      named.define(obj as AvroNamed, ns);
      return compileNamedBody(obj as AvroNamed, named, ns);
    }
    case 'array': {
      const item = compile((obj as AvroArray).items, named, ns);
      return (w, v) => {
        if (!Array.isArray(v)) fail('array', v);
        if (v.length > 0) {
          w.long(v.length);
          for (const x of v) item(w, x);
        }
        w.long(0);
      };
    }
    case 'map': {
      const val = compile((obj as AvroMap).values, named, ns);
      return (w, v) => {
        const entries =
          v instanceof Map ? [...(v as Map<string, unknown>).entries()] : Object.entries(v as Record<string, unknown>);
        if (entries.length > 0) {
          w.long(entries.length);
          for (const [k, x] of entries) {
            w.string(k);
            val(w, x);
          }
        }
        w.long(0);
      };
    }
    default:
      return compilePrimitive(obj.type as string);
  }
}

function compileNamedBody(s: AvroNamed, named: NamedTypes, outerNs: string | undefined): Encoder {
  const ns = s.namespace ?? (s.name.includes('.') ? s.name.slice(0, s.name.lastIndexOf('.')) : outerNs);
  switch (s.type) {
    case 'fixed': {
      const size = (s as AvroFixed).size;
      return (w, v) => {
        if (!(v instanceof Uint8Array) || v.length !== size) fail(`fixed[${size}]`, v);
        w.raw(v);
      };
    }
    case 'enum': {
      const symbols = s.symbols;
      return (w, v) => {
        const i = symbols.indexOf(v as string);
        if (i < 0) fail(`enum ${s.name}`, v);
        w.int(i);
      };
    }
    default: {
      const rec = s as AvroRecord;
      const fields = rec.fields.map((f) => ({ name: f.name, enc: compile(f.type, named, ns) }));
      return (w, v) => {
        if (typeof v !== 'object' || v === null) fail(`record ${rec.name}`, v);
        const o = v as Record<string, unknown>;
        for (const f of fields) f.enc(w, o[f.name] ?? null);
      };
    }
  }
}

function compilePrimitive(t: string): Encoder {
  switch (t) {
    case 'null':
      return (_w, v) => {
        if (v !== null && v !== undefined) fail('null', v);
      };
    case 'boolean':
      return (w, v) => (typeof v === 'boolean' ? w.boolean(v) : fail('boolean', v));
    case 'int':
      return (w, v) => (typeof v === 'number' ? w.int(v) : fail('int', v));
    case 'long':
      return (w, v) => (typeof v === 'number' || typeof v === 'bigint' ? w.long(v) : fail('long', v));
    case 'float':
      return (w, v) => (typeof v === 'number' ? w.float(v) : fail('float', v));
    case 'double':
      return (w, v) => (typeof v === 'number' ? w.double(v) : fail('double', v));
    case 'bytes':
      return (w, v) => (v instanceof Uint8Array ? w.bytesField(v) : fail('bytes', v));
    case 'string':
      return (w, v) => (typeof v === 'string' ? w.string(v) : fail('string', v));
    default:
      throw new AvroError(`unsupported Avro type '${t}'`);
  }
}

/** An encoder for one schema: `encode(writer, value)` appends the datum. */
export function avroEncoder(schema: AvroSchema): Encoder {
  return compile(schema, new NamedTypes(), undefined);
}

export interface AvroContainerOptions {
  readonly schema: AvroSchema;
  /** User metadata; values are UTF-8 encoded. `avro.schema` / `avro.codec` are set here. */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly codec?: AvroCodec;
  readonly recordsPerBlock?: number;
}

const MAGIC = new Uint8Array([0x4f, 0x62, 0x6a, 0x01]);

/** Encodes `records` as a complete Avro object container file. */
export function writeAvroContainer(records: readonly unknown[], opts: AvroContainerOptions): Uint8Array {
  const codec = opts.codec ?? 'deflate';
  const encode = avroEncoder(opts.schema);
  const sync = new Uint8Array(randomBytes(16));
  const out = new ByteWriter();
  out.raw(MAGIC);
  const meta: [string, string][] = [
    ['avro.schema', JSON.stringify(opts.schema)],
    ['avro.codec', codec],
    ...Object.entries(opts.metadata ?? {}).filter(([k]) => k !== 'avro.schema' && k !== 'avro.codec'),
  ];
  out.long(meta.length);
  for (const [k, v] of meta) {
    out.string(k);
    out.bytesField(utf8.encode(v));
  }
  out.long(0);
  out.raw(sync);

  const per = Math.max(1, opts.recordsPerBlock ?? 1000);
  const block = new ByteWriter();
  for (let start = 0; start < records.length; start += per) {
    block.reset();
    const end = Math.min(records.length, start + per);
    for (let i = start; i < end; i++) encode(block, records[i]);
    const raw = block.bytes();
    const data = codec === 'deflate' ? new Uint8Array(deflateRawSync(raw)) : raw;
    out.long(end - start);
    out.long(data.length);
    out.raw(data);
    out.raw(sync);
  }
  return out.bytes();
}
