// The text of one batch segment of the Debezium decoder (ASCII codes u[0, end)) as a string that
// is made only when something first needs it: events written straight onto the decode tape seldom
// do. Holds the segment's string until the next segment; no other state.
import { Buffer } from 'node:buffer';

const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, a: number, b: number): string }).latin1Slice;
const EMPTY = new Uint8Array(0);

export class LazyText {
  private u: Uint8Array = EMPTY;
  private end = 0;
  private s: string | null = null;

  /** A new segment: codes u[0, end). */
  set(u: Uint8Array, end: number): void {
    this.u = u;
    this.end = end;
    this.s = null;
  }

  /** The same codes seen through a new view (the walker's memory grew). */
  moved(u: Uint8Array): void {
    this.u = u;
  }

  get(): string {
    if (this.s === null) this.s = latin1Slice.call(this.u, 0, this.end);
    return this.s;
  }
}

/** A text given as a string, or lazily. */
export function textOf(t: string | LazyText): string {
  return typeof t === 'string' ? t : t.get();
}
