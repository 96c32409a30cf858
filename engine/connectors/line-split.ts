// Splitting a buffer of whole .jsonl lines into raw values: one value per line, without its
// '\n' (or '\r\n'); an empty line or the line 'null' is a tombstone (an empty value). Pure; used
// by the file source when it splits a batch itself and by the decode thread, which splits a
// batch a slice at a time between decoding them (the slice it just split is still in the CPU
// cache), so both give the same values. Must not decode events.
import { Buffer } from 'node:buffer';
import type { RawValues } from './source.js';

/**
 * How many bytes at the start of line `line` (at bytes[a], the lines ending by `end`) are known
 * to hold no newline, so the search for its end can start after them (a decoder that recognized
 * a cached schema block there); 0 when none. `line` counts from the start of the slice.
 */
export type LineSkip = (bytes: Uint8Array, a: number, end: number, line: number) => number;

/** Splits lines into growing offset arrays, a slice at a time. */
export class LineSplitter {
  starts = new Uint32Array(1 << 13);
  ends = new Uint32Array(1 << 13);
  /** Lines split since reset(). */
  count = 0;

  reset(): void {
    this.count = 0;
  }

  /**
   * Splits the lines of buf[p, end) (every line ends with '\n', except the last one when `final`)
   * until `budget` bytes of values (after their skipped starts) were taken; returns where it
   * stopped (`end` when done). Without `final`, a last line without newline is left out.
   */
  split(buf: Buffer, p: number, end: number, final: boolean, budget = Infinity, skip?: LineSkip, first = 0): number {
    let taken = 0;
    while (p < end && taken < budget) {
      const s = skip !== undefined ? skip(buf, p, end, this.count - first) : 0;
      let q = buf.indexOf(10, p + s); // memchr
      if (q < 0 || q >= end) {
        if (!final) return end; // whole lines only: the caller cut just after a newline
        q = end;
      }
      let b = q;
      if (b > p && buf[b - 1] === 13) b--;
      const isNull = b - p === 4 && buf[p] === 110 && buf[p + 1] === 117 && buf[p + 2] === 108 && buf[p + 3] === 108;
      if (this.count === this.starts.length) this.grow();
      this.starts[this.count] = p;
      this.ends[this.count] = isNull ? p : b;
      this.count++;
      taken += b - p - s;
      p = q + 1;
    }
    return p;
  }

  /** The lines split since reset() as raw values of `bytes` (offset arrays of their own). */
  values(bytes: Uint8Array, end: number): RawValues {
    // ascii unknown: checking it is a pass over every byte; the decode thread checks what it walks
    return { bytes: bytes.subarray(0, end), starts: this.starts.slice(0, this.count), ends: this.ends.slice(0, this.count), ascii: false };
  }

  private grow(): void {
    const starts = new Uint32Array(this.starts.length * 2);
    const ends = new Uint32Array(this.ends.length * 2);
    starts.set(this.starts);
    ends.set(this.ends);
    this.starts = starts;
    this.ends = ends;
  }
}

const shared = new LineSplitter();

/** A Buffer view of bytes (Buffer's indexOf is memchr; a plain Uint8Array's compares byte by byte). */
export const asBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

/**
 * The lines of bytes[0, end): every line ends with '\n', except the last one when `final` (the
 * end of a bounded file may lack it). Values are views of `bytes` (not copied).
 */
export function splitLines(bytes: Uint8Array, end: number, final: boolean): RawValues {
  shared.reset();
  shared.split(asBuffer(bytes), 0, end, final);
  return shared.values(bytes, end);
}
