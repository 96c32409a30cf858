// A compact binary "tape" of decode results, so a decoder running in a worker thread can hand a
// whole batch to the main thread as one transferable buffer instead of cloning objects: per record
// a kind byte, then the op, the image flags and each image's values (tagged: null, boolean, double,
// int64, big decimal text, UTF-8 string, bytes), or a bad record's reason and message. Events can
// also be written piecewise (header, rows, values; with mark/rollback) by decoders that have no rows.
// Pure encoding and decoding; knows nothing about threads, sources or Debezium JSON.
import { Buffer } from 'node:buffer';
import type { Value } from '../../catalog/types.js';
import type { BadReason, DebeziumOp, DecodedEvent, DecodeResult, Tombstone } from './decoded-event.js';

const K_EVENT = 0;
const K_TOMBSTONE = 1;
const K_BAD = 2;

const T_NULL = 0;
const T_FALSE = 1;
const T_TRUE = 2;
const T_DOUBLE = 3;
const T_INT64 = 4;
const T_BIGTEXT = 5;
const T_STRING = 6;
const T_BYTES = 7;

const F_BEFORE = 1;
const F_AFTER = 2;
const F_COMPLETE = 4;

const OPS: readonly DebeziumOp[] = ['c', 'r', 'u', 'd', 't'];
const REASONS: readonly BadReason[] = ['malformed', 'type', 'unknown-op', 'missing-image'];
const MIN_I64 = -(2n ** 63n);
const MAX_I64 = 2n ** 63n - 1n;
const TOMBSTONE: Tombstone = Object.freeze({ kind: 'tombstone' });
const subarray = Uint8Array.prototype.subarray;

/** Appends decode results to a growing buffer; take() hands the bytes over and starts afresh. */
export class TapeWriter {
  private buf!: Buffer;
  private view!: DataView;
  private pos = 0;
  /** buf.length (a field: a typed array's length is slower to read in hot code). */
  private cap!: number;

  constructor(private readonly initialBytes = 1 << 16) {
    // never from Buffer's shared pool: take() hands the whole ArrayBuffer over (transferable)
    this.use(Buffer.allocUnsafeSlow(initialBytes));
  }

  /** Writes into `buf` from now on (its view and capacity follow). */
  private use(buf: Buffer): void {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.cap = buf.length;
  }

  /**
   * The tape so far, as a view of a buffer the writer gives up (transferable; not copied, so the
   * view may be shorter than its ArrayBuffer). The writer goes on in a buffer sized for a tape
   * like this one (not smaller than the initial size): the first of `spares` that is large
   * enough (taken out of the list: buffers of tapes read and handed back), else a new one.
   */
  take(spares?: ArrayBuffer[]): Uint8Array {
    const out = this.buf.subarray(0, this.pos);
    const want = Math.max(this.initialBytes, this.pos + (this.pos >> 2));
    const k = spares === undefined ? -1 : spares.findIndex((b) => b.byteLength >= want);
    this.use(k >= 0 ? Buffer.from(spares!.splice(k, 1)[0]!) : Buffer.allocUnsafeSlow(want));
    this.pos = 0;
    return out;
  }

  write(r: DecodeResult): void {
    switch (r.kind) {
      case 'tombstone':
        this.room(1);
        this.buf[this.pos++] = K_TOMBSTONE;
        return;
      case 'bad':
        this.room(2);
        this.buf[this.pos++] = K_BAD;
        this.buf[this.pos++] = REASONS.indexOf(r.reason);
        this.string(r.message);
        return;
      case 'event': {
        this.eventHeader(r.op, r.before !== null, r.after !== null, r.beforeComplete);
        if (r.before !== null) this.row(r.before);
        if (r.after !== null) this.row(r.after);
        return;
      }
    }
  }

  private row(row: readonly Value[]): void {
    this.beginRow(row.length);
    for (let i = 0; i < row.length; i++) this.value(row[i]!);
  }

  // Piecewise writing of an event record, for decoders that write values without building rows:
  // eventHeader, then per image beginRow(columns) and one value call per column. The bytes equal
  // what write() produces for the same event.

  /** Where the next record starts (for rollback). */
  mark(): number {
    return this.pos;
  }

  /** Forgets everything written since mark() returned `at`. */
  rollback(at: number): void {
    this.pos = at;
  }

