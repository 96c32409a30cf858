// File source: reads a .jsonl file of Debezium change events in large chunks with one read
// always in flight, and hands out whole lines as batches of raw bytes (text is built lazily;
// 1-based line numbers for positions). A batch owns the chunk it was read into (no copy); the
// runtime hands processed batches back through recycle() so chunks are reused, not reallocated.
// Bounded runs stop at the size the file had at open(); unbounded runs tail the file.
// Must not decode events (that is the decoder's job) nor split a line across batches.
import { open, type FileHandle } from 'node:fs/promises';
import { rawValuesToStrings } from './raw-values.js';
import type { PollResult, Positions, RawValues, RecordBatch, SourceReader } from './source.js';

export interface FileSourceOptions {
  /** Stop at the end the file had at open() (--once); else tail it for appended lines. */
  readonly bounded: boolean;
  /** Unbounded mode: least time between two reads that found nothing new. Default 0. */
  readonly pollIntervalMs?: number;
  /** Bytes per read. Default 4 MiB. */
  readonly chunkBytes?: number;
}

const IDLE: PollResult = Object.freeze({ kind: 'idle' });
const END: PollResult = Object.freeze({ kind: 'end' });

class FileBatch implements RecordBatch {
  private texts: (string | null)[] | undefined;

  constructor(
    readonly split: string,
    readonly firstIndex: number,
    readonly raw: RawValues,
  ) {}

  /** Built on first use: a decoder thread reads `raw` and the runtime only needs text for dead letters. */
  get values(): readonly (string | null)[] {
    return (this.texts ??= rawValuesToStrings(this.raw));
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
  private pending: Promise<number> | null = null;
  private lines = 0;
  private idleSince = -1;
  private ended = false;
  /** Chunks of the standard size whose batches were processed (see recycle()). */
  private readonly free: ArrayBuffer[] = [];
  private readonly chunkBytes: number;
  /** Line offsets found by takeLines (start, end pairs), reused. */
  private scratch = new Uint32Array(1 << 14);

  constructor(
    readonly name: string,
    private readonly path: string,
    private readonly split: string,
    private readonly opts: FileSourceOptions,
  ) {
    this.chunkBytes = opts.chunkBytes ?? 4 << 20;
    this.buf = this.chunk();
  }

  /** A chunk of the standard size, reused when one came back. */
  private chunk(): Buffer {
    const ab = this.free.pop();
    return ab !== undefined ? Buffer.from(ab, 0, this.chunkBytes) : Buffer.allocUnsafeSlow(this.chunkBytes);
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
      throw new Error(`source '${this.name}': cannot open '${this.path}': ${why}`);
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
    let len = this.buf.length - this.filled;
    if (this.opts.bounded) len = Math.min(len, this.endAtOpen - this.readPos);
    const fh = this.fh!;
    this.pending = len <= 0 ? Promise.resolve(0) : fh.read(this.buf, this.filled, len, this.readPos).then((r) => r.bytesRead);
  }

  async poll(): Promise<PollResult> {
    if (this.fh === null) throw new Error(`source '${this.name}': poll() before open()`);
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
    const batch = this.takeLines(this.filled, 1);
    return { kind: 'batch', batch };
  }

  /**
   * Lines in buf[0..cut) as one batch of raw values (cut is just after a newline, or the end of
   * a bounded file). The batch takes the chunk; the rest moves to the start of a fresh one.
   */
  private takeLines(cut: number, knownLines = -1): FileBatch {
    const src = this.buf;
    const bytes = src.subarray(0, cut);
    // one pass over the newlines, into scratch offsets (grown as needed), then exact copies
    let scratch = this.scratch;
    let n = 0;
    let p = 0;
    while (p < cut && (knownLines < 0 || n < knownLines)) {
      let q = bytes.indexOf(10, p);
      if (q < 0) {
        if (knownLines < 0) break; // cut is just after a newline: no partial line here
        q = cut;
      }
      let b = q;
      if (b > p && bytes[b - 1] === 13) b--;
      // '' and 'null' are tombstones: an empty value
      const isNull = b - p === 4 && bytes[p] === 110 && bytes[p + 1] === 117 && bytes[p + 2] === 108 && bytes[p + 3] === 108;
      if (2 * n + 2 > scratch.length) {
        const bigger = new Uint32Array(scratch.length * 2);
        bigger.set(scratch);
        this.scratch = scratch = bigger;
      }
      scratch[2 * n] = p;
      scratch[2 * n + 1] = isNull ? p : b;
      n++;
      p = q + 1;
    }
    const starts = new Uint32Array(n);
    const ends = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      starts[i] = scratch[2 * i]!;
      ends[i] = scratch[2 * i + 1]!;
    }
    const rest = this.filled - cut;
    const next = rest < this.chunkBytes ? this.chunk() : Buffer.allocUnsafeSlow(rest * 2);
    if (rest > 0) src.copy(next, 0, cut, this.filled);
    this.buf = next;
    this.filled = rest;
    // ascii: not checked here (a pass over every byte on the main thread); the decode thread checks
    // only the bytes it walks, and text for dead letters is read as UTF-8
    const batch = new FileBatch(this.split, this.lines, { bytes, starts, ends, ascii: false });
    this.lines += n;
    return batch;
  }

  private grow(): void {
    const bigger = Buffer.allocUnsafeSlow(this.buf.length * 2);
    this.buf.copy(bigger, 0, 0, this.filled);
    this.buf = bigger;
  }

  positions(): Positions {
    return { [this.split]: this.lines };
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
