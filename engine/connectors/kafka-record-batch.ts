// Pure byte parsing of Kafka record sets (RecordBatch v2; the response framing is in
// kafka-fetch-response.ts) straight into runs of contiguous data records: one transferable buffer
// per run holding its records as they lay in the response (one copy per stretch of records, keys
// included), with value and key offsets into it. No object per record. Must not import kafkajs nor
// do I/O: kafka-client.ts sends the request and supplies a decoder for legacy (magic 0/1) sets.
import { Buffer, isAscii } from 'node:buffer';
import { promisify } from 'node:util';
import { unzip } from 'node:zlib';
import { corrupt, i16, i32, i64, i64big, type AbortedTxn } from './kafka-fetch-response.js';
import type { RawValues } from './source.js';

export type { AbortedTxn } from './kafka-fetch-response.js';

const gunzip = promisify(unzip);

/**
 * Keys of one run: key i is bytes[starts[i], ends[i]), null when starts[i] < 0. `bytes` is the
 * run's value buffer (keys are copied along with the values), so keys can no longer be read once
 * that buffer was moved to another thread or recycled.
 */
export class RunKeys {
  constructor(
    readonly bytes: Uint8Array,
    readonly starts: Int32Array,
    readonly ends: Int32Array,
  ) {}

  get count(): number {
    return this.starts.length;
  }

  /** Key i as bytes (a view, not a copy); null when the record has no key. */
  get(i: number): Uint8Array | null {
    const s = this.starts[i];
    if (s === undefined || s < 0) return null;
    const e = this.ends[i]!;
    if (e > this.bytes.length) throw new Error('Kafka keys read after their batch was moved to another thread or recycled');
    return this.bytes.subarray(s, e);
  }

  /** The first `n` keys. */
  head(n: number): RunKeys {
    if (n >= this.starts.length) return this;
    return new RunKeys(this.bytes, this.starts.subarray(0, n), this.ends.subarray(0, n));
  }
}

/** No keys (a run of no records). */
export const NO_KEYS = new RunKeys(new Uint8Array(0), new Int32Array(0), new Int32Array(0));

/**
 * Contiguous data records: record i is at offset firstOffset + i. Values are copied into one
 * buffer per run (RawValues: an empty value is a tombstone), so that they can be handed to a
 * decoder thread without building a string per record.
 */
export interface FetchedRun {
  readonly firstOffset: number;
  readonly count: number;
  /**
   * The values; null when some value is empty but not null (then `texts` holds them exactly).
   * `raw.bytes` holds more than the values (the keys, and record framing between them).
   */
  readonly raw: RawValues | null;
  /** UTF-8 text of each value (null for tombstones), only when `raw` is null. */
  readonly texts: (string | null)[] | null;
  readonly keys: RunKeys;
}

/** One partition's data records, cut into runs, and where the next fetch should start. */
export interface DecodedRecords {
  /** Data records in offset order; a new run starts wherever offsets are not contiguous. */
  readonly runs: FetchedRun[];
  /**
   * Offset after the last record seen (data, control marker or aborted) or after the last
   * complete batch read (whichever is further); the requested offset when none.
   */
  readonly nextOffset: number;
}

/** A record of a legacy (magic 0/1) message set, decoded by someone else. */
export interface LegacyRecord {
  readonly offset: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
}


export interface RecordSetOptions {
  /** Records before it are dropped (a fetch returns whole batches). */
  readonly fetchOffset: number;
  /** Where a run's value bytes go: a view of exactly `bytes` bytes over a buffer of its own. Default: a new buffer. */
  readonly alloc?: (bytes: number) => Uint8Array;
  /** Longest run returned; longer contiguous stretches are split. */
  readonly maxRun: number;
  /** Under read_committed: the response's aborted transactions (else empty). */
  readonly aborted: readonly AbortedTxn[];
  /** Decodes a legacy message set (from a batch whose magic byte is not 2 to the end). */
  readonly legacy?: (bytes: Uint8Array) => Promise<readonly LegacyRecord[]>;
  /** Names the partition in errors ('topic/partition'). */
  readonly where?: string;
}

// ---- Record sets ------------------------------------------------------------------------------

/** Bytes of a RecordBatch v2 header, firstOffset through the record count. */
const BATCH_HEADER = 61;
const COMPRESSION_MASK = 0x07;
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;
const GZIP = 1;
const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
/** Where the magic byte sits, in a v2 batch and in a legacy message alike. */
const MAGIC_AT = 16;

/** Position after the last varint read (module scratch: avoids an object per read). */
let at = 0;

