// Writes the event the WebAssembly walker just read (FastEnvelope.walk) straight onto a decode
// tape, as TapeWriter.write would write its DecodedEvent, without building row arrays: common
// tokens (i32 and small integers, epoch times, plain strings, small and base64 decimals) go from the walker
// slots to the tape; any other value is converted by FastEnvelope.convert and written generically.
// Only for ASCII text whose codes are its UTF-8 bytes (the batch path); never judges bad records.
import type { SourceColumn } from '../../catalog/model.js';
import type { Value } from '../../catalog/types.js';
import type { DebeziumOp } from './decoded-event.js';
import { recordDecimal, recordInteger, type FastEnvelope } from './envelope-fast.js';
import type { EventState } from './event-state.js';
import type { TapeWriter } from './event-tape.js';
import type { JsonWalker } from './json-walker.js';
import type { LazyText } from './lazy-text.js';
import { FAST_BIGINT, FAST_DECIMAL, FAST_TS_MS, FAST_TS_US, FAST_VARCHAR, type ColumnPlan } from './schema-block.js';

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
  }

  /**
   * Writes the walked event (op c/r/u/d, with the image its op needs; the text s with codes u,
   * which are its UTF-8 bytes, made a string only if needed) as one event record. False, having written nothing, when a value
   * does not convert (the caller lets the JS walker word the type error).
   */
  write(tape: TapeWriter, op: DebeziumOp, s: LazyText, u: Uint8Array, st: EventState): boolean {
    const fast = this.fast;
    if (fast.hasMetadata && !fast.metaValues(s.get(), u, st)) return false;
    const before = fast.hasImage(0);
    const after = fast.hasImage(1);
    const at = tape.mark();
    tape.eventHeader(op, before, after, before && fast.beforeCount() === this.physicalCount);
    if ((before && !this.row(tape, 0, s, u, st)) || (after && !this.row(tape, 1, s, u, st))) {
      tape.rollback(at);
      return false;
    }
    return true;
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
        v = recordInteger(this.walker, r);
        if (v === v) {
          tape.double(p.fast === FAST_TS_MS ? v * 1000 : v);
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
