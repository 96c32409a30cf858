// Source definitions for tests: a SourceDef builder with the defaults a parsed CREATE SOURCE has,
// the SPEC's example `orders` source (five physical columns, two METADATA columns), and the
// orders and page-view sources the decoder path tests compare on generated events.
import type { SourceColumn, SourceDef } from '../../catalog/model.js';
import { T } from '../../catalog/types.js';

export function sourceDef(name: string, columns: SourceColumn[], over: Partial<SourceDef> = {}): SourceDef {
  return {
    kind: 'source',
    name,
    columns,
    primaryKey: [0],
    connector: 'file',
    format: 'debezium-json',
    changelog: 'retract',
    onError: 'dead_letter',
    idleTimeoutMs: 10_000,
    options: {},
    baseDir: '/tmp',
    ...over,
  };
}

export const ORDERS_COLUMNS: SourceColumn[] = [
  { name: 'id', type: T.bigint, nullable: false },
  { name: 'customer_id', type: T.bigint, nullable: true },
  { name: 'amount', type: T.decimal(10, 2), nullable: true },
  { name: 'status', type: T.varchar, nullable: true },
  { name: 'created_at', type: T.timestamp(3), nullable: true },
  { name: 'changed_at', type: T.timestamp(3), nullable: true, metadata: 'source.ts_ms' },
  { name: 'op', type: T.varchar, nullable: true, metadata: 'op' },
];

/** `orders` with two more METADATA columns (the transaction id, the envelope's µs time). */
export const ORDERS_WITH_TX = sourceDef('orders', [
  ...ORDERS_COLUMNS,
  { name: 'tx', type: T.varchar, nullable: true, metadata: 'transaction.id' },
  { name: 'ts', type: T.timestamp(6), nullable: true, metadata: 'ts_us' },
]);

/** The generator's page views, with the source table as a METADATA column. */
export const PAGE_VIEWS = sourceDef('page_views', [
  { name: 'id', type: T.bigint, nullable: false },
  { name: 'user_id', type: T.int, nullable: true },
  { name: 'url', type: T.varchar, nullable: true },
  { name: 'viewed_at', type: T.timestamp(6), nullable: true },
  { name: 'table', type: T.varchar, nullable: true, metadata: 'source.table' },
]);
