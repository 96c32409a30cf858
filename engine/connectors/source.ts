// The asynchronous source-reader interface the runtime polls. Positions are per split (a file
// or a Kafka partition): the index of the next record to read. Interface only: no I/O here.

/** split -> index of the next record (file: lines consumed so far; Kafka: next offset). */
export type Positions = Readonly<Record<string, number>>;

export interface RecordBatch {
  /** The split these records came from (file path as declared, or 'topic/partition'). */
  readonly split: string;
  /** Record index of values[0] within the split; values[i] has index firstIndex + i. */
  readonly firstIndex: number;
  /** Message values in order; null is a tombstone. */
  readonly values: readonly (string | null)[];
  /**
   * The same values as UTF-8 bytes, when the reader has them (the file source): a decoder thread
   * can take these instead of strings. Sources may build `values` lazily from it.
   */
  readonly raw?: RawValues;
  /** Message keys (Kafka), when the source has them. */
  readonly keys?: readonly (string | null)[];
  /** Human-readable location of values[i]: 'path:line' (1-based line) or 'topic/partition/offset'. */
  where(i: number): string;
  /**
   * Whole lines not split into values yet (the file source): the decode thread splits them where
   * it decodes them and hands the values back with adopt(). Reading `raw`, `values`, `firstIndex`
   * or positionsAfter() before that splits them on the spot.
   */
  readonly lines?: LineChunk;
  /**
   * Positions just after this batch, for a reader that cannot tell them when poll() returns
   * (its `lines` are not split yet): use this instead of the reader's positions() then.
   */
  positionsAfter?(): Positions;
}

/** Unsplit lines: bytes[0, end), each ending with '\n' except the last one when `final`. */
export interface LineChunk {
  readonly bytes: Uint8Array;
  readonly end: number;
  readonly final: boolean;
  /** The values of these lines as splitLines (line-split.ts) gives them, split elsewhere. */
  adopt(raw: RawValues): void;
}

/** Values as bytes: value i is bytes[starts[i], ends[i]); an empty value is a tombstone (null). */
export interface RawValues {
  readonly bytes: Uint8Array;
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  /** True when the reader knows every byte is < 0x80 (the values can be read as latin1, which is
   *  faster); false when it does not know (UTF-8 text, possibly all ASCII). */
  readonly ascii: boolean;
}

export type PollResult =
  | { readonly kind: 'batch'; readonly batch: RecordBatch }
  /** Nothing available right now (unbounded mode); `idleSplits` have been idle past idle_timeout. */
  | { readonly kind: 'idle' }
  /** Bounded mode (--once): every split is read to the end it had at open(). */
  | { readonly kind: 'end' };

export interface SourceLag {
  readonly messages?: number;
  readonly bytes?: number;
}

export interface SourceReader {
  readonly name: string;
  /** Start reading at `resume` (missing splits start at their beginning). */
  open(resume: Positions | undefined): Promise<void>;
  poll(): Promise<PollResult>;
  /** Positions just after the last record returned by poll(). */
  positions(): Positions;
  /** Every split known so far (Kafka: its partitions), when the reader knows them before their data. */
  splits?(): readonly string[];
  /** Splits idle past the source's idle_timeout (they stop holding the watermark back). */
  idleSplits?(): readonly string[];
  /**
   * The runtime is done with a batch's raw values (processed; no text of it is read later): the
   * reader may reuse their buffers. Optional; readers that do not pool ignore it.
   */
  recycle?(raw: RawValues): void;
  /**
   * How far the reader is behind the end of its input, for progress display: Kafka in messages
   * (high-water marks minus positions), files in bytes not read yet. Optional.
   */
  lag?(): SourceLag;
  /** Called after a successful commit of these positions (Kafka commits its group offsets). */
  committed(positions: Positions): Promise<void>;
  close(): Promise<void>;
}
