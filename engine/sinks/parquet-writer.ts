// The one adapter over apache-arrow + parquet-wasm: encodes positional rows for Iceberg columns
// into Parquet bytes (field ids as Arrow field metadata 'PARQUET:field_id'; µs timestamps with
// isAdjustedToUTC per type; decimals as DECIMAL), and decodes Parquet back to runtime values for
// checks. It knows nothing about tables, partitions or object stores.
import {
  Binary,
  Bool,
  DateDay,
  Decimal,
  Field,
  Float64,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  Schema as ArrowSchema,
  Struct,
  Table as ArrowTable,
  TimestampMicrosecond,
  tableFromIPC,
  tableToIPC,
  Utf8,
  type Data,
  type DataType as ArrowType,
} from 'apache-arrow';
import { Compression, EnabledStatistics, readParquet, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm';
import { columnBatchFromRows, type ColumnBatch, type IcebergColumn, type Row, type Value } from '../../catalog/index.js';

export type ParquetCompression = 'zstd' | 'snappy' | 'none';

export interface ParquetEncodeOptions {
  readonly compression?: ParquetCompression;
  /** Rows per row group (default 1,048,576, arrow-rs' default). */
  readonly rowGroupSize?: number;
  /** Encode only rows[start..end). */
  readonly start?: number;
  readonly end?: number;
}

export class ParquetEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParquetEncodeError';
  }
}

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const TWO32 = 4294967296;

interface Col {
  readonly col: IcebergColumn;
  /** The column's values; rows start..start+n are encoded. */
  readonly vec: readonly Value[];
  readonly start: number;
  readonly n: number;
}

function bad(c: Col, r: number, v: Value): never {
  const shown = typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `bytes[${v.length}]` : JSON.stringify(v);
  throw new ParquetEncodeError(
    `column '${c.col.name}' (${c.col.type.kind}) cannot store ${shown} (${typeof v}) at row ${r - c.start}`,
  );
}

/** Validity bitmap: bit set = valid. Returns undefined when the column has no nulls. */
class Validity {
  private bits: Uint8Array | undefined;
  nulls = 0;
  constructor(private readonly c: Col) {}
  setNull(i: number): void {
    if (this.c.col.required) throw new ParquetEncodeError(`column '${this.c.col.name}' is NOT NULL but row ${i} is NULL`);
    if (!this.bits) this.bits = new Uint8Array((this.c.n + 7) >> 3).fill(0xff);
    this.bits[i >> 3]! &= ~(1 << (i & 7));
    this.nulls++;
  }
  props(): { nullCount: number; nullBitmap?: Uint8Array } {
    return this.bits ? { nullCount: this.nulls, nullBitmap: this.bits } : { nullCount: 0 };
  }
}

function fixedWidth<T extends ArrowType>(
  c: Col,
  type: T,
  bytesPerValue: number,
  put: (buf: ArrayBuffer, i: number, v: Value, r: number) => void,
): Data<T> {
  const buf = new ArrayBuffer(Math.max(8, c.n * bytesPerValue));
  const valid = new Validity(c);
  for (let i = 0; i < c.n; i++) {
    const r = c.start + i;
    const v = c.vec[r] ?? null;
    if (v === null) valid.setNull(i);
    else put(buf, i, v, r);
  }
  const ArrayType = (type as unknown as { ArrayType: new (b: ArrayBuffer, o: number, l: number) => ArrayLike<unknown> }).ArrayType;
  const elems = bytesPerValue === 16 ? c.n * 4 : c.n;
  return makeData({ type, length: c.n, ...valid.props(), data: new ArrayType(buf, 0, elems) } as never) as Data<T>;
}

function buildLong(c: Col, type: Int64): Data<Int64> {
  let view: BigInt64Array | undefined;
  return fixedWidth(c, type, 8, (buf, i, v, r) => {
    if (typeof v !== 'bigint' || v < I64_MIN || v > I64_MAX) bad(c, r, v);
    (view ??= new BigInt64Array(buf))[i] = v;
  });
}

function buildMicros(c: Col, type: TimestampMicrosecond): Data<TimestampMicrosecond> {
  let view: Int32Array | undefined;
  return fixedWidth(c, type, 8, (buf, i, v, r) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) bad(c, r, v);
    const w = (view ??= new Int32Array(buf));
    const hi = Math.floor(v / TWO32);
    w[2 * i] = (v - hi * TWO32) | 0;
    w[2 * i + 1] = hi;
  });
}

function buildInt32(c: Col, type: Int32 | DateDay): Data<Int32 | DateDay> {
  let view: Int32Array | undefined;
  return fixedWidth<Int32 | DateDay>(c, type, 4, (buf, i, v, r) => {
    if (typeof v !== 'number' || (v | 0) !== v) bad(c, r, v);
    (view ??= new Int32Array(buf))[i] = v;
  });
}

