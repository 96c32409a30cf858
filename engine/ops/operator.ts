// The Operator interface: synchronous, deterministic, one change at a time, all I/O elsewhere.
// Changes are pushed one by one (not in batches) because the SPEC judges lateness per event
// against the watermark as it stood before that event; watermarks arrive between events.

import type { EventTime } from '../core/time.js';
import type { Row } from '../core/value.js';

/** Where an operator sends its output. */
export interface Output {
  change(row: Row, weight: number): void;
  watermark(time: EventTime): void;
  /**
   * True when change() also takes a BIGINT or DECIMAL value as the equal number, when that is a
   * safe integer (a sink packing rows into typed columns): the operator feeding it may then skip
   * making bigints. Absent or false: rows hold exactly the values of their types.
   */
  readonly int64AsNumber?: boolean;
  /**
   * True when change() is done with the row array once it returns (it copies the values it keeps):
   * the caller may refill the same array for its next change. Absent or false: every change()
   * gets an array of its own.
   */
  readonly copiesRows?: boolean;
}

/** Services the runtime offers operators. */
export interface OperatorContext {
  /** Report a change dropped as late; the runtime attributes it to the event being processed. */
  late(row: Row, weight: number): void;
}

export interface Operator {
  /** Stable id, e.g. 'customer_spend_5m/window-aggregate'. */
  readonly id: string;
  /** Kind name for EXPLAIN, e.g. 'WindowAggregate'. */
  readonly name: string;
  describe(): Readonly<Record<string, string>>;
  onChange(row: Row, weight: number): void;
  /**
   * The watermark is `time`: it never moves backwards, and it may repeat the current value after an
   * event that carried a change (so a retraction that shrinks a SESSION can close it). Treat a
   * repeat cheaply. Emit what it closes, then forward it.
   */
  onWatermark(time: EventTime): void;
  /** JSON-serializable state for a checkpoint (use valueToJson for values). */
  snapshot(): unknown;
  restore(state: unknown): void;
}

/** An Output that discards everything (for the tail of a chain under test). */
export const NULL_OUTPUT: Output = { change() {}, watermark() {} };
