// Appends output rows of one Iceberg table straight into growable typed columns (see packed-batch.ts)
// as the sink receives them, so buffered output is a few flat arrays instead of millions of small
// row objects, and seal() hands them over without a copy. Checks each value's runtime type and
// range as it is appended; NOT NULL and timestamp integrality are checked by the encoder. BIGINT and
// DECIMAL columns also take a safe-integer number for the equal bigint (Output.int64AsNumber),
// written as 32-bit words without making a bigint.
import type { IcebergColumn, Row, Value } from '../../catalog/index.js';
import { packedKindOf, ParquetEncodeError, type PackedBatch, type PackedColumn, type PackedKind } from './packed-batch.js';

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const MIN_CAPACITY = 1024;
const MAX_INITIAL_CAPACITY = 1 << 18;
const EMPTY = new Uint8Array(0);
/** Index of the low and the high 32-bit word of an int64 in an Int32Array view (platform order). */
const LO = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;
const HI = 1 - LO;
const TWO32 = 4294967296;

type PackerColumn = Pick<IcebergColumn, 'name' | 'type'>;

/** A column being built; `values` holds the typed array of its kind (strings and bytes keep parts). */
interface Builder {
  readonly col: PackerColumn;
  readonly kind: PackedKind;
  /** DECIMAL with precision <= 18: the exclusive bound 10^precision (higher precisions fit any int64). */
  readonly limit64: bigint | undefined;
  /** -limit64 (negating a bigint allocates: computed once). */
  readonly negLimit64: bigint | undefined;
  /** Exclusive bounds +-10^precision for DECIMAL values outside the int64 range. */
  readonly limit: bigint;
  readonly negLimit: bigint;
  /** The exclusive bound 10^precision for a value given as a safe-integer number (Infinity: none). */
  readonly limitNum: number;
  values: Uint8Array | Int32Array | BigInt64Array | Float64Array;
  /** i64 and i128: `values` as 32-bit words, for values given as numbers. */
  words: Int32Array | undefined;
  validity: Uint8Array | undefined;
  ends: Int32Array | undefined;
  parts: (string | Uint8Array)[] | undefined;
}

function bad(col: PackerColumn, r: number, v: Value): never {
  const shown = typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `bytes[${v.length}]` : JSON.stringify(v);
  throw new ParquetEncodeError(`column '${col.name}' (${col.type.kind}) cannot store ${shown} (${typeof v}) at row ${r}`);
}

function allocValues(kind: PackedKind, capacity: number): Builder['values'] {
  switch (kind) {
    case 'bool':
      return new Uint8Array(capacity);
    case 'i32':
      return new Int32Array(capacity);
    case 'i64':
      return new BigInt64Array(capacity);
    case 'i128':
      return new BigInt64Array(2 * capacity);
    case 'f64':
      return new Float64Array(capacity);
    case 'utf8':
    case 'bytes':
      return new Uint8Array(0);
  }
}

function grown<T extends Builder['values'] | Int32Array>(a: T, size: number): T {
  const next = new (a.constructor as new (n: number) => T)(size);
  next.set(a as never);
  return next;
}

/** The safe integer `v` as the int64 at words[at], words[at + 1] (two's complement, platform order). */
function putWords(words: Int32Array, at: number, v: number): void {
  // ToInt32/ToUint32 reduce the exact integer modulo 2^32; v - (v >>> 0) is an exact multiple of it
  words[at + LO] = v | 0;
  words[at + HI] = (v - (v >>> 0)) / TWO32;
}

function countNulls(validity: Uint8Array, n: number): number {
  let valid = 0;
  const full = n >> 3;
  for (let i = 0; i < full; i++) {
    let b = validity[i]!;
    b = b - ((b >> 1) & 0x55);
    b = (b & 0x33) + ((b >> 2) & 0x33);
    valid += (b + (b >> 4)) & 0x0f;
  }
  for (let i = full << 3; i < n; i++) valid += (validity[i >> 3]! >> (i & 7)) & 1;
  return n - valid;
}