function buildDouble(c: Col, type: Float64): Data<Float64> {
  let view: Float64Array | undefined;
  return fixedWidth(c, type, 8, (buf, i, v, r) => {
    if (typeof v !== 'number') bad(c, r, v);
    (view ??= new Float64Array(buf))[i] = v;
  });
}

function buildDecimal(c: Col, type: Decimal, precision: number): Data<Decimal> {
  const limit = 10n ** BigInt(precision);
  let view: BigInt64Array | undefined;
  return fixedWidth(c, type, 16, (buf, i, v, r) => {
    if (typeof v !== 'bigint' || v >= limit || v <= -limit) bad(c, r, v);
    const w = (view ??= new BigInt64Array(buf));
    // 128-bit little-endian two's complement: low 64 bits, then the (sign-extended) high 64 bits.
    w[2 * i] = v; // BigInt64Array stores v modulo 2^64: exactly the low word
    w[2 * i + 1] = v >= I64_MIN && v <= I64_MAX ? (v < 0n ? -1n : 0n) : v >> 64n;
  });
}

function buildBool(c: Col, type: Bool): Data<Bool> {
  const bits = new Uint8Array(Math.max(1, (c.n + 7) >> 3));
  const valid = new Validity(c);
  for (let i = 0; i < c.n; i++) {
    const r = c.start + i;
    const v = c.vec[r] ?? null;
    if (v === null) valid.setNull(i);
    else if (typeof v !== 'boolean') bad(c, r, v);
    else if (v) bits[i >> 3]! |= 1 << (i & 7);
  }
  return makeData({ type, length: c.n, ...valid.props(), data: bits });
}

/** UTF-8 (strings, lone surrogates as U+FFFD like TextEncoder) or raw bytes, with int32 offsets. */
function buildVarBinary<T extends Utf8 | Binary>(c: Col, type: T, strings: boolean): Data<T> {
  const offsets = new Int32Array(c.n + 1);
  let buf = new Uint8Array(Math.max(64, c.n * 16));
  let pos = 0;
  const ensure = (extra: number): void => {
    if (pos + extra <= buf.length) return;
    let size = buf.length * 2;
    while (size < pos + extra) size *= 2;
    if (size > 2 ** 31 - 1) throw new ParquetEncodeError(`column '${c.col.name}' exceeds 2 GiB in one file; lower the rows per file`);
    const next = new Uint8Array(size);
    next.set(buf.subarray(0, pos));
    buf = next;
  };
  const valid = new Validity(c);
  for (let i = 0; i < c.n; i++) {
    const r = c.start + i;
    const v = c.vec[r] ?? null;
    if (v === null) valid.setNull(i);
    else if (strings) {
      if (typeof v !== 'string') bad(c, r, v);
      const len = v.length;
      ensure(len * 3);
      for (let k = 0; k < len; k++) {
        let cp = v.charCodeAt(k);
        if (cp < 0x80) buf[pos++] = cp;
        else if (cp < 0x800) {
          buf[pos++] = 0xc0 | (cp >> 6);
          buf[pos++] = 0x80 | (cp & 63);
        } else {
          if (cp >= 0xd800 && cp <= 0xdfff) {
            const next = k + 1 < len ? v.charCodeAt(k + 1) : 0;
            if (cp <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
              cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
              k++;
              buf[pos++] = 0xf0 | (cp >> 18);
              buf[pos++] = 0x80 | ((cp >> 12) & 63);
              buf[pos++] = 0x80 | ((cp >> 6) & 63);
              buf[pos++] = 0x80 | (cp & 63);
              continue;
            }
            cp = 0xfffd;
          }
          buf[pos++] = 0xe0 | (cp >> 12);
          buf[pos++] = 0x80 | ((cp >> 6) & 63);
          buf[pos++] = 0x80 | (cp & 63);
        }
      }
    } else {
      if (!(v instanceof Uint8Array)) bad(c, r, v);
      ensure(v.length);
      buf.set(v, pos);
      pos += v.length;
    }
    offsets[i + 1] = pos;
  }
  return makeData({ type, length: c.n, ...valid.props(), valueOffsets: offsets, data: buf.subarray(0, pos) } as never) as unknown as Data<T>;
}

function buildColumn(c: Col): { type: ArrowType; data: Data } {
  const t = c.col.type;
  switch (t.kind) {
    case 'boolean': {
      const type = new Bool();
      return { type, data: buildBool(c, type) };
    }
    case 'int': {
      const type = new Int32();
      return { type, data: buildInt32(c, type) };
    }
    case 'date': {
      const type = new DateDay();
      return { type, data: buildInt32(c, type) };
    }
    case 'long': {
      const type = new Int64();
      return { type, data: buildLong(c, type) };
    }
    case 'double': {
      const type = new Float64();
      return { type, data: buildDouble(c, type) };
    }
    case 'decimal': {
      const type = new Decimal(t.scale, t.precision, 128);
      return { type, data: buildDecimal(c, type, t.precision) };
    }
    case 'timestamp':
    case 'timestamptz': {
      const type = new TimestampMicrosecond(t.kind === 'timestamptz' ? 'UTC' : null);
      return { type, data: buildMicros(c, type) };
    }
    case 'string': {
      const type = new Utf8();
      return { type, data: buildVarBinary(c, type, true) };
    }
    case 'binary': {
      const type = new Binary();
      return { type, data: buildVarBinary(c, type, false) };
    }
  }
}

