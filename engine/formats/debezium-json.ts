// Fast Debezium JSON decoder: reads one envelope (with or without the Connect schema block) and
// builds the row arrays of the used columns plus METADATA values directly. Two readers fill the
// same EventState: the WebAssembly walker (envelope-fast.ts) and, for the cases it hands back or
// without WebAssembly, the JS walker (envelope-walk.ts). Both validate the whole text as JSON.
// decodeBatchToTape writes the common events straight onto a decode tape (envelope-tape.ts).
// Must not JSON.parse the event (only a new schema block, once per distinct text) nor allocate
// per event beyond the result rows and a few scratch objects; event-verdict.ts judges each read.
import { Buffer, isAscii } from 'node:buffer';
import type { SourceDef } from '../../catalog/model.js';
import type { Value } from '../../catalog/types.js';
import type { DebeziumOp, DecodeResult, Decoder } from './decoded-event.js';
import { FastEnvelope, SCHEMA_VALUE_AT } from './envelope-fast.js';
import { EnvelopeTapeWriter } from './envelope-tape.js';
import { EnvelopeWalker } from './envelope-walk.js';
import { EventState } from './event-state.js';
import { badRecord, EventVerdict, malformedRecord, TOMBSTONE } from './event-verdict.js';
import type { TapeWriter } from './event-tape.js';
import { isNull, loadCodes, PAD, skipValue, skipWs } from './json-scan.js';
import { jsonWalker, type JsonWalker } from './json-walker.js';
import { LazyText } from './lazy-text.js';
import { MetadataPaths } from './metadata-paths.js';
import { RowImageReader } from './row-image.js';
import { declaredPlan, SchemaCache, type SchemaEntry } from './schema-block.js';

const MALFORMED = Symbol('malformed');
/** decodeBatch copies and walks this much text at a time: it stays in the CPU cache, and its string
 *  is a young-generation object (a string over ~128 KB goes to the large-object space: ~4x slower). */
const SEGMENT_BYTES = 32 << 10;