export class RowPacker {
  private readonly builders: Builder[];
  private n = 0;
  private chars = 0;
  private capacity = 0;
  private nextCapacity = MIN_CAPACITY;

  constructor(columns: readonly PackerColumn[]) {
    this.builders = columns.map((col) => {
      const kind = packedKindOf(col.type);
      const p = col.type.kind === 'decimal' ? col.type.precision : 38;
      const limit = 10n ** BigInt(p);
      const small = p <= 18;
      return {
        col,
        kind,
        limit64: small ? limit : undefined,
        negLimit64: small ? -limit : undefined,
        limit,
        negLimit: -limit,
        limitNum: p <= 15 ? 10 ** p : Number.POSITIVE_INFINITY,
        values: allocValues(kind, 0),
        words: undefined,
        validity: undefined,
        ends: undefined,
        parts: undefined,
      };
    });
  }

  get length(): number {
    return this.n;
  }

  /** UTF-16 code units of text appended since the last seal (a sealed column is one string). */
  get textChars(): number {
    return this.chars;
  }

  get width(): number {
    return this.builders.length;
  }

  /**
   * Append one row (row[c] is column c). Throws ParquetEncodeError, appending nothing, when the row
   * has the wrong width or a value does not fit its column.
   */
  append(row: Row): void {
    const bs = this.builders;
    if (row.length !== bs.length) throw new ParquetEncodeError(`row ${this.n} has ${row.length} values, the table has ${bs.length} columns`);
    const i = this.n;
    if (i === this.capacity) this.grow();
    // A failed row leaves slots at index i that the next append overwrites; every write below is
    // idempotent for that reason (validity bits are set or cleared, ends derive from ends[i-1]).
    for (let c = 0; c < bs.length; c++) {
      const b = bs[c]!;
      const v = row[c];
      if (v === null || v === undefined) {
        this.setNull(b, i);
        continue;
      }
      if (b.validity !== undefined) b.validity[i >> 3]! |= 1 << (i & 7);
      switch (b.kind) {
        case 'i64':
          if (typeof v === 'number') {
            if (!Number.isSafeInteger(v)) bad(b.col, i, v);
            putWords(b.words!, 2 * i, v);
            break;
          }
          if (typeof v !== 'bigint' || v < I64_MIN || v > I64_MAX) bad(b.col, i, v);
          (b.values as BigInt64Array)[i] = v;
          break;
        case 'f64':
          if (typeof v !== 'number') bad(b.col, i, v);
          (b.values as Float64Array)[i] = v;
          break;
        case 'i128': {
          if (typeof v === 'number') {
            if (!Number.isSafeInteger(v) || v >= b.limitNum || v <= -b.limitNum) bad(b.col, i, v);
            const words = b.words!;
            putWords(words, 4 * i, v);
            words[4 * i + 2] = words[4 * i + 3] = v < 0 ? -1 : 0;
            break;
          }
          if (typeof v !== 'bigint') bad(b.col, i, v);
          const w = b.values as BigInt64Array;
          if (v >= I64_MIN && v <= I64_MAX) {
            if (b.limit64 !== undefined && (v >= b.limit64 || v <= b.negLimit64!)) bad(b.col, i, v);
            w[2 * i] = v;
            w[2 * i + 1] = v < 0n ? -1n : 0n;
          } else {
            if (v >= b.limit || v <= b.negLimit) bad(b.col, i, v);
            w[2 * i] = BigInt.asIntN(64, v);
            w[2 * i + 1] = v >> 64n;
          }
          break;
        }
        case 'i32':
          if (typeof v !== 'number' || (v | 0) !== v) bad(b.col, i, v);
          (b.values as Int32Array)[i] = v;
          break;
        case 'utf8': {
          if (typeof v !== 'string') bad(b.col, i, v);
          b.parts![i] = v;
          b.ends![i] = (i === 0 ? 0 : b.ends![i - 1]!) + v.length;
          this.chars += v.length;
          break;
        }
        case 'bytes': {
          if (!(v instanceof Uint8Array)) bad(b.col, i, v);
          b.parts![i] = v;
          b.ends![i] = (i === 0 ? 0 : b.ends![i - 1]!) + v.length;
          break;
        }
        case 'bool':
          if (typeof v !== 'boolean') bad(b.col, i, v);
          (b.values as Uint8Array)[i] = v ? 1 : 0;
          break;
      }
    }
    this.n = i + 1;
  }

