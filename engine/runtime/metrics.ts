// Counters a pipeline run keeps, printed by the progress line and the final summary.
// Plain mutable numbers: incremented on the hot path, so no maps or strings here.

export interface SourceMetrics {
  events: number;
  tombstones: number;
  deadLettered: number;
  skipped: number;
  late: number;
  missingBefore: number;
  truncates: number;
}

export interface SinkMetrics {
  rowsWritten: number;
  snapshots: number;
  filesWritten: number;
}

export function newSourceMetrics(): SourceMetrics {
  return { events: 0, tombstones: 0, deadLettered: 0, skipped: 0, late: 0, missingBefore: 0, truncates: 0 };
}

export function newSinkMetrics(): SinkMetrics {
  return { rowsWritten: 0, snapshots: 0, filesWritten: 0 };
}
