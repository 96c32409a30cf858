// File source: reads a .jsonl file of Debezium change events in large chunks with one read
// always in flight, and hands out whole lines as batches of raw bytes, split into values lazily
// (by the decode thread, which matches schema blocks as it goes, or here on first use; 1-based
// line numbers for positions). A batch owns the chunk it was read into (no copy); the runtime
// hands processed batches back through recycle() so chunks are reused, not reallocated.
// Bounded runs stop at the size the file had at open(); unbounded runs tail the file.
// Must not decode events (that is the decoder's job) nor split a line across batches.
import { open, type FileHandle } from 'node:fs/promises';
import { splitLines } from './line-split.js';
import { rawValuesToStrings } from './raw-values.js';
import { EngineError } from '../core/errors.js';
import type { LineChunk, PollResult, Positions, RawValues, RecordBatch, SourceLag, SourceReader } from './source.js';

export interface FileSourceOptions {
  /** Stop at the end the file had at open() (--once); else tail it for appended lines. */
  readonly bounded: boolean;
  /** Unbounded mode: least time between two reads that found nothing new. Default 0. */
  readonly pollIntervalMs?: number;
  /** Bytes per read. Default 16 MiB (fewer, larger batches: 7-10% faster than 4 MiB on the schema-block benchmark). */
  readonly chunkBytes?: number;
}

/**
 * The first read is at most this long, and each next one twice the last, up to chunkBytes: the
 * first batch is decoded (by still cold code) and processed soon instead of after a whole chunk.
 */
const FIRST_READ_BYTES = 1 << 20;

/**
 * A chunk of its own (never from Buffer's shared pool): it moves to the decode thread and back
 * (transferred, not copied). SharedArrayBuffer chunks measured slower: 5.8 s against 4.6 s for
 * the 2M-event plain benchmark.
 */
const chunkBuffer = (bytes: number): Buffer => Buffer.allocUnsafeSlow(bytes);

const IDLE: PollResult = Object.freeze({ kind: 'idle' });
const END: PollResult = Object.freeze({ kind: 'end' });

/**
 * Whole lines of one read, split lazily: by the decode thread (adopt()) or on first use here.
 * Its first line number is the previous batch's end, known once that one is split; batches
 * are processed in order, so that is resolved before anyone needs it (iteratively: a long run
 * of unsplit batches cannot overflow the stack).
 */
class FileBatch implements RecordBatch, LineChunk {
  private split_: RawValues | undefined;
  private texts: (string | null)[] | undefined;
  /** -1 until known; then prev is dropped (a batch never keeps a chain of older ones alive). */
  private first: number;
  private prev: FileBatch | null;

  constructor(
    readonly split: string,
    prev: FileBatch | null,
    first: number,
    readonly bytes: Uint8Array,
    readonly end: number,
    readonly final: boolean,
  ) {
    this.prev = prev;
    this.first = prev === null ? first : -1;
  }

  get lines(): LineChunk | undefined {
    return this.split_ === undefined ? this : undefined;
  }

  adopt(raw: RawValues): void {
    this.split_ ??= raw;
  }

  get raw(): RawValues {
    return (this.split_ ??= splitLines(this.bytes, this.end, this.final));
  }

  /** Built on first use: a decoder thread reads `raw` and the runtime only needs text for dead letters. */
  get values(): readonly (string | null)[] {
    return (this.texts ??= rawValuesToStrings(this.raw));
  }

  get firstIndex(): number {
    if (this.first < 0) {
      const chain: FileBatch[] = [];
      let b: FileBatch = this;
      while (b.first < 0) {
        chain.push(b);
        b = b.prev!;
      }
      for (let k = chain.length - 1; k >= 0; k--) {
        const c = chain[k]!;
        c.first = c.prev!.endIndex;
        c.prev = null;
      }
    }
    return this.first;
  }

  /** Line index just after this batch. */
  get endIndex(): number {
    return this.firstIndex + this.raw.starts.length;
  }

  positionsAfter(): Positions {
    return { [this.split]: this.endIndex };
  }

  where(i: number): string {
    return `${this.split}:${this.firstIndex + i + 1}`;
  }
}

export class FileSourceReader implements SourceReader {
  private fh: FileHandle | null = null;
  private buf: Buffer;
  /** Bytes of buf holding unread data (a partial line at most, between polls). */
  private filled = 0;
  /** File offset of the next read. */
  private readPos = 0;
  /** Bounded mode: file size at open(). */
  private endAtOpen = Infinity;
  /** Unbounded mode: the file size last seen (refreshed by poll() at most once a second), and when. */
  private knownSize = 0;
  private sizeSeenAt = 0;
  private pending: Promise<number> | null = null;
  /** Lines before the first batch (skipped on resume). */
  private lines = 0;
  /** The last batch returned: positions are its end. */
  private last: FileBatch | null = null;
  private idleSince = -1;
  private ended = false;
  /** Chunks of the standard size whose batches were processed (see recycle()). */
  private readonly free: ArrayBuffer[] = [];
  private readonly chunkBytes: number;
  /** Longest next read (grows to chunkBytes, see FIRST_READ_BYTES). */
  private readLimit: number;

  constructor(
    readonly name: string,
    private readonly path: string,
    private readonly split: string,
    private readonly opts: FileSourceOptions,
  ) {
    this.chunkBytes = opts.chunkBytes ?? 16 << 20;
    this.readLimit = Math.min(FIRST_READ_BYTES, this.chunkBytes);
    this.buf = this.chunk();
  }

  /** A chunk of the standard size, reused when one came back. */
  private chunk(): Buffer {
    const ab = this.free.pop();
    return ab !== undefined ? Buffer.from(ab, 0, this.chunkBytes) : chunkBuffer(this.chunkBytes);
  }

