// Writes the event the WebAssembly walker just read (FastEnvelope.walk) straight onto a decode
// tape, as TapeWriter.write would write its DecodedEvent, without building row arrays. Without
// METADATA columns the walker itself writes the record into its memory (json-walker-tape-wat.ts),
// where records gather until flush() appends them to the tape. Otherwise, or when a value needs
// JS, common tokens (i32 and small integers, epoch times, plain strings, small and base64
// decimals) go from the walker slots to the tape here; any other value is converted by
// FastEnvelope.convert and written generically. Only for ASCII text whose codes are its UTF-8
// bytes (the batch path); never judges bad records.
import type { SourceColumn } from '../../catalog/model.js';
import type { Value } from '../../catalog/types.js';
import type { DebeziumOp } from './decoded-event.js';
import { recordDecimal, recordInteger, recordMicros, type FastEnvelope } from './envelope-fast.js';
import type { EventState } from './event-state.js';
import type { TapeWriter } from './event-tape.js';
import type { JsonWalker } from './json-walker.js';
import type { LazyText } from './lazy-text.js';
import { FAST_BIGINT, FAST_DECIMAL, FAST_TS_MS, FAST_TS_US, FAST_VARCHAR, type ColumnPlan } from './schema-block.js';

/** Bytes of the walker-memory area where the walker writes tape records (one area per walker). */
const OUT_BYTES = 32 << 10;
const outAreas = new WeakMap<JsonWalker, number>();
/** Bytes per column of a walker plan table, and its modes (json-walker-tape-wat.ts). */
const PLAN_BYTES = 32;
const MODE_OF_FAST = [6, 1, 2, 3, 4, 5]; // FAST_NONE, BIGINT, DECIMAL, VARCHAR, TS_MS, TS_US
/** The tape's index of op c, r, u or d (event-tape.ts OPS; a switch, not a megamorphic keyed load). */
const opIndex = (op: DebeziumOp): number => (op === 'c' ? 0 : op === 'r' ? 1 : op === 'u' ? 2 : 3);

/** What a row image holds per declared column: null, the converted value, or the METADATA value. */
const COL_NULL = 0;
const COL_READ = 1;
const COL_META = 2;

export class EnvelopeTapeWriter {
  private readonly kinds: Uint8Array;
  /** Where FastEnvelope.convert puts a value that is written generically (cleared after). */
  private readonly scratch: Value[];
  /** Int32 slots between the records of two columns of an image. */
  private readonly step: number;
  /** The walker's tape-record area (-1: none), and the bytes of records waiting in it. */
  private readonly outAt: number;
  private pending = 0;
  /** Tape position right after the last flush() (see flushedTo). */
  private flushEnd = 0;
  /** The walker plan table of each plans array (-1: the walker cannot take it), and the last one used. */
  private readonly tables = new WeakMap<readonly ColumnPlan[], number>();
  private lastPlans: readonly ColumnPlan[] | null = null;
  private lastTable = -1;

  constructor(
    private readonly fast: FastEnvelope,
    private readonly walker: JsonWalker,
    columns: readonly SourceColumn[],
    wanted: Uint8Array,
    /** Declared physical (non-METADATA) columns: a before image holding all of them is complete. */
    private readonly physicalCount: number,
  ) {
    const n = columns.length;
    this.kinds = new Uint8Array(n);
    for (let c = 0; c < n; c++) {
      if (wanted[c] !== 1) continue;
      this.kinds[c] = columns[c]!.metadata === undefined ? COL_READ : COL_META;
    }
    this.scratch = Array.from({ length: n }, (): Value => null);
    this.step = fast.recordOf(0, 1) - fast.recordOf(0, 0);
    let out = outAreas.get(walker);
    if (out === undefined) outAreas.set(walker, (out = walker.allocQuery(OUT_BYTES)));
    this.outAt = out;
  }

  /** Appends the records waiting in the walker's memory to the tape (before any other write to it). */
  flush(tape: TapeWriter): void {
    if (this.pending > 0) {
      tape.records(this.walker.bytes, this.outAt, this.outAt + this.pending);
      this.pending = 0;
      this.flushEnd = tape.mark();
    }
  }

  /**
   * Where the tape ended after the last flush since startBatch(): a caller rolling back to a
   * mark taken before that flush must not roll back further than this.
   */
  get flushedTo(): number {
    return this.flushEnd;
  }

  /** Starts a batch: nothing flushed yet. */
  startBatch(): void {
    this.flushEnd = 0;
  }

