// Fast Debezium JSON decoder: reads one envelope (with or without the Connect schema block) and
// builds the row arrays of the used columns plus METADATA values directly. Two readers fill the
// same EventState: the WebAssembly walker (envelope-fast.ts) and, for the cases it hands back or
// without WebAssembly, the JS walker (envelope-walk.ts). Both validate the whole text as JSON.
// Must not JSON.parse the event (only a new schema block, once per distinct text) nor allocate
// per event beyond the result rows and a few scratch objects; bad records are judged here.
import type { SourceDef } from '../../catalog/model.js';
import type { Value } from '../../catalog/types.js';
import type { BadReason, DebeziumOp, DecodeResult, Decoder, Tombstone } from './decoded-event.js';
import { FastEnvelope, SCHEMA_VALUE_AT } from './envelope-fast.js';
import { EnvelopeWalker } from './envelope-walk.js';
import { EventState } from './event-state.js';
import { isNull, loadCodes, skipValue, skipWs } from './json-scan.js';
import { jsonWalker, type JsonWalker } from './json-walker.js';
import { MetadataPaths } from './metadata-paths.js';
import { RowImageReader } from './row-image.js';
import { declaredPlan, SchemaCache } from './schema-block.js';

const TOMBSTONE: Tombstone = Object.freeze({ kind: 'tombstone' });

export interface DecoderOptions {
  /** Use the WebAssembly fast path when available (default true; false: the JS walker only). */
  readonly wasm?: boolean;
}

/** Decoder for one source: `used` lists the column indexes the pipeline reads. */
export function createDebeziumDecoder(source: SourceDef, used: readonly number[], options: DecoderOptions = {}): Decoder {
  return new DebeziumJsonDecoder(source, used, options.wasm !== false ? jsonWalker() : null);
}

class DebeziumJsonDecoder implements Decoder {
  private readonly physicalCount: number;
  private readonly meta: MetadataPaths;
  private readonly metaScratch: Value[];
  private readonly rows: RowImageReader;
  private readonly st: EventState;
  private readonly slow: EnvelopeWalker;
  private readonly fast: FastEnvelope | null;

  constructor(
    source: SourceDef,
    used: readonly number[],
    private readonly walker: JsonWalker | null,
  ) {
    const cols = source.columns;
    const n = cols.length;
    const wanted = new Uint8Array(n);
    for (const u of used) if (u >= 0 && u < n) wanted[u] = 1;
    const template = Array.from({ length: n }, (): Value => null); // packed elements: cheap copies
    const declared = cols.map((c, i) => declaredPlan(c, i));
    const schemas = new SchemaCache(cols, declared);
    this.metaScratch = new Array<Value>(n).fill(null);
    this.physicalCount = cols.filter((c) => c.metadata === undefined).length;
    this.rows = new RowImageReader(cols, wanted);
    this.meta = new MetadataPaths(cols, wanted);
    this.st = new EventState(declared, n);
    this.slow = new EnvelopeWalker(template, this.rows, this.meta, schemas);
    this.fast = walker !== null ? FastEnvelope.create(walker, cols, wanted, template, this.rows, this.meta, schemas) : null;
  }

  decode(text: string, bytes?: Uint8Array, a = 0, b = 0): DecodeResult {
    const r = this.fast !== null ? this.fastDecode(text, this.fast, bytes, a, b) : null;
    return r !== null ? r : this.slowDecode(text);
  }

