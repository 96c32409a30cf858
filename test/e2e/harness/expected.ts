// The expected feature rows, computed directly from the databases' final state with SQL (PostgreSQL
// for customer_spend_5m, MariaDB for payment_volume_5m), and their comparison with the rows PyIceberg
// reads from MinIO: exact decimals, doubles to 1e-9, no duplicate (key, window) rows.
import { expect } from 'vitest';
import type { SourceName } from './env.js';
import { mariadb, psql } from './shell.js';
import { readTable, type Cell } from './warehouse.js';

type Expected = Map<string, Record<string, string>>;
type Same = (column: string, e: string, a: Cell) => boolean;

/** A decimal string with at most two fractional digits as an exact count of cents. */
export function cents(s: string | null | undefined): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,}))?$/.exec(s ?? '');
  if (!m) throw new Error(`not a decimal: '${s}'`);
  const frac = (m[3] ?? '').padEnd(2, '0');
  if (/[1-9]/.test(frac.slice(2))) throw new Error(`more than two decimals: '${s}'`);
  const v = BigInt(m[2]!) * 100n + BigInt(frac.slice(0, 2));
  return m[1] === '-' ? -v : v;
}

export function closeDouble(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Compares keyed rows; returns readable differences (at most 20). */
export function diff(expected: ReadonlyMap<string, Record<string, string>>, actual: ReadonlyMap<string, Record<string, Cell>>, same: Same): string[] {
  const out: string[] = [];
  for (const [k, e] of expected) {
    const a = actual.get(k);
    if (!a) out.push(`missing ${k}: expected ${JSON.stringify(e)}`);
    else for (const [c, v] of Object.entries(e)) if (!same(c, v, a[c] ?? null)) out.push(`${k} ${c}: expected ${v}, got ${String(a[c])}`);
  }
  for (const k of actual.keys()) if (!expected.has(k)) out.push(`unexpected ${k}: ${JSON.stringify(actual.get(k))}`);
  return out.slice(0, 20);
}

export interface CompareContext {
  readonly metadataUri: string;
  /** The workload's first event time (ms): windows ending after it are this run's. */
  readonly workloadStartMs: number;
  /** False when the source's history has dead letters or re-sent events (then older windows are not compared). */
  readonly historyClean: boolean;
}

/**
 * Compares a feature table with the expected rows keyed by group key and window_start: this run's
 * windows (window_end > the workload's first event time) always; older windows only when the source's
 * history is clean (a late change to an old row is dropped by design; a re-sent event is read again).
 */
function compareFeature(table: string, source: SourceName, c: CompareContext, key: (r: Record<string, Cell>) => string, expected: Expected, same: Same): string {
  const read = readTable(c.metadataUri);
  const actual = new Map(read.rows.map((r) => [key(r), r]));
  expect(read.rows.length, `${table}: no duplicate (key, window) rows`).toBe(actual.size);
  expect(read.duckdb_rows.length, `${table}: DuckDB reads as many rows as PyIceberg`).toBe(read.rows.length);
  expect(read.field_ids_ok, `${table}: Parquet field ids`).toBe(true);
  expect(read.column_size_errors, `${table}: column_sizes match the Parquet footers`).toEqual([]);
  const firstEnd = BigInt(c.workloadStartMs) * 1000n;
  const ours = <V extends { window_end?: unknown }>(m: Map<string, V>, keep: boolean) =>
    new Map([...m].filter(([, r]) => (BigInt(String(r.window_end)) > firstEnd) === keep));
  const run = [ours(expected, true), ours(actual, true)] as const;
  expect(run[0].size, `${table}: this run produced windows`).toBeGreaterThan(0);
  expect(diff(run[0], run[1], same), `${table}: this run's windows`).toEqual([]);
  const old = [ours(expected, false), ours(actual, false)] as const;
  if (c.historyClean) {
    expect(diff(old[0], old[1], same), `${table}: windows of earlier runs`).toEqual([]);
    return `${run[1].size} rows of this run's windows + ${old[1].size} of earlier runs`;
  }
  return `${run[1].size} rows of this run's windows (earlier windows not compared: ${source}'s history has dead letters or re-sent events)`;
}

/** features.customer_spend_5m = PostgreSQL GROUP BY customer, 5-minute bin of created_at over live orders. */
export function checkCustomerSpend(c: CompareContext): string {
  // The final state of the rows: cancelled orders excluded, deleted rows gone, updated rows with
  // their last values, re-keyed rows once.
  const expected: Expected = new Map();
  for (const [customer, ws, orders, spend, avg, max, paid] of psql(
    `SELECT customer_id, (floor(extract(epoch FROM created_at) * 1000 / 300000) * 300000000)::bigint, count(*), sum(amount),
            avg(amount), max(amount), count(*) FILTER (WHERE status = 'paid')
     FROM orders WHERE status <> 'cancelled' GROUP BY 1, 2`,
  ))
    expected.set(`customer ${customer} @${ws}`, {
      window_end: String(BigInt(ws!) + 300_000_000n), orders: orders!, spend: spend!, avg_amount: avg!, max_amount: max!, paid_orders: paid!,
    });
  const what = compareFeature('features.customer_spend_5m', 'orders', c, (r) => `customer ${r['customer_id']} @${r['window_start']}`, expected, (col, e, a) =>
    col === 'spend' || col === 'max_amount' ? cents(e) === cents(String(a)) : col === 'avg_amount' ? closeDouble(Number(e), Number(a)) : e === String(a),
  );
  return `customer_spend_5m = PostgreSQL GROUP BY customer_id, 5-minute bin of created_at (orders, spend, avg_amount, max_amount, ` +
    `paid_orders, window_end): ${what}; DuckDB row count and field ids agree`;
}

/** features.payment_volume_5m = MariaDB GROUP BY method, 1-minute-hop 5-minute windows of paid_at. */
export function checkPaymentVolume(c: CompareContext): string {
  const expected: Expected = new Map();
  for (const [method, ws, payments, volume, min, max, customers] of mariadb(
    `SELECT method, ws, COUNT(*), SUM(amount), MIN(amount), MAX(amount), COUNT(DISTINCT customer_id) FROM (
       SELECT p.method, p.amount, p.customer_id,
              (FLOOR(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', p.paid_at) / 60000000) - j.n) * 60000000 AS ws
       FROM payments p CROSS JOIN (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) j
     ) x GROUP BY method, ws`,
  ))
    expected.set(`${method} @${ws}`, {
      window_end: String(BigInt(ws!) + 300_000_000n), payments: payments!, volume: volume!, min_amount: min!, max_amount: max!, customers: customers!,
    });
  const what = compareFeature('features.payment_volume_5m', 'payments', c, (r) => `${r['method']} @${r['window_start']}`, expected, (col, e, a) =>
    ['volume', 'min_amount', 'max_amount'].includes(col) ? cents(e) === cents(String(a)) : e === String(a),
  );
  return `payment_volume_5m = MariaDB GROUP BY method, 1-minute-hop 5-minute window of paid_at (payments, volume, min_amount, ` +
    `max_amount, distinct customers, window_end): ${what}; DuckDB row count and field ids agree`;
}
