// Runtime of the WebAssembly JSON walker (json-walker-wat.ts): instantiates it once per process,
// lays out its memory (query tables, result slots, the current text's codes) and hands out views.
// Knows nothing about Debezium: callers build the query tables and read the slots. When
// WebAssembly (with SIMD) is unavailable, jsonWalker() is null and decoders use their JS path.
import { assembleWat } from './wasm-assembler.js';
import { JSON_WALKER_WAT } from './json-walker-wat.js';
import { PAD, writeCodes } from './json-scan.js';

// The plain Uint8Array methods: Buffer's own fill/subarray are slower (argument handling, FastBuffer).
const fill = Uint8Array.prototype.fill;
const set = Uint8Array.prototype.set;
const subarray = Uint8Array.prototype.subarray;

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { readonly exports: Record<string, unknown> };
}
type WalkFn = (inAddr: number, at: number, node: number, rows: number, ncols: number, out: number, slotBytes: number, rowOff: number, resume: number) => number;
type TapeFn = (dst: number, table: number, op: number, flags: number) => number;

const PAGE = 65536;
/** Query tables live in [QUERY_BASE, QUERY_END): written once per query shape, never freed. */
const QUERY_BASE = 1024;
const QUERY_END = 16 * PAGE;
/** Result slots start here (8-byte aligned); the text follows them. */
const SLOT_BASE = QUERY_END;

/** What walk() reads: one query shape (addresses in walker memory) and its slot layout. */
export interface WalkerQuery {
  readonly top: number;
  readonly rows: number;
  readonly ncols: number;
  /** Bytes of result slots, and where the row column records begin in them. */
  readonly slotBytes: number;
  readonly rowOff: number;
}

export class JsonWalker {
  /** The codes of the text last given to load() (see json-scan writeCodes), then zero bytes. */
  codes!: Buffer;
  /** The result slots as 32-bit integers and as doubles (same bytes). */
  slots!: Int32Array;
  nums!: Float64Array;
  /** All of the walker's memory, as bytes (tape records are read from it). */
  bytes!: Uint8Array;
  private slotCap = PAGE;
  /** A view of the codes from tailAt on (loadTail: the same offset for every event of a schema). */
  private tail: Buffer | null = null;
  private tailAt = -1;
  private textCap = 0;
  private queryTop = QUERY_BASE;
  /**
   * Bytes kept at the start of the text area for a whole batch (loadBatch), 0 when none. Single
   * texts (load*) go after it, so a record decoded alone does not overwrite the batch.
   */
  private batchLen = 0;
  private batchCodes: Buffer | null = null;
  /** Address of the codes walk() reads: the batch's or the single text's. */
  private base = 0;

  constructor(
    private readonly memory: WasmMemory,
    private readonly walkFn: WalkFn,
    private readonly tapeFn: TapeFn,
  ) {
    this.ensure(SLOT_BASE + this.slotCap + PAGE);
    this.views();
  }

  private get textBase(): number {
    return SLOT_BASE + this.slotCap;
  }

  /** Recreates the views (growing memory detaches the old buffer). */
  private views(): void {
    const buf = this.memory.buffer;
    const single = this.textBase + this.batchLen;
    this.textCap = buf.byteLength - single - PAD;
    this.codes = Buffer.from(buf, single, this.textCap + PAD);
    this.batchCodes = this.batchLen > 0 ? Buffer.from(buf, this.textBase, this.batchLen) : null;
    this.base = single;
    this.tail = null;
    this.slots = new Int32Array(buf, SLOT_BASE, this.slotCap >> 2);
    this.nums = new Float64Array(buf, SLOT_BASE, this.slotCap >> 3);
    this.bytes = new Uint8Array(buf);
  }