  private setNull(b: Builder, i: number): void {
    if (b.validity === undefined) {
      b.validity = new Uint8Array(Math.max(1, (this.capacity + 7) >> 3)).fill(0xff);
    }
    b.validity[i >> 3]! &= ~(1 << (i & 7));
    if (b.ends !== undefined) {
      b.ends[i] = i === 0 ? 0 : b.ends[i - 1]!;
      b.parts![i] = b.kind === 'utf8' ? '' : EMPTY;
    }
  }

  private grow(): void {
    const size = this.capacity === 0 ? this.nextCapacity : this.capacity * 2;
    for (const b of this.builders) {
      if (b.kind === 'utf8' || b.kind === 'bytes') {
        b.ends = b.ends === undefined ? new Int32Array(size) : grown(b.ends, size);
        b.parts ??= [];
      } else {
        b.values = this.capacity === 0 ? allocValues(b.kind, size) : grown(b.values, b.kind === 'i128' ? 2 * size : size);
        if (b.kind === 'i64' || b.kind === 'i128') b.words = new Int32Array(b.values.buffer, b.values.byteOffset, b.values.length * 2);
      }
      if (b.validity !== undefined) {
        const v = new Uint8Array((size + 7) >> 3).fill(0xff);
        v.set(b.validity);
        b.validity = v;
      }
    }
    this.capacity = size;
  }

  /** Hand over the rows appended so far as a batch (no copy) and start empty. */
  seal(): PackedBatch {
    const n = this.n;
    const columns: PackedColumn[] = this.builders.map((b) => {
      const validity = b.validity;
      const nullCount = validity === undefined ? 0 : countNulls(validity, n);
      const nulls = nullCount === 0 ? { validity: undefined, nullCount: 0 } : { validity, nullCount };
      switch (b.kind) {
        case 'utf8': {
          const parts = (b.parts ?? []) as string[];
          parts.length = n;
          return { ...nulls, kind: 'utf8', text: parts.join(''), ends: b.ends ?? new Int32Array(0) };
        }
        case 'bytes': {
          const ends = b.ends ?? new Int32Array(0);
          const data = new Uint8Array(n === 0 ? 0 : ends[n - 1]!);
          const parts = (b.parts ?? []) as Uint8Array[];
          for (let i = 0; i < n; i++) data.set(parts[i]!, i === 0 ? 0 : ends[i - 1]!);
          return { ...nulls, kind: 'bytes', data, ends };
        }
        default:
          return { ...nulls, kind: b.kind, values: b.values } as PackedColumn;
      }
    });
    for (const b of this.builders) {
      b.values = allocValues(b.kind, 0);
      b.words = undefined;
      b.validity = undefined;
      b.ends = undefined;
      b.parts = undefined;
    }
    // The next batch likely has a similar size: start there instead of doubling up to it again.
    // a quarter more than this batch held: the next one (staged at about the same count, plus what
    // the batch that crossed it added) rarely grows, which would copy every column at twice the size
    this.nextCapacity = Math.min(MAX_INITIAL_CAPACITY, Math.max(MIN_CAPACITY, n + (n >> 2)));
    this.capacity = 0;
    this.n = 0;
    this.chars = 0;
    return { length: n, columns };
  }
}

/** Pack rows[start..end) for these columns (throws ParquetEncodeError on a bad row). */
export function packRows(columns: readonly PackerColumn[], rows: readonly Row[], start = 0, end = rows.length): PackedBatch {
  const p = new RowPacker(columns);
  for (let r = start; r < end; r++) p.append(rows[r]!);
  return p.seal();
}