  /**
   * Writes the walked event (op c/r/u/d, with the image its op needs; the text s with codes u,
   * which are its UTF-8 bytes, made a string only if needed; textBytes long) as one event record.
   * False, having written nothing, when a value does not convert (the caller lets the JS walker
   * word the type error).
   */
  write(tape: TapeWriter, op: DebeziumOp, s: LazyText, u: Uint8Array, st: EventState, textBytes: number): boolean {
    const fast = this.fast;
    const before = fast.hasImage(0);
    const after = fast.hasImage(1);
    if (!fast.hasMetadata && this.outAt >= 0 && this.inWalker(tape, op, before, after, st.plans, textBytes)) return true;
    this.flush(tape);
    if (fast.hasMetadata && !fast.metaValues(s.get(), u, st)) return false;
    const at = tape.mark();
    tape.eventHeader(op, before, after, before && fast.beforeCount() === this.physicalCount);
    if ((before && !this.row(tape, 0, s, u, st)) || (after && !this.row(tape, 1, s, u, st))) {
      tape.rollback(at);
      return false;
    }
    return true;
  }

  /** Has the walker write the event record into its memory; false when a value needs JS. */
  private inWalker(tape: TapeWriter, op: DebeziumOp, before: boolean, after: boolean, plans: readonly ColumnPlan[], textBytes: number): boolean {
    let table = this.lastTable;
    if (plans !== this.lastPlans) {
      let t = this.tables.get(plans);
      if (t === undefined) this.tables.set(plans, (t = this.planTable(plans)));
      this.lastPlans = plans;
      this.lastTable = table = t;
    }
    if (table < 0) return false;
    // at most: header, two row heads, a 9-byte value per column, and strings no longer than the text
    const most = 7 + 18 * this.kinds.length + textBytes;
    if (this.pending + most > OUT_BYTES) {
      if (most > OUT_BYTES) return false;
      this.flush(tape);
    }
    const flags = (before ? 1 : 0) | (after ? 2 : 0) | (before && this.fast.beforeCount() === this.physicalCount ? 4 : 0);
    const end = this.walker.tape(this.outAt + this.pending, table, opIndex(op), flags);
    if (end < 0) return false;
    this.pending = end - this.outAt;
    return true;
  }

  /** Writes the walker plan table of `plans` (the address), or -1 when the query area is full. */
  private planTable(plans: readonly ColumnPlan[]): number {
    const n = this.kinds.length;
    const at = this.walker.allocQuery(PLAN_BYTES * n);
    if (at < 0) return -1;
    for (let c = 0; c < n; c++) {
      const e = at + PLAN_BYTES * c;
      const p = plans[c]!;
      const read = this.kinds[c] === COL_READ;
      const shift = p.bytesScale > p.scale || p.scale - p.bytesScale > 15 ? -1 : p.scale - p.bytesScale;
      this.walker.writeI32(e, read ? MODE_OF_FAST[p.fast]! : 0);
      this.walker.writeI32(e + 4, p.scale);
      this.walker.writeI32(e + 8, p.decimalForm === 'bytes' ? 1 : 0);
      this.walker.writeI32(e + 12, shift);
      this.walker.writeF64(e + 16, p.limitNumber);
    }
    return at;
  }

  private row(tape: TapeWriter, img: number, s: LazyText, u: Uint8Array, st: EventState): boolean {
    const kinds = this.kinds;
    const n = kinds.length;
    const slots = this.walker.slots;
    const plans = st.plans;
    const meta = st.metaValues;
    const r0 = this.fast.recordOf(img, 0);
    const step = this.step;
    tape.beginRow(n);
    for (let c = 0; c < n; c++) {
      const kind = kinds[c]!;
      if (kind === COL_NULL) tape.nullValue();
      else if (kind === COL_META) tape.value(meta[c]!);
      else {
        const r = r0 + c * step;
        if (slots[r]! < 0) tape.nullValue();
        else if (!this.value(tape, s, u, r, plans[c]!)) return false;
      }
    }
    return true;
  }

  /** Writes the value of walker record r for plan p (the inline cases of FastEnvelope.convert). */
  private value(tape: TapeWriter, s: LazyText, u: Uint8Array, r: number, p: ColumnPlan): boolean {
    const slots = this.walker.slots;
    const info = slots[r + 2]!;
    let v: number;
    switch (p.fast) {
      case FAST_BIGINT:
        if ((info & 27) === 25) {
          tape.int64FromInt32(slots[r + 3]!);
          return true;
        }
        v = recordInteger(this.walker, r);
        if (v === v) {
          tape.int64FromSafe(v);
          return true;
        }
        break;
      case FAST_TS_MS:
      case FAST_TS_US:
        v = recordMicros(this.walker, r, p.fast);
        if (v === v) {
          tape.double(v);
          return true;
        }
        break;
      case FAST_VARCHAR:
        if ((info & 2) !== 0) {
          tape.utf8String(u, slots[r]! + 1, slots[r + 1]! - 1);
          return true;
        }
        break;
      case FAST_DECIMAL:
        v = recordDecimal(this.walker, u, r, p);
        if (v === v) {
          tape.int64FromSafe(v);
          return true;
        }
        break;
    }
    const scratch = this.scratch;
    if (!this.fast.convert(s.get(), u, r, p, scratch)) return false;
    tape.value(scratch[p.index]!);
    scratch[p.index] = null;
    return true;
  }
}