  private ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
  }

  /** Writes the codes of s (valid until the next call) and returns the codes view. */
  load(s: string): Buffer {
    this.room(s.length);
    writeCodes(s, this.codes);
    return this.codes;
  }

  /** Like load, but only the codes of s[at..] are written (at their positions; the rest is stale). */
  loadTail(s: string, at: number): Buffer {
    this.room(s.length);
    if (this.tailAt !== at || this.tail === null) {
      this.tail = this.codes.subarray(at);
      this.tailAt = at;
    }
    writeCodes(s.substring(at), this.tail);
    return this.codes;
  }

  /** load() for a text known to be ASCII and equal to bytes[a, b): its bytes are its codes. */
  loadAscii(bytes: Uint8Array, a: number, b: number): Buffer {
    const n = b - a;
    this.room(n);
    const codes = this.codes;
    set.call(codes, subarray.call(bytes, a, b), 0);
    fill.call(codes, 0, n, n + PAD);
    return codes;
  }

  /** loadTail() for an ASCII text equal to bytes[a, b). */
  loadTailAscii(bytes: Uint8Array, a: number, b: number, at: number): Buffer {
    const n = b - a;
    this.room(n);
    const codes = this.codes;
    set.call(codes, subarray.call(bytes, a + at, b), at);
    fill.call(codes, 0, n, n + PAD);
    return codes;
  }

  /**
   * Room for a batch of `n` bytes of codes at the start of the text area, which walk() reads
   * from now on: the caller copies the texts in (positions are the batch's) and puts a zero
   * byte after each, and PAD zero bytes after the last. Valid until the next reserveBatch;
   * single loads in between do not touch it, but walk() then reads them until useBatch().
   */
  reserveBatch(n: number): Buffer {
    // the batch area only grows, in whole MiBs, so the single-text area seldom moves; memory grows
    // only by what the batch area gains (the single-text area keeps at least a page)
    const need = (n + PAD + 0xfffff) & ~0xfffff;
    if (need > this.batchLen) {
      this.ensure(this.textBase + need + PAGE + PAD);
      this.batchLen = need;
      this.views();
    }
    this.base = this.textBase;
    return this.batchCodes!;
  }

  /** Makes walk() read the batch of the last loadBatch again (after single loads). */
  useBatch(): Buffer {
    this.base = this.textBase;
    return this.batchCodes!;
  }

  private room(n: number): void {
    this.base = this.textBase + this.batchLen;
    if (n <= this.textCap) return;
    this.ensure(this.textBase + this.batchLen + Math.max(n, this.textCap * 2) + PAD);
    this.views();
  }

  /** Makes room for `bytes` of result slots (a decoder asks once, when built). */
  reserveSlots(bytes: number): void {
    if (bytes <= this.slotCap) return;
    const cap = Math.ceil(bytes / PAGE) * PAGE;
    this.ensure(SLOT_BASE + cap + this.batchLen + this.textCap + PAD);
    this.slotCap = cap;
    this.views();
  }

  /** Address of `bytes` fresh (4-aligned) query bytes, or -1 when the query area is full. */
  allocQuery(bytes: number): number {
    const at = this.queryTop;
    if (at + bytes > QUERY_END) return -1;
    this.queryTop = at + ((bytes + 3) & ~3);
    return at;
  }

  writeI32(addr: number, v: number): void {
    new DataView(this.memory.buffer).setInt32(addr, v, true);
  }

  writeF64(addr: number, v: number): void {
    new DataView(this.memory.buffer).setFloat64(addr, v, true);
  }

  writeBytes(addr: number, bytes: Uint8Array): void {
    new Uint8Array(this.memory.buffer, addr, bytes.length).set(bytes);
  }

  /**
   * Walks the envelope object at codes[at] ('{'; resume: right after the value of a leading
   * "schema" member). Returns the offset after it, -1 malformed, -2 when JS must decide.
   * Throws RangeError when nesting exhausts the stack.
   */
  walk(q: WalkerQuery, at: number, resume: boolean): number {
    return this.walkFn(this.base, at, q.top, q.rows, q.ncols, SLOT_BASE, q.slotBytes, q.rowOff, resume ? 1 : 0);
  }

  /**
   * After a walk: writes its row images as a decode-tape event record (op index; flags: 1 before,
   * 2 after, 4 complete before) at memory address dst, converting values with the column plan
   * table at `table` (see json-walker-tape-wat.ts). The address after the record, or -1 when a
   * value needs JS (then the bytes after dst are garbage). The caller makes sure the record fits.
   */
  tape(dst: number, table: number, op: number, flags: number): number {
    return this.tapeFn(dst, table, op, flags);
  }
}

let instance: JsonWalker | null | undefined;

/** The process-wide walker, or null when this runtime has no WebAssembly SIMD. */
export function jsonWalker(): JsonWalker | null {
  if (instance !== undefined) return instance;
  instance = null;
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return null;
  try {
    const bytes = assembleWat(JSON_WALKER_WAT);
    if (!api.validate(bytes)) return null;
    const exports = new api.Instance(new api.Module(bytes)).exports;
    instance = new JsonWalker(exports['memory'] as WasmMemory, exports['walk'] as WalkFn, exports['tape'] as TapeFn);
  } catch {
    instance = null; // e.g. --jitless: no WebAssembly compilation
  }
  return instance;
}