const CODECS: Record<ParquetCompression, Compression> = {
  zstd: Compression.ZSTD,
  snappy: Compression.SNAPPY,
  none: Compression.UNCOMPRESSED,
};

/** Parquet bytes for rows[start..end) (row[i] is column i). Throws ParquetEncodeError on bad values. */
export function encodeParquet(columns: readonly IcebergColumn[], rows: readonly Row[], options: ParquetEncodeOptions = {}): Uint8Array {
  const { start, end, ...rest } = options;
  return encodeParquetBatch(columns, columnBatchFromRows(rows, columns.length, start ?? 0, end ?? rows.length), rest);
}

/** Parquet bytes for rows start..end of a columnar batch (vectors[c] holds column c). */
export function encodeParquetBatch(columns: readonly IcebergColumn[], batch: ColumnBatch, options: ParquetEncodeOptions = {}): Uint8Array {
  const start = options.start ?? 0;
  const end = options.end ?? batch.length;
  const n = Math.max(0, end - start);
  const fields: Field[] = [];
  const children: Data[] = [];
  columns.forEach((col, ci) => {
    const vec: readonly Value[] | undefined = batch.vectors[ci];
    if (!vec || vec.length < end) throw new ParquetEncodeError(`column '${col.name}' has ${vec?.length ?? 0} values, need ${end}`);
    const { type, data } = buildColumn({ col, vec, start, n });
    fields.push(new Field(col.name, type, !col.required, new Map([['PARQUET:field_id', String(col.id)]])));
    children.push(data);
  });
  const schema = new ArrowSchema(fields);
  const record = new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children }));
  const ipc = tableToIPC(new ArrowTable(schema, [record]), 'stream');
  // Chunk-level statistics only and dictionaries only for strings: measured ~1.5x faster than
  // arrow-rs' defaults (page statistics, dictionary everywhere) at the same zstd size.
  let builder = new WriterPropertiesBuilder()
    .setCompression(CODECS[options.compression ?? 'zstd'])
    .setMaxRowGroupSize(options.rowGroupSize ?? 1024 * 1024)
    .setStatisticsEnabled(EnabledStatistics.Chunk)
    .setDictionaryEnabled(false)
    .setCreatedBy('streamforge');
  for (const col of columns) if (col.type.kind === 'string') builder = builder.setColumnDictionaryEnabled(col.name, true);
  return writeParquet(WasmTable.fromIPCStream(ipc), builder.build());
}

export interface DecodedParquet {
  readonly fields: readonly { readonly name: string; readonly fieldId: number | undefined; readonly nullable: boolean; readonly arrowType: string }[];
  readonly rows: Value[][];
}

function toRuntime(v: unknown, type: ArrowType, raw: Data, i: number): Value {
  if (v === null || v === undefined) return null;
  const tname = String(type);
  if (tname.startsWith('Decimal')) {
    const w = raw.values as Uint32Array;
    const o = (raw.offset + i) * 4;
    let x = 0n;
    for (let k = 3; k >= 0; k--) x = (x << 32n) | BigInt(w[o + k]!);
    return BigInt.asIntN(128, x);
  }
  if (tname.startsWith('Timestamp')) return Number((raw.values as BigInt64Array)[raw.offset + i]!);
  if (tname.startsWith('Date')) return (raw.values as Int32Array)[raw.offset + i]!;
  if (v instanceof Uint8Array) return v.slice();
  return v as Value;
}

/** Decodes a Parquet file (any columns this module writes) back to runtime values. */
export function decodeParquet(bytes: Uint8Array): DecodedParquet {
  const table = tableFromIPC(readParquet(bytes).intoIPCStream());
  const fields = table.schema.fields.map((f) => {
    const id = f.metadata.get('PARQUET:field_id');
    return { name: f.name, fieldId: id === undefined ? undefined : Number(id), nullable: f.nullable, arrowType: String(f.type) };
  });
  const rows: Value[][] = Array.from({ length: table.numRows }, () => []);
  table.schema.fields.forEach((f, ci) => {
    const vec = table.getChildAt(ci)!;
    let r = 0;
    for (const chunk of vec.data) {
      for (let i = 0; i < chunk.length; i++, r++) {
        const valid = chunk.getValid(i);
        rows[r]!.push(valid ? toRuntime(vec.get(r), f.type, chunk, i) : null);
      }
    }
  });
  return { fields, rows };
}