  /** The runtime is done with a batch this reader returned: its chunk may be read into again. */
  recycle(raw: RawValues): void {
    const ab = raw.bytes.buffer;
    if (ab instanceof ArrayBuffer && ab.byteLength === this.chunkBytes && this.free.length < 8 && !this.free.includes(ab)) this.free.push(ab);
  }

  async open(resume: Positions | undefined): Promise<void> {
    try {
      this.fh = await open(this.path, 'r');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
      const message = `source '${this.name}': cannot open '${this.path}': ${why}`;
      // a path that names no readable file is the user's to fix (exit 1); other failures are runtime ones
      if (code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR' || code === 'EISDIR') throw new EngineError('config', message, { cause: e });
      throw new Error(message, { cause: e });
    }
    if (this.opts.bounded) this.endAtOpen = (await this.fh.stat()).size;
    const skip = resume?.[this.split] ?? 0;
    if (skip > 0) await this.skipLines(skip);
  }

  /** Positions the reader after `count` lines, counting newlines without decoding text. */
  private async skipLines(count: number): Promise<void> {
    const fh = this.fh!;
    let seen = 0;
    let pos = 0; // file offset of buf[0]
    let after = 0; // file offset just after the last newline counted
    for (;;) {
      const { bytesRead } = await fh.read(this.buf, 0, this.buf.length, pos);
      if (bytesRead === 0) break;
      let p = 0;
      while (seen < count) {
        const q = this.buf.indexOf(10, p);
        if (q < 0 || q >= bytesRead) break;
        seen++;
        p = q + 1;
        after = pos + p;
      }
      if (seen === count) break;
      pos += bytesRead;
    }
    // a bounded run may have consumed a final line that had no newline: it counts as a line
    if (seen === count - 1 && after < pos) {
      after = pos;
      seen = count;
    }
    if (seen < count) {
      throw new Error(
        `source '${this.name}': '${this.path}' has ${seen} lines but the committed position is ${count} (was it truncated or replaced?)`,
      );
    }
    this.readPos = after;
    this.lines = count;
  }

  private startRead(): void {
    let len = Math.min(this.buf.length - this.filled, this.readLimit);
    this.readLimit = Math.min(this.readLimit * 2, this.chunkBytes);
    if (this.opts.bounded) len = Math.min(len, this.endAtOpen - this.readPos);
    const fh = this.fh!;
    this.pending = len <= 0 ? Promise.resolve(0) : fh.read(this.buf, this.filled, len, this.readPos).then((r) => r.bytesRead);
  }

  /** Bytes of the file not read yet (unbounded: of its size seen within the last second or so). */
  lag(): SourceLag {
    const size = this.opts.bounded ? this.endAtOpen : Math.max(this.knownSize, this.readPos);
    return { bytes: Math.max(0, size - this.readPos) };
  }

  async poll(): Promise<PollResult> {
    if (this.fh === null) throw new Error(`source '${this.name}': poll() before open()`);
    if (!this.opts.bounded && Date.now() - this.sizeSeenAt >= 1000) {
      this.sizeSeenAt = Date.now();
      const fh = this.fh;
      fh.stat().then(
        (st) => (this.knownSize = st.size),
        () => undefined, // closed meanwhile: the size is only for display
      );
    }
    for (;;) {
      if (this.ended) return END;
      if (this.pending === null) {
        if (this.opts.bounded && this.readPos >= this.endAtOpen) return this.finishBounded();
        if (this.filled === this.buf.length) this.grow();
        const wait = this.opts.pollIntervalMs ?? 0;
        if (!this.opts.bounded && this.idleSince >= 0 && Date.now() - this.idleSince < wait) return IDLE;
        this.startRead();
      }
      const n = await this.pending!;
      this.pending = null;
      this.filled += n;
      this.readPos += n;
      const cut = this.filled > 0 ? this.buf.lastIndexOf(10, this.filled - 1) + 1 : 0;
      if (cut > 0) {
        this.idleSince = -1;
        const batch = this.takeLines(cut);
        if (!(this.opts.bounded && this.readPos >= this.endAtOpen)) this.startRead(); // read ahead
        return { kind: 'batch', batch };
      }
      if (n === 0) {
        if (this.opts.bounded) return this.finishBounded(); // the file shrank below its size at open()
        this.idleSince = Date.now();
        return IDLE;
      }
    }
  }

  /** End of a bounded run: a final line without a newline is still a line. */
  private finishBounded(): PollResult {
    this.ended = true;
    if (this.filled === 0) return END;
    const batch = this.takeLines(this.filled, true);
    return { kind: 'batch', batch };
  }

  /**
   * Lines in buf[0..cut) as one batch (cut is just after a newline, or the end of a bounded file
   * when `final`), not split yet. The batch takes the chunk; the rest moves to the start of a fresh one.
   */
  private takeLines(cut: number, final = false): FileBatch {
    const src = this.buf;
    const rest = this.filled - cut;
    const next = rest < this.chunkBytes ? this.chunk() : chunkBuffer(rest * 2);
    if (rest > 0) src.copy(next, 0, cut, this.filled);
    this.buf = next;
    this.filled = rest;
    const batch = new FileBatch(this.split, this.last, this.lines, src, cut, final);
    this.last = batch;
    return batch;
  }

  private grow(): void {
    const bigger = chunkBuffer(this.buf.length * 2);
    this.buf.copy(bigger, 0, 0, this.filled);
    this.buf = bigger;
  }

  positions(): Positions {
    return { [this.split]: this.last !== null ? this.last.endIndex : this.lines };
  }

  async committed(): Promise<void> {}

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    if (this.pending !== null) await this.pending.catch(() => 0);
    this.pending = null;
    if (fh !== null) await fh.close();
  }
}