/** Buffer's native slicers (not in @types/node): no encoding lookup. */
interface Slicers {
  latin1Slice(a: number, b: number): string;
  utf8Slice(a: number, b: number): string;
}
const asBuffer = (bytes: Uint8Array): Slicers =>
  (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as unknown as Slicers;
/** bytes[a, b) as a one-byte string (the caller knows they are ASCII), or as UTF-8. */
const latin1 = (bytes: Uint8Array, a: number, b: number): string => asBuffer(bytes).latin1Slice(a, b);
const utf8 = (bytes: Uint8Array, a: number, b: number): string => asBuffer(bytes).utf8Slice(a, b);
const set = Uint8Array.prototype.set;
const subarray = Uint8Array.prototype.subarray;
/** u[at..] = bytes[a, b) (bytes: a plain Uint8Array, see plainView). */
function copy(u: Uint8Array, at: number, bytes: Uint8Array, a: number, b: number): void {
  if (b > a) set.call(u, subarray.call(bytes, a, b), at);
}
/**
 * A plain Uint8Array view of bytes: its subarray() makes a plain view on V8's fast path, while a
 * Buffer's looks up its species and runs Buffer's JS constructor (measured ~2x slower per copy).
 */
const plainView = (bytes: Uint8Array): Uint8Array =>
  bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export interface DecoderOptions {
  /** Use the WebAssembly fast path when available (default true; false: the JS walker only). */
  readonly wasm?: boolean;
}

/** Decoder for one source: `used` lists the column indexes the pipeline reads. */
export function createDebeziumDecoder(source: SourceDef, used: readonly number[], options: DecoderOptions = {}): Decoder {
  return new DebeziumJsonDecoder(source, used, options.wasm !== false ? jsonWalker() : null);
}

class DebeziumJsonDecoder implements Decoder {
  private readonly meta: MetadataPaths;
  private readonly verdict: EventVerdict;
  private readonly rows: RowImageReader;
  private readonly st: EventState;
  private readonly slow: EnvelopeWalker;
  private readonly fast: FastEnvelope | null;
  /** Writes fast-path events straight onto a decode tape (decodeBatchToTape). */
  private readonly direct: EnvelopeTapeWriter | null;
  /** The tape decodeBatchToTape is writing to, and the emit function that writes results to it. */
  private out: TapeWriter | null = null;
  private readonly toTape = (r: DecodeResult): void => {
    this.direct?.flush(this.out!); // records the walker wrote come first
    this.out!.write(r);
  };
  /** The current batch segment's text. */
  private readonly text = new LazyText();
  /** decodeBatch scratch: where each value's walk starts and ends in the copy, and its cached schema. */
  private from = new Int32Array(0);
  private to = new Int32Array(0);
  private hits: (SchemaEntry | null)[] = [];
  /** hits[] already holds each value's cached schema (lineSkip matched them while splitting). */
  private hitsKnown = false;
  /** Texts the JS walker decoded (the fast path handed them back or could not start): for tests. */
  slowDecodes = 0;

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
    this.rows = new RowImageReader(cols, wanted);
    this.meta = new MetadataPaths(cols, wanted);
    const physical = cols.filter((c) => c.metadata === undefined).length;
    this.verdict = new EventVerdict(this.rows, this.meta, physical, n);
    this.st = new EventState(declared, n);
    this.slow = new EnvelopeWalker(template, this.rows, this.meta, schemas);
    this.fast = walker !== null ? FastEnvelope.create(walker, cols, wanted, template, this.rows, this.meta, schemas) : null;
    this.direct = this.fast !== null && walker !== null ? new EnvelopeTapeWriter(this.fast, walker, cols, wanted, physical) : null;
  }

  decode(text: string, bytes?: Uint8Array, a = 0, b = 0): DecodeResult {
    const r = this.fast !== null ? this.fastDecode(text, this.fast, bytes, a, b) : null;
    return r !== null ? r : this.slowDecode(text);
  }

  decodeBatch(bytes: Uint8Array, starts: Uint32Array, ends: Uint32Array, ascii: boolean, emit: (r: DecodeResult) => void): boolean {
    return this.batch(bytes, starts, ends, ascii, emit, null);
  }

  decodeBatchToTape(bytes: Uint8Array, starts: Uint32Array, ends: Uint32Array, ascii: boolean, tape: TapeWriter, skipped = false): boolean {
    this.out = tape;
    this.hitsKnown = skipped && this.fast !== null;
    this.direct?.startBatch();
    try {
      return this.batch(bytes, starts, ends, ascii, this.toTape, tape);
    } finally {
      this.direct?.flush(tape);
      this.out = null;
      this.hitsKnown = false;
    }
  }

  readonly lineSkip = (bytes: Uint8Array, a: number, end: number, line: number): number => {
    const hit = this.fast !== null ? this.fast.cachedSchemaAt(bytes, a, end) : null;
    if (line >= this.hits.length) this.grow(line + 1);
    this.hits[line] = hit;
    return hit === null ? 0 : SCHEMA_VALUE_AT + hit.bytes.length;
  };

  /** decodeBatch; with a tape, events the fast path reads whole are written onto it directly. */
  private batch(bytes: Uint8Array, starts: Uint32Array, ends: Uint32Array, ascii: boolean, emit: (r: DecodeResult) => void, tape: TapeWriter | null): boolean {
    const fast = this.fast;
    const walker = this.walker;
    if (fast === null || walker === null) return false;
    const n = starts.length;
    let longest = 0;
    for (let i = 0; i < n; i++) {
      const len = ends[i]! - starts[i]!;
      if (len < 0 || ends[i]! > bytes.length) return false;
      if (len > longest) longest = len;
    }
    if (this.from.length < n) this.grow(n);
    // segments of about SEGMENT_BYTES of copied text, so the copy and its string stay in cache
    walker.reserveBatch(SEGMENT_BYTES + longest + 1);
    const src = plainView(bytes);
    for (let i = 0; i < n; ) i = this.segment(fast, walker, bytes, src, starts, ends, i, ascii, emit, tape);
    return true;
  }

  /**
   * Decodes values i0.. (as many as fit about SEGMENT_BYTES of copy) and returns the index after
   * the last. The copy the walker reads holds each value followed by a zero byte: a value whose
   * schema block is cached keeps only what follows the block; runs of other values (apart in the
   * input, like lines) are copied whole at once. Not-ASCII segments are decoded one by one.
   */
  private segment(
    fast: FastEnvelope,
    walker: JsonWalker,
    bytes: Uint8Array,
    /** bytes as a plain Uint8Array, to copy from. */
    src: Uint8Array,
    starts: Uint32Array,
    ends: Uint32Array,
    i0: number,
    ascii: boolean,
    emit: (r: DecodeResult) => void,
    tape: TapeWriter | null,
  ): number {
    const n = starts.length;
    const from = this.from;
    const to = this.to;
    const hits = this.hits;
    const u = walker.useBatch();
    let dst = 0;
    let runSrc = -1;
    let runDst = 0;
    let runEnd = 0;
    let i = i0;
    while (i < n && dst < SEGMENT_BYTES) {
      const a = starts[i]!;
      const b = ends[i]!;
      if (a === b) {
        from[i++] = -1;
        continue;
      }
      const hit = this.hitsKnown ? hits[i]! : fast.cachedSchemaAt(bytes, a, b);
      hits[i] = hit;
      if (hit === null) {
        if (runSrc >= 0 && a <= runEnd) {
          copy(u, runDst, src, runSrc, runEnd); // no byte between: this value starts a new run
          runSrc = -1;
        }
        if (runSrc < 0) {
          runSrc = a;
          runDst = dst;
        }
        from[i] = runDst + (a - runSrc);
        to[i] = from[i]! + (b - a);
        runEnd = b;
      } else {
        if (runSrc >= 0) {
          copy(u, runDst, src, runSrc, runEnd);
          runSrc = -1;
        }
        const t = a + SCHEMA_VALUE_AT + hit.bytes.length;
        copy(u, dst, src, t, b);
        from[i] = dst;
        to[i] = dst + (b - t);
      }
      dst = to[i++]! + 1;
    }
    if (runSrc >= 0) copy(u, runDst, src, runSrc, runEnd);
    if (!ascii && !isAscii(u.subarray(0, dst))) {
      for (let k = i0; k < i; k++) {
        hits[k] = null;
        emit(from[k]! < 0 ? TOMBSTONE : this.decode(utf8(bytes, starts[k]!, ends[k]!)));
      }
      return i;
    }
    for (let k = i0; k < i; k++) if (from[k]! >= 0) u[to[k]!] = 0;
    u.fill(0, dst, dst + PAD);
    const text = this.text;
    text.set(u, dst);
    const st = this.st;
    let codes = u;
    for (let k = i0; k < i; k++) {
      const f = from[k]!;
      if (f < 0) {
        emit(TOMBSTONE);
        continue;
      }
      const hit = hits[k]!;
      hits[k] = null;
      st.reset();
      let at = f;
      if (hit !== null) st.plans = hit.plans;
      else at = skipWs(codes, f);
      if (hit !== null || codes[at] === 123) {
        if (tape !== null) {
          if (this.fastTape(text, fast, codes, at, hit !== null, to[k]!, tape)) continue;
        } else {
          const r = this.fastRead(text.get(), fast, codes, at, hit !== null, f, to[k]!);
          if (r !== null && r !== MALFORMED) {
            emit(r);
            continue;
          }
        }
      }
      // the JS walker decides, on the whole text (it may need what precedes a cached block)
      emit(this.slowDecode(ascii ? latin1(bytes, starts[k]!, ends[k]!) : utf8(bytes, starts[k]!, ends[k]!)));
      codes = walker.useBatch();
      text.moved(codes);
    }
    return i;
  }

  /**
   * fastRead() for the batch path with a tape: an event with the image(s) its op needs is written
   * straight onto the tape; any other verdict the fast path reaches is written as its
   * DecodeResult. False (the tape as it was) when the JS walker must decide on this text.
   */
  private fastTape(s: LazyText, fast: FastEnvelope, u: Buffer, at: number, resume: boolean, to: number, tape: TapeWriter): boolean {
    const st = this.st;
    const mark = tape.mark();
    try {
      const end = fast.walk(s, u, at, resume, st);
      if (end < 0 || skipWs(u, end) !== to) return false; // malformed, or the JS walker must read it
      const op = this.directOp(fast);
      if (op !== null) return this.direct!.write(tape, op, s, u, st, to - at);
      if (!fast.images(s.get(), u, st)) return false;
    } catch (e) {
      if (!(e instanceof RangeError) && !(e instanceof SyntaxError)) throw e;
      tape.rollback(Math.max(mark, this.direct!.flushedTo)); // keeps the records flushed meanwhile
      return false; // nested too deeply for the walker's stack: the JS walker may still manage
    }
    this.direct!.flush(tape);
    tape.write(this.verdict.finish(this.st, s.get(), u));
    return true;
  }

  /** The op of a walked event that finish() would return as an event with images, else null. */
  private directOp(fast: FastEnvelope): DebeziumOp | null {
    const st = this.st;
    if ((st.payloadNull && st.envelopeKeys === 0) || st.shapeError !== null) return null;
    const t = st.opText;
    if (t === 'd') return fast.hasImage(0) ? t : null;
    return (t === 'c' || t === 'u' || t === 'r') && fast.hasImage(1) ? t : null;
  }

  private grow(n: number): void {
    const cap = Math.max(n, this.from.length * 2);
    this.from = new Int32Array(cap);
    this.to = new Int32Array(cap);
    const hits = new Array<SchemaEntry | null>(cap).fill(null);
    for (let k = 0; k < this.hits.length; k++) hits[k] = this.hits[k]!; // lineSkip may have filled them
    this.hits = hits;
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
    const r = this.fastRead(s, fast, u, at, hit !== null, 0, s.length);
    return r === MALFORMED ? malformedRecord(s) : r;
  }

  /**
   * Walks the envelope at u[at] (resume: right after its cached schema block) of the text
   * s[from, to) (codes u[from, to), a zero byte at u[to]) into the reset EventState. MALFORMED
   * when the text is not valid JSON (the caller words it), null when the JS walker must decide.
   */
  private fastRead(s: string, fast: FastEnvelope, u: Buffer, at: number, resume: boolean, from: number, to: number): DecodeResult | typeof MALFORMED | null {
    let end: number;
    try {
      end = fast.read(s, u, at, resume, this.st);
    } catch (e) {
      if (!(e instanceof RangeError) && !(e instanceof SyntaxError)) throw e;
      return null; // nested too deeply for the walker's stack: the JS walker may still manage
    }
    if (end === -2) return null;
    if (end < 0 || skipWs(u, end) !== to) return MALFORMED;
    return this.verdict.finish(this.st, s, u);
  }

  /** The JS walker path (also judges tombstones and texts that are not objects). */
  private slowDecode(s: string): DecodeResult {
    this.slowDecodes++;
    const len = s.length;
    const u = this.walker !== null ? this.walker.load(s) : loadCodes(s);
    const i = skipWs(u, 0);
    if (i === len) return TOMBSTONE;
    const c = u[i]!;
    if (c === 110 && isNull(u, i) && skipWs(u, i + 4) === len) return TOMBSTONE;
    if (c !== 123) {
      const end = skipValue(u, i);
      if (end >= 0 && skipWs(u, end) === len) return badRecord('malformed', 'expected a JSON object (a Debezium envelope)');
      return malformedRecord(s);
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
    if (end < 0 || skipWs(u, end) !== len) return malformedRecord(s);
    return this.verdict.finish(this.st, s, u);
  }
}