  /** An event record's header: op, which images follow, and whether the before image is complete. */
  eventHeader(op: DebeziumOp, before: boolean, after: boolean, beforeComplete: boolean): void {
    this.room(3);
    const buf = this.buf;
    buf[this.pos++] = K_EVENT;
    buf[this.pos++] = OPS.indexOf(op);
    buf[this.pos++] = (before ? F_BEFORE : 0) | (after ? F_AFTER : 0) | (beforeComplete ? F_COMPLETE : 0);
  }

  /** Starts a row image of `columns` values. */
  beginRow(columns: number): void {
    this.room(2);
    this.view.setUint16(this.pos, columns, true);
    this.pos += 2;
  }

  nullValue(): void {
    this.room(1);
    this.buf[this.pos++] = T_NULL;
  }

  /** A number value (as value(v) writes it). */
  double(v: number): void {
    this.room(9);
    this.buf[this.pos++] = T_DOUBLE;
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /** The bigint value BigInt(v) of a 32-bit integer v, without creating it. */
  int64FromInt32(v: number): void {
    this.room(9);
    this.buf[this.pos++] = T_INT64;
    this.view.setInt32(this.pos, v, true);
    this.view.setInt32(this.pos + 4, v >> 31, true);
    this.pos += 8;
  }

  /** The bigint value BigInt(v) of a safe integer v (|v| < 2^53), without creating it. */
  int64FromSafe(v: number): void {
    this.room(9);
    const hi = Math.floor(v / 4294967296);
    this.buf[this.pos++] = T_INT64;
    this.view.setUint32(this.pos, v - hi * 4294967296, true);
    this.view.setInt32(this.pos + 4, hi, true);
    this.pos += 8;
  }

  /** The string value whose UTF-8 bytes are u[a, b) (e.g. ASCII text), copied without decoding. */
  utf8String(u: Uint8Array, a: number, b: number): void {
    const n = b - a;
    this.room(5 + n);
    this.buf[this.pos++] = T_STRING;
    this.view.setUint32(this.pos, n, true);
    this.pos += 4;
    if (n > 16) this.buf.set(subarray.call(u, a, b), this.pos);
    else for (let k = 0; k < n; k++) this.buf[this.pos + k] = u[a + k]!;
    this.pos += n;
  }

  /** Appends records some other writer put into src[a, b) (as bytes this writer would write). */
  records(src: Uint8Array, a: number, b: number): void {
    const n = b - a;
    if (n <= 0) return;
    this.room(n);
    this.buf.set(subarray.call(src, a, b), this.pos);
    this.pos += n;
  }

  /** Any value, as write() writes the values of a row. */
  value(v: Value): void {
    this.room(9);
    const buf = this.buf;
    if (v === null) buf[this.pos++] = T_NULL;
    else if (typeof v === 'number') this.double(v);
    else if (typeof v === 'bigint') {
      if (v >= MIN_I64 && v <= MAX_I64) {
        buf[this.pos++] = T_INT64;
        this.view.setBigInt64(this.pos, v, true);
        this.pos += 8;
      } else {
        buf[this.pos++] = T_BIGTEXT;
        this.string(v.toString());
      }
    } else if (typeof v === 'string') {
      buf[this.pos++] = T_STRING;
      this.string(v);
    } else if (typeof v === 'boolean') buf[this.pos++] = v ? T_TRUE : T_FALSE;
    else {
      buf[this.pos++] = T_BYTES;
      this.room(4 + v.length);
      this.view.setUint32(this.pos, v.length, true);
      this.buf.set(v, this.pos + 4);
      this.pos += 4 + v.length;
    }
  }

  private string(s: string): void {
    this.room(4 + s.length * 3);
    const n = this.buf.write(s, this.pos + 4, 'utf8');
    this.view.setUint32(this.pos, n, true);
    this.pos += 4 + n;
  }

  private room(bytes: number): void {
    if (this.pos + bytes <= this.cap) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.cap * 2, this.pos + bytes));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.use(bigger);
  }
}

type MutableEvent = { -readonly [K in keyof DecodedEvent]-?: DecodedEvent[K] };

/** An event object of the one shape next() fills. */
const newEvent = (): MutableEvent => ({ kind: 'event', op: 'c', before: null, after: null, beforeComplete: false, beforeNums: null, afterNums: null });