  /** The WebAssembly path; null when the JS walker must decode this text (from scratch). */
  private fastDecode(s: string, fast: FastEnvelope, bytes: Uint8Array | undefined, a: number, b: number): DecodeResult | null {
    const st = this.st;
    st.reset();
    // a schema block seen before is compared as text: only what follows it is loaded and walked
    const hit = fast.cachedSchema(s);
    let u: Buffer;
    let at: number;
    if (hit !== null) {
      at = SCHEMA_VALUE_AT + hit.text.length;
      u = bytes !== undefined ? this.walker!.loadTailAscii(bytes, a, b, at) : this.walker!.loadTail(s, at);
      st.plans = hit.plans;
    } else {
      u = bytes !== undefined ? this.walker!.loadAscii(bytes, a, b) : this.walker!.load(s);
      at = skipWs(u, 0);
      if (u[at] !== 123) return null; // tombstones and non-objects
    }
    let end: number;
    try {
      end = fast.read(s, u, at, hit !== null, st);
    } catch (e) {
      if (!(e instanceof RangeError) && !(e instanceof SyntaxError)) throw e;
      return null; // nested too deeply for the walker's stack: the JS walker may still manage
    }
    if (end === -2) return null;
    if (end < 0 || skipWs(u, end) !== s.length) return this.malformed(s);
    return this.finish(s, u);
  }

  /** The JS walker path (also judges tombstones and texts that are not objects). */
  private slowDecode(s: string): DecodeResult {
    const len = s.length;
    const u = this.walker !== null ? this.walker.load(s) : loadCodes(s);
    const i = skipWs(u, 0);
    if (i === len) return TOMBSTONE;
    const c = u[i]!;
    if (c === 110 && isNull(u, i) && skipWs(u, i + 4) === len) return TOMBSTONE;
    if (c !== 123) {
      const end = skipValue(u, i);
      if (end >= 0 && skipWs(u, end) === len) return this.bad('malformed', 'expected a JSON object (a Debezium envelope)');
      return this.malformed(s);
    }
    const st = this.st;
    st.reset();
    let end: number;
    try {
      end = this.slow.read(s, u, i, st);
    } catch (e) {
      if (!(e instanceof RangeError) && !(e instanceof SyntaxError)) throw e;
      end = -1; // too deeply nested, or a VariableScaleDecimal struct that is not JSON
    }
    if (end < 0 || skipWs(u, end) !== len) return this.malformed(s);
    return this.finish(s, u);
  }

  private bad(reason: BadReason, message: string): DecodeResult {
    return { kind: 'bad', reason, message };
  }

  /** Malformed records are rare: let JSON.parse word the message. */
  private malformed(s: string): DecodeResult {
    try {
      JSON.parse(s);
    } catch (e) {
      const m = (e as Error).message;
      return this.bad('malformed', `invalid JSON: ${m.length > 200 ? m.slice(0, 197) + '...' : m}`);
    }
    return this.bad('malformed', 'unreadable JSON (nested too deeply)');
  }

  private finish(s: string, u: Uint8Array): DecodeResult {
    const st = this.st;
    if (st.payloadNull && st.envelopeKeys === 0) return TOMBSTONE;
    const t = st.opText;
    if (t === null) return this.bad('unknown-op', "missing 'op' field (not a Debezium change event envelope)");
    const op: DebeziumOp | null = t === 'c' || t === 'u' || t === 'd' || t === 'r' || t === 't' ? t : null;
    if (op === null) {
      const raw = s.slice(st.opStart, st.opEnd);
      return this.bad('unknown-op', `unknown op ${raw}${t === 'm' ? ' (logical decoding message)' : ''}`);
    }
    if (st.shapeError !== null) return this.bad('type', st.shapeError);
    if (op === 't') return { kind: 'event', op, before: null, after: null, beforeComplete: false };
    if (op === 'd' ? st.before === null : st.after === null) {
      return this.bad('missing-image', `op '${op}' without ${op === 'd' ? "a 'before'" : "an 'after'"} image`);
    }
    if (this.rows.typeError !== null) return this.bad('type', this.rows.typeError);
    if (this.meta.cols.length > 0 && !st.metaReady && !this.fillMetadata(s, u)) return this.bad('type', this.rows.typeError!);
    return {
      kind: 'event',
      op,
      before: st.before,
      after: st.after,
      beforeComplete: st.before !== null && st.beforeCount === this.physicalCount,
    };
  }

  /** Converts the recorded metadata spans into both images; false on a type error. */
  private fillMetadata(s: string, u: Uint8Array): boolean {
    const st = this.st;
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