/** A zigzag varint (int32) at b[p]. */
function varint(b: Uint8Array, p: number): number {
  let byte = b[p++]!;
  let v = byte & 0x7f;
  if (byte & 0x80) {
    byte = b[p++]!;
    v |= (byte & 0x7f) << 7;
    if (byte & 0x80) {
      byte = b[p++]!;
      v |= (byte & 0x7f) << 14;
      if (byte & 0x80) {
        byte = b[p++]!;
        v |= (byte & 0x7f) << 21;
        if (byte & 0x80) {
          byte = b[p++]!;
          v |= byte << 28;
          if (byte & 0x80) throw corrupt('varint longer than 5 bytes');
        }
      }
    }
  }
  at = p;
  return (v >>> 1) ^ -(v & 1);
}

/** Bytes between two records that are copied along rather than starting a new segment (batch headers). */
const MAX_GAP = 4096;

/**
 * Builds runs from records fed in offset order, applying the skip rules of a fetch. A run's
 * records are copied into its buffer as they lie in the response, keys and framing included:
 * one copy per stretch of adjacent records (a whole batch, or several), not one per value.
 */
class RunBuilder {
  readonly runs: FetchedRun[] = [];
  next: number;
  private readonly aborted: readonly AbortedTxn[];
  private ai = 0;
  private abortedProducers: Set<bigint> | null = null;
  // the current run: value and key ranges in run-buffer coordinates
  private count = 0;
  private first = -1;
  private runNext = -1;
  private vStarts: Uint32Array;
  private vEnds: Uint32Array;
  private kStarts: Int32Array;
  private kEnds: Int32Array;
  private empties: number[] | null = null;
  /** Stretches of source bytes making up the run buffer, in order: buffer, start, end. */
  private readonly segBufs: Uint8Array[] = [];
  private readonly segRanges: number[] = [];
  /** The open stretch: source buffer, its range, and where it starts in the run buffer. */
  private segBuf: Uint8Array | null = null;
  private segStart = 0;
  private segEnd = 0;
  private segDst = 0;

  constructor(
    readonly fetchOffset: number,
    private readonly maxRun: number,
    aborted: readonly AbortedTxn[],
    private readonly alloc: (bytes: number) => Uint8Array,
  ) {
    this.next = fetchOffset;
    this.aborted = aborted.length > 1 ? [...aborted].sort((a, b) => a.firstOffset - b.firstOffset) : aborted;
    const cap = Math.min(Math.max(maxRun, 1), 1024);
    this.vStarts = new Uint32Array(cap);
    this.vEnds = new Uint32Array(cap);
    this.kStarts = new Int32Array(cap);
    this.kEnds = new Int32Array(cap);
  }

  /** Whether aborted transactions must be tracked (producer ids are read only then). */
  get tracksAborts(): boolean {
    return this.aborted.length > 0;
  }

  /**
   * One record at `off`, lying in b[recStart, recEnd); its key is b[kStart, kStart + kLen) and its
   * value b[vStart, vStart + vLen) (length -1: null). `producerId` matters only when tracksAborts.
   */
  add(b: Uint8Array, off: number, control: boolean, txn: boolean, producerId: bigint, recStart: number, recEnd: number, kStart: number, kLen: number, vStart: number, vLen: number): void {
    if (off < this.fetchOffset) return;
    this.next = off + 1;
    const aborted = this.aborted;
    if (this.ai < aborted.length) {
      while (this.ai < aborted.length && off >= aborted[this.ai]!.firstOffset) (this.abortedProducers ??= new Set()).add(aborted[this.ai++]!.producerId);
    }
    const ap = this.abortedProducers;
    if (control) {
      // control key: int16 version, int16 type (0 = abort, 1 = commit)
      if (ap !== null && kLen >= 4 && i16(b, kStart + 2) === 0) ap.delete(producerId);
      return;
    }
    if (ap !== null && txn && ap.has(producerId)) return;
    let i = this.count;
    if (i === 0 || off !== this.runNext || i >= this.maxRun) {
      if (i > 0) this.flush();
      this.first = off;
      i = 0;
    }
    if (i === this.vStarts.length) this.grow();
    // extend the open stretch, or start a new one
    if (b !== this.segBuf || recStart < this.segEnd || recStart - this.segEnd > MAX_GAP) {
      this.closeSegment();
      this.segBuf = b;
      this.segStart = recStart;
    }
    this.segEnd = recEnd;
    const shift = this.segDst - this.segStart;
    if (kLen < 0) {
      this.kStarts[i] = -1;
      this.kEnds[i] = -1;
    } else {
      this.kStarts[i] = kStart + shift;
      this.kEnds[i] = kStart + kLen + shift;
    }
    if (vLen <= 0) {
      if (vLen === 0) (this.empties ??= []).push(i);
      this.vStarts[i] = vStart + shift;
      this.vEnds[i] = vStart + shift;
    } else {
      this.vStarts[i] = vStart + shift;
      this.vEnds[i] = vStart + vLen + shift;
    }
    this.count = i + 1;
    this.runNext = off + 1;
  }