/**
 * Reads decode results back, in order, with fresh row arrays (the normalizer may keep them), and
 * each int64 value in the safe-integer range also as a number in the event's beforeNums /
 * afterNums (scratch arrays reused from one event to the next).
 */
export class TapeReader {
  private readonly buf: Buffer;
  private readonly view: DataView;
  private pos = 0;
  private beforeNums = new Float64Array(8);
  private afterNums = new Float64Array(8);
  /** The one event object next() fills when reusing (see the constructor). */
  private readonly event: MutableEvent | null;

  /**
   * `reuse`: next() returns the same event object each time, refilled (its rows are fresh): for
   * a caller done with each event before reading the next, as the runtime is (no object per event).
   */
  constructor(tape: Uint8Array, reuse = false) {
    this.buf = Buffer.from(tape.buffer, tape.byteOffset, tape.byteLength);
    this.view = new DataView(tape.buffer, tape.byteOffset, tape.byteLength);
    this.event = reuse ? newEvent() : null;
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  next(): DecodeResult {
    const buf = this.buf;
    const kind = buf[this.pos++];
    if (kind === K_TOMBSTONE) return TOMBSTONE;
    if (kind === K_BAD) {
      const reason = REASONS[buf[this.pos++]!]!;
      return { kind: 'bad', reason, message: this.string() };
    }
    if (kind !== K_EVENT) throw new Error(`corrupt decode tape: record kind ${String(kind)} at byte ${this.pos - 1}`);
    const op = OPS[buf[this.pos++]!]!;
    const flags = buf[this.pos++]!;
    let before: Value[] | null = null;
    let after: Value[] | null = null;
    if ((flags & F_BEFORE) !== 0) before = this.row(false);
    if ((flags & F_AFTER) !== 0) after = this.row(true);
    const e = this.event ?? newEvent();
    e.op = op;
    e.before = before;
    e.after = after;
    e.beforeComplete = (flags & F_COMPLETE) !== 0;
    e.beforeNums = before !== null ? this.beforeNums : null;
    e.afterNums = after !== null ? this.afterNums : null;
    return e;
  }

  /** A row image, its int64 values also as numbers in afterNums (or beforeNums) when safe, else NaN. */
  private row(isAfter: boolean): Value[] {
    const view = this.view;
    const buf = this.buf;
    const n = view.getUint16(this.pos, true);
    this.pos += 2;
    let nums = isAfter ? this.afterNums : this.beforeNums;
    if (nums.length < n) {
      nums = new Float64Array(n);
      if (isAfter) this.afterNums = nums;
      else this.beforeNums = nums;
    }
    const row = new Array<Value>(n);
    for (let i = 0; i < n; i++) {
      if (buf[this.pos] === T_INT64) {
        const at = this.pos + 1;
        const x = view.getInt32(at + 4, true) * 4294967296 + view.getUint32(at, true); // exact when safe
        nums[i] = Number.isSafeInteger(x) ? x : Number.NaN;
        row[i] = view.getBigInt64(at, true);
        this.pos = at + 8;
      } else {
        nums[i] = Number.NaN;
        row[i] = this.value();
      }
    }
    return row;
  }

  private value(): Value {
    const buf = this.buf;
    switch (buf[this.pos++]) {
      case T_NULL:
        return null;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_DOUBLE: {
        const v = this.view.getFloat64(this.pos, true);
        this.pos += 8;
        return v;
      }
      case T_INT64: {
        const v = this.view.getBigInt64(this.pos, true);
        this.pos += 8;
        return v;
      }
      case T_BIGTEXT:
        return BigInt(this.string());
      case T_STRING:
        return this.string();
      case T_BYTES: {
        const n = this.view.getUint32(this.pos, true);
        const out = new Uint8Array(n);
        out.set(buf.subarray(this.pos + 4, this.pos + 4 + n));
        this.pos += 4 + n;
        return out;
      }
      default:
        throw new Error(`corrupt decode tape: value tag ${String(buf[this.pos - 1])} at byte ${this.pos - 1}`);
    }
  }

  private string(): string {
    const n = this.view.getUint32(this.pos, true);
    const s = this.buf.toString('utf8', this.pos + 4, this.pos + 4 + n);
    this.pos += 4 + n;
    return s;
  }
}
