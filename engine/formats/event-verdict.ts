// What the Debezium decoder makes of one read envelope (an EventState filled by either reader):
// a tombstone, an event with its row images (METADATA values filled in), or a bad record with its
// reason and message (missing or unknown op, an image of the wrong shape, a missing image, a type
// error, malformed JSON). Judges only: never reads the envelope text itself beyond METADATA spans.
import type { Value } from '../../catalog/types.js';
import type { BadReason, DebeziumOp, DecodeResult, Tombstone } from './decoded-event.js';
import type { EventState } from './event-state.js';
import type { MetadataPaths } from './metadata-paths.js';
import type { RowImageReader } from './row-image.js';

export const TOMBSTONE: Tombstone = Object.freeze({ kind: 'tombstone' });

export function badRecord(reason: BadReason, message: string): DecodeResult {
  return { kind: 'bad', reason, message };
}

/** Malformed records are rare: JSON.parse words the message. */
export function malformedRecord(s: string): DecodeResult {
  try {
    JSON.parse(s);
  } catch (e) {
    const m = (e as Error).message;
    return badRecord('malformed', `invalid JSON: ${m.length > 200 ? m.slice(0, 197) + '...' : m}`);
  }
  return badRecord('malformed', 'unreadable JSON (nested too deeply)');
}

export class EventVerdict {
  private readonly metaScratch: Value[];

  constructor(
    private readonly rows: RowImageReader,
    private readonly meta: MetadataPaths,
    /** Declared physical (non-METADATA) columns: a before image holding all of them is complete. */
    private readonly physicalCount: number,
    columns: number,
  ) {
    this.metaScratch = new Array<Value>(columns).fill(null);
  }

  /** The result of the envelope read into st, whose text is s (codes u). */
  finish(st: EventState, s: string, u: Uint8Array): DecodeResult {
    if (st.payloadNull && st.envelopeKeys === 0) return TOMBSTONE;
    const t = st.opText;
    if (t === null) return badRecord('unknown-op', "missing 'op' field (not a Debezium change event envelope)");
    const op: DebeziumOp | null = t === 'c' || t === 'u' || t === 'd' || t === 'r' || t === 't' ? t : null;
    if (op === null) {
      const raw = s.slice(st.opStart, st.opEnd);
      return badRecord('unknown-op', `unknown op ${raw}${t === 'm' ? ' (logical decoding message)' : ''}`);
    }
    if (st.shapeError !== null) return badRecord('type', st.shapeError);
    if (op === 't') return { kind: 'event', op, before: null, after: null, beforeComplete: false };
    if (op === 'd' ? st.before === null : st.after === null) {
      return badRecord('missing-image', `op '${op}' without ${op === 'd' ? "a 'before'" : "an 'after'"} image`);
    }
    if (this.rows.typeError !== null) return badRecord('type', this.rows.typeError);
    if (this.meta.cols.length > 0 && !st.metaReady && !this.fillMetadata(st, s, u)) return badRecord('type', this.rows.typeError!);
    return {
      kind: 'event',
      op,
      before: st.before,
      after: st.after,
      beforeComplete: st.before !== null && st.beforeCount === this.physicalCount,
    };
  }

  /** Converts the recorded metadata spans into both images; false on a type error. */
  private fillMetadata(st: EventState, s: string, u: Uint8Array): boolean {
    const scratch = this.metaScratch;
    const cols = this.meta.cols;
    for (let k = 0; k < cols.length; k++) {
      const col = cols[k]!;
      let v: Value = null;
      const a = this.meta.startOf(col);
      if (a >= 0) {
        const p = st.plans[col]!;
        scratch[col] = null;
        this.rows.value(s, u, a, p, scratch);
        if (this.rows.typeError !== null) return false;
        v = scratch[col]!;
      }
      if (st.before !== null) st.before[col] = v;
      if (st.after !== null) st.after[col] = v;
    }
    return true;
  }
}
