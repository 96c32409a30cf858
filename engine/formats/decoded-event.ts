// What a change-event decoder hands the runtime: one Debezium event as row images, a tombstone,
// or a bad record with a reason. Declarations only.
import type { Value } from '../core/value.js';
import type { TapeWriter } from './event-tape.js';

export type DebeziumOp = 'c' | 'r' | 'u' | 'd' | 't';

export interface DecodedEvent {
  readonly kind: 'event';
  readonly op: DebeziumOp;
  /**
   * Row images with one slot per declared source column (declaration order). Columns the
   * pipeline does not read may be left null; METADATA columns are filled from the envelope
   * (the same values in both images). null when the envelope has no such image.
   */
  readonly before: Value[] | null;
  readonly after: Value[] | null;
  /** The before image holds every declared physical (non-METADATA) column. */
  readonly beforeComplete: boolean;
  /**
   * Optional, from decoders that have them for free (the decode tape): per column of `before` /
   * `after`, the value of a BIGINT or DECIMAL bigint in the safe-integer range as that number,
   * else NaN, so the key store need not convert. Scratch arrays of the decoder: valid only until
   * it decodes the next event (the normalizer reads them within apply()).
   */
  readonly beforeNums?: Float64Array | null;
  readonly afterNums?: Float64Array | null;
}

export interface Tombstone {
  readonly kind: 'tombstone';
}

export type BadReason = 'malformed' | 'type' | 'unknown-op' | 'missing-image';

export interface BadRecord {
  readonly kind: 'bad';
  readonly reason: BadReason;
  /** Human-readable detail, e.g. "column 'amount': expected DECIMAL(10,2), got \"abc\"". */
  readonly message: string;
}

export type DecodeResult = DecodedEvent | Tombstone | BadRecord;

export interface Decoder {
  /**
   * Decode one message value (one line of a .jsonl file; 'null' or '' is a tombstone). When the
   * caller knows the text is ASCII and has its bytes, `bytes[a, b)` (equal to text) saves a copy.
   */
  decode(text: string, bytes?: Uint8Array, a?: number, b?: number): DecodeResult;
  /**
   * Decodes a batch of values at once: value i is bytes[starts[i], ends[i]) (UTF-8; empty: a
   * tombstone; `ascii`: known to be ASCII). Emits one result per value, in order; false (having
   * emitted nothing) when a span lies outside `bytes`.
   */
  decodeBatch?(bytes: Uint8Array, starts: Uint32Array, ends: Uint32Array, ascii: boolean, emit: (r: DecodeResult) => void): boolean;
  /**
   * decodeBatch writing each result onto `tape` (the bytes TapeWriter.write(result) would add),
   * without building the results of the common events; false (having written nothing) when a
   * span lies outside `bytes`.
   */
  decodeBatchToTape?(bytes: Uint8Array, starts: Uint32Array, ends: Uint32Array, ascii: boolean, tape: TapeWriter, skipped?: boolean): boolean;
  /**
   * For a line splitter (line-split.ts LineSkip): how many bytes at the start of line `line`
   * (bytes[a], lines ending by `end`) a cached schema block covers (it holds no newline), else 0.
   * The match is remembered: decodeBatchToTape(..., skipped = true) of the lines just split
   * with it uses it instead of comparing the block again.
   */
  readonly lineSkip?: (bytes: Uint8Array, a: number, end: number, line: number) => number;
}
