// Reads the compressed size of each column from a Parquet file's footer (FileMetaData in Thrift's
// compact protocol), summed over row groups: the `column_sizes` Iceberg records per field id, as
// Java's ParquetUtil does. Pure byte parsing of the footer; never reads pages, never writes.

const MAGIC = 0x31524150; // "PAR1", little-endian

// compact protocol field types
const BOOL_TRUE = 1;
const BOOL_FALSE = 2;
const BYTE = 3;
const I16 = 4;
const I32 = 5;
const I64 = 6;
const DOUBLE = 7;
const BINARY = 8;
const LIST = 9;
const SET = 10;
const MAP = 11;
const STRUCT = 12;
const UUID = 13;

class CompactReader {
  pos: number;
  constructor(
    private readonly b: Uint8Array,
    at: number,
    private readonly end: number,
  ) {
    this.pos = at;
  }

  byte(): number {
    if (this.pos >= this.end) throw new Error('Parquet footer ends early');
    return this.b[this.pos++]!;
  }

  /** An unsigned varint (as a double: exact below 2^53). */
  varint(): number {
    let v = 0;
    let scale = 1;
    for (;;) {
      const x = this.byte();
      v += (x & 0x7f) * scale;
      if (x < 0x80) return v;
      scale *= 128;
    }
  }

  zigzag(): number {
    const v = this.varint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  binary(): Uint8Array {
    const n = this.varint();
    if (this.pos + n > this.end) throw new Error('Parquet footer ends early');
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Reads a struct, calling `field(id, type)` for each field; it returns false to have it skipped. */
  struct(field: (id: number, type: number) => boolean): void {
    let last = 0;
    for (;;) {
      const h = this.byte();
      const type = h & 0x0f;
      if (type === 0) return;
      const delta = h >> 4;
      const id = delta === 0 ? this.zigzag() : last + delta;
      last = id;
      if (!field(id, type)) this.skip(type);
    }
  }

  /** A list header: its size and element type. */
  list(): [size: number, type: number] {
    const h = this.byte();
    const size = h >> 4 === 15 ? this.varint() : h >> 4;
    return [size, h & 0x0f];
  }

  skip(type: number): void {
    switch (type) {
      case BOOL_TRUE:
      case BOOL_FALSE:
        return; // the value is in the field header
      case BYTE:
        this.pos += 1;
        return;
      case I16:
      case I32:
      case I64:
        this.varint();
        return;
      case DOUBLE:
        this.pos += 8;
        return;
      case BINARY:
        this.binary();
        return;
      case UUID:
        this.pos += 16;
        return;
      case LIST:
      case SET: {
        const [n, t] = this.list();
        for (let i = 0; i < n; i++) {
          if (t === BOOL_TRUE || t === BOOL_FALSE) this.pos += 1; // list elements hold a byte each
          else this.skip(t);
        }
        return;
      }
      case MAP: {
        const n = this.varint();
        if (n === 0) return;
        const kv = this.byte();
        for (let i = 0; i < n; i++) {
          this.skip(kv >> 4);
          this.skip(kv & 0x0f);
        }
        return;
      }
      case STRUCT:
        this.struct(() => false);
        return;
      default:
        throw new Error(`Parquet footer: unknown compact type ${type}`);
    }
  }
}

const utf8 = new TextDecoder();

/**
 * Compressed bytes per top-level column name (ColumnMetaData.total_compressed_size, summed over
 * row groups). Throws on a file that is not Parquet or whose footer does not parse.
 */
export function parquetColumnSizes(file: Uint8Array): Map<string, number> {
  const n = file.length;
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (n < 12 || view.getUint32(n - 4, true) !== MAGIC) throw new Error('not a Parquet file (no PAR1 footer)');
  const footer = view.getUint32(n - 8, true);
  if (footer > n - 12) throw new Error('Parquet footer length out of range');
  const r = new CompactReader(file, n - 8 - footer, n - 8);
  const sizes = new Map<string, number>();
  const chunkMeta = (): void => {
    let name: string | undefined;
    let size = 0;
    r.struct((id, type) => {
      if (id === 3 && type === LIST) {
        const [k] = r.list();
        for (let i = 0; i < k; i++) {
          const part = utf8.decode(r.binary());
          if (i === 0) name = part;
        }
        return true;
      }
      if (id === 7 && type === I64) {
        size = r.zigzag();
        return true;
      }
      return false;
    });
    if (name !== undefined) sizes.set(name, (sizes.get(name) ?? 0) + size);
  };
  r.struct((id, type) => {
    if (id !== 4 || type !== LIST) return false; // FileMetaData.row_groups
    const [groups] = r.list();
    for (let g = 0; g < groups; g++)
      r.struct((gid, gtype) => {
        if (gid !== 1 || gtype !== LIST) return false; // RowGroup.columns
        const [cols] = r.list();
        for (let c = 0; c < cols; c++)
          r.struct((cid, ctype) => {
            if (cid !== 3 || ctype !== STRUCT) return false; // ColumnChunk.meta_data
            chunkMeta();
            return true;
          });
        return true;
      });
    return true;
  });
  return sizes;
}
