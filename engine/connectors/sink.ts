// The sink-writer interface the runtime drives: synchronous buffered writes, asynchronous
// two-phase commit that records positions and the checkpoint. Interface only: no I/O here.
import type { Row } from '../core/value.js';
import type { Positions } from './source.js';

export interface ResumeInfo {
  /** Source name -> positions covered by the last commit; undefined on a first run. */
  readonly positions?: Readonly<Record<string, Positions>>;
  /** Operator state checkpointed with that commit. */
  readonly operators?: Readonly<Record<string, unknown>>;
}

export interface CommitRequest {
  readonly positions: Readonly<Record<string, Positions>>;
  readonly operators: Readonly<Record<string, unknown>>;
  /** Last commit of a bounded run (commit even when only positions moved). */
  readonly final: boolean;
}

export interface SinkWriter {
  readonly name: string;
  /** Where to print what it writes to (table URI, 'console'). */
  readonly target: string;
  /** Exactly-once sinks return what their last commit covered; others return {}. */
  open(): Promise<ResumeInfo>;
  write(row: Row, weight: number): void;
  /**
   * True when write() also takes a BIGINT or DECIMAL value as the equal safe-integer number (it
   * packs them into typed columns); see Output.int64AsNumber.
   */
  readonly int64AsNumber?: boolean;
  /** True when write() copies the values it keeps (the caller may reuse the row array); see Output.copiesRows. */
  readonly copiesRows?: boolean;
  /** Rows buffered (or staged) since the last commit. */
  pending(): number;
  /** Optionally write out buffered rows (not yet visible) when at least `minRows` are buffered. */
  stage?(minRows: number): Promise<void>;
  /** Returns true when it committed something (a snapshot, or printed rows). */
  commit(req: CommitRequest): Promise<boolean>;
  close(): Promise<void>;
}
