// Persisted definitions of the SQL objects a script declares: sources, sinks and views.
// Plain readonly data (JSON-serializable except for spans); no SQL parsing and no I/O here.
import type { DataType, Schema } from './types.js';

/** Byte offsets into one SQL file; kept here so definitions can point back at their text. */
export interface DefSpan {
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

export interface SourceColumn {
  readonly name: string; // normalized (lower-case unless quoted)
  readonly type: DataType;
  readonly nullable: boolean;
  /** METADATA FROM '<path>': 'op', 'ts_ms', 'source.ts_ms', 'source.<any>', 'transaction.id'. */
  readonly metadata?: string;
}

export type OnError = 'fail' | 'skip' | 'dead_letter';

export interface SourceDef {
  readonly kind: 'source';
  readonly name: string;
  readonly columns: readonly SourceColumn[];
  /** Indexes into `columns` of the PRIMARY KEY, in key order; empty when none. */
  readonly primaryKey: readonly number[];
  /** WATERMARK FOR col AS col - INTERVAL d: column index and delay in microseconds (0 for `AS col`). */
  readonly watermark?: { readonly column: number; readonly delayMicros: number };
  readonly connector: 'file' | 'kafka';
  readonly format: 'debezium-json';
  readonly changelog: 'retract' | 'append';
  readonly onError: OnError;
  readonly idleTimeoutMs: number;
  /** All WITH options after `${ENV}` substitution, keys lower-case. */
  readonly options: Readonly<Record<string, string>>;
  /** Directory of the .sql file that declared it; `path` options resolve against it. */
  readonly baseDir: string;
  readonly span?: DefSpan;
}

export type PartitionTransform =
  | { readonly kind: 'identity' }
  | { readonly kind: 'year' }
  | { readonly kind: 'month' }
  | { readonly kind: 'day' }
  | { readonly kind: 'hour' }
  | { readonly kind: 'bucket'; readonly n: number }
  | { readonly kind: 'truncate'; readonly width: number };

export interface PartitionField {
  readonly column: string; // output column of the sink's query
  readonly transform: PartitionTransform;
}

export interface SinkDef {
  readonly kind: 'sink';
  readonly name: string;
  readonly connector: 'iceberg' | 'console';
  /** Explicit `warehouse` option; undefined means the CLI's --warehouse. */
  readonly warehouse?: string;
  readonly namespace: string; // default 'default'
  readonly table: string; // default: the sink name
  readonly partitionBy: readonly PartitionField[];
  readonly commitIntervalMs: number; // default 10 s
  /** 'append' (default): insert-only rows; 'changelog': rows carry an extra `weight` column. */
  readonly format: 'append' | 'changelog';
  readonly options: Readonly<Record<string, string>>;
  readonly baseDir: string;
  readonly span?: DefSpan;
}

export interface ViewDef {
  readonly kind: 'view';
  readonly name: string;
  readonly schema: Schema;
  readonly span?: DefSpan;
}