  private closeSegment(): void {
    if (this.segBuf === null) return;
    this.segBufs.push(this.segBuf);
    this.segRanges.push(this.segStart, this.segEnd);
    this.segDst += this.segEnd - this.segStart;
    this.segBuf = null;
  }

  private grow(): void {
    const cap = this.vStarts.length * 2;
    const u = (a: Uint32Array): Uint32Array => {
      const x = new Uint32Array(cap);
      x.set(a);
      return x;
    };
    const g = (a: Int32Array): Int32Array => {
      const x = new Int32Array(cap);
      x.set(a);
      return x;
    };
    this.vStarts = u(this.vStarts);
    this.vEnds = u(this.vEnds);
    this.kStarts = g(this.kStarts);
    this.kEnds = g(this.kEnds);
  }

  /** Ends the current run: copies its stretches into one buffer of its own. */
  flush(): void {
    const n = this.count;
    if (n === 0) return;
    this.closeSegment();
    const bytes = this.alloc(this.segDst);
    const bufs = this.segBufs;
    const ranges = this.segRanges;
    for (let j = 0, pos = 0; j < bufs.length; j++) {
      const a = ranges[2 * j]!;
      const e = ranges[2 * j + 1]!;
      bytes.set(bufs[j]!.subarray(a, e), pos);
      pos += e - a;
    }
    const starts = this.vStarts.slice(0, n);
    const ends = this.vEnds.slice(0, n);
    // every byte of the buffer (values, keys, framing) < 0x80: then surely every value. The first
    // byte starts a record length, >= 0x80 for records of 64 bytes and more: no need to scan then.
    const raw: RawValues = { bytes, starts, ends, ascii: (bytes[0] ?? 0) < 0x80 && isAscii(bytes) };
    let texts: (string | null)[] | null = null;
    if (this.empties !== null) {
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      texts = new Array<string | null>(n);
      for (let i = 0; i < n; i++) texts[i] = starts[i] === ends[i] ? null : text.toString('utf8', starts[i], ends[i]);
      for (const i of this.empties) texts[i] = '';
    }
    const keys = new RunKeys(bytes, this.kStarts.slice(0, n), this.kEnds.slice(0, n));
    this.runs.push({ firstOffset: this.first, count: n, raw: texts === null ? raw : null, texts, keys });
    this.count = 0;
    this.empties = null;
    bufs.length = 0;
    ranges.length = 0;
    this.segDst = 0;
  }
}

/**
 * Feeds the records of the v2 batches in b[start, end) to `rb`. Stops before a truncated trailing
 * batch; returns the position of the first batch it did not read (a compressed or legacy one), or
 * `end`.
 */
function readBatches(rb: RunBuilder, b: Uint8Array, start: number, end: number, where: string): number {
  let p = start;
  const fetchOffset = rb.fetchOffset;
  while (end - p > MAGIC_AT) {
    if (b[p + MAGIC_AT] !== 2) return p;
    if (end - p < BATCH_HEADER) return end; // truncated by the fetch size
    const length = i32(b, p + 8);
    if (length < BATCH_HEADER - 12) throw corrupt(`${where}: record batch of ${length} bytes`);
    const batchEnd = p + 12 + length;
    if (batchEnd > end) return end; // truncated by the fetch size
    const attributes = i16(b, p + 21);
    if ((attributes & COMPRESSION_MASK) !== 0) return p;
    const base = i64(b, p);
    const last = base + i32(b, p + 23);
    if (last >= fetchOffset) {
      readRecords(rb, b, p + BATCH_HEADER, batchEnd, i32(b, p + 57), base, attributes, rb.tracksAborts ? i64big(b, p + 43) : 0n, where);
      if (last + 1 > rb.next) rb.next = last + 1;
    }
    p = batchEnd;
  }
  return end;
}

/** The `count` records of one batch, laid out in b[p, end). */
function readRecords(rb: RunBuilder, b: Uint8Array, p: number, end: number, count: number, base: number, attributes: number, producerId: bigint, where: string): void {
  const control = (attributes & CONTROL) !== 0;
  const txn = (attributes & TRANSACTIONAL) !== 0;
  for (let r = 0; r < count; r++) {
    if (p >= end) throw corrupt(`${where}: the batch at offset ${base} ends after ${r} of its ${count} records`);
    const recStart = p;
    const len = varint(b, p);
    p = at;
    const recEnd = p + len;
    if (len < 0 || recEnd > end) throw corrupt(`${where}: record ${r} of the batch at offset ${base} overruns it`);
    p++; // attributes
    while (b[p++]! & 0x80); // timestamp delta (varlong), unused
    const off = base + varint(b, p);
    const kLen = varint(b, at);
    const kStart = at;
    const vLen = varint(b, kStart + (kLen > 0 ? kLen : 0));
    const vStart = at;
    if (vStart + (vLen > 0 ? vLen : 0) > recEnd) throw corrupt(`${where}: record at offset ${off} overruns its length`);
    rb.add(b, off, control, txn, producerId, recStart, recEnd, kStart, kLen, vStart, vLen);
    p = recEnd;
  }
}

/**
 * Decodes a partition's record set b[start, end) into runs of data records: drops records before
 * the requested offset, control markers and, when `aborted` is given, records of aborted
 * transactions; stops before a truncated trailing batch. Uncompressed v2 batches are read in
 * place; gzip batches are inflated (node:zlib, off the main thread); snappy, lz4 and zstd fail
 * with an error naming the codec; legacy message sets go to `o.legacy`. CRCs are not checked
 * (kafkajs does not check them either).
 */
export async function decodeRecordSet(b: Uint8Array, start: number, end: number, o: RecordSetOptions): Promise<DecodedRecords> {
  const rb = new RunBuilder(o.fetchOffset, o.maxRun, o.aborted, o.alloc ?? newBuffer);
  const where = o.where ?? 'partition';
  let p = start;
  while (p < end) {
    p = readBatches(rb, b, p, end, where);
    if (p >= end) break;
    if (b[p + MAGIC_AT] !== 2) {
      // a legacy message set from here on (kafkajs's decoder copes with a truncated tail)
      if (o.legacy === undefined) throw new Error(`${where}: message format v${b[p + MAGIC_AT]} (magic byte) is not supported`);
      for (const r of await o.legacy(b.subarray(p, end))) addLegacy(rb, r);
      break;
    }
    // a whole compressed v2 batch (readBatches checked its length)
    const attributes = i16(b, p + 21);
    const batchEnd = p + 12 + i32(b, p + 8);
    const base = i64(b, p);
    const last = base + i32(b, p + 23);
    if (last >= o.fetchOffset) {
      const codec = attributes & COMPRESSION_MASK;
      if (codec !== GZIP) {
        const name = CODEC_NAMES[codec] ?? `codec ${codec}`;
        throw new Error(`${where}: the record batch at offset ${base} is compressed with ${name}, which is not supported (supported: none, gzip); set the producer's compression.type to gzip or none`);
      }
      const inflated = new Uint8Array(await gunzip(b.subarray(p + BATCH_HEADER, batchEnd)));
      readRecords(rb, inflated, 0, inflated.length, i32(b, p + 57), base, attributes, rb.tracksAborts ? i64big(b, p + 43) : 0n, where);
      if (last + 1 > rb.next) rb.next = last + 1;
    }
    p = batchEnd;
  }
  rb.flush();
  return { runs: rb.runs, nextOffset: rb.next };
}

const newBuffer = (bytes: number): Uint8Array => Buffer.allocUnsafeSlow(bytes);

/**
 * Run buffers of one size class, reused once the runtime hands them back (see SourceReader.recycle):
 * no fresh allocation (and page faults) per run. Values that do not fit get a buffer of their own.
 */
export class RunBufferPool {
  private readonly free: ArrayBuffer[] = [];

  constructor(
    /** Bytes of every pooled buffer. */
    readonly capacity: number,
    private readonly maxFree = 16,
  ) {}

  readonly take = (bytes: number): Uint8Array => {
    if (bytes > this.capacity) return newBuffer(bytes);
    const ab = this.free.pop() ?? (Buffer.allocUnsafeSlow(this.capacity).buffer as ArrayBuffer);
    return new Uint8Array(ab, 0, bytes);
  };

  /** Takes back a buffer taken from a pool of this capacity (others, and detached ones, are ignored). */
  give(ab: ArrayBuffer): void {
    if (ab.byteLength !== this.capacity || this.free.length >= this.maxFree || this.free.includes(ab)) return;
    this.free.push(ab);
  }
}

/** A legacy record: its key and value are copied side by side into a buffer of its own. */
function addLegacy(rb: RunBuilder, r: LegacyRecord): void {
  const k = r.key;
  const v = r.value;
  const kLen = k === null ? -1 : k.length;
  const vLen = v === null ? -1 : v.length;
  const both = new Uint8Array(Math.max(kLen, 0) + Math.max(vLen, 0));
  if (k !== null) both.set(k, 0);
  if (v !== null) both.set(v, Math.max(kLen, 0));
  rb.add(both, r.offset, false, false, 0n, 0, both.length, 0, kLen, Math.max(kLen, 0), vLen);
}
