// The tables the ENGINE writes (the example pipelines run through the real CLI, with and without
// the Debezium schema block) are read back by PyIceberg (StaticTable.from_metadata) and DuckDB,
// and both must return exactly the rows `streamforge query` returns. Skipped, with a visible
// message, when .venv/bin/python lacks pyiceberg/pyarrow/duckdb.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PY, PY_READY, READ_TABLE, warnIfNoPython } from '../harness/python.js';
import { generateOrders, generatePageViews, writeLines } from '../../examples/ecommerce/generate.js';

import { REPO as ROOT, run, streamforge } from '../harness/cli.js';

const SCRIPT = READ_TABLE;
const TMP = join(ROOT, 'test/.tmp', `readers-${process.pid}`);

const READY = PY_READY;
warnIfNoPython('engine tables with real readers');

type Canon = string | number | boolean | null;

/** DuckDB JSON values (via `streamforge query`) in read_table.py's canonical form. */
function canonFromQuery(v: unknown, type: string): Canon {
  if (v === null || v === undefined) return null;
  if (type === 'TIMESTAMP') return String(Date.parse(String(v).replace(' ', 'T') + 'Z') * 1000);
  if (typeof v === 'number' && /INT/.test(type)) return String(v);
  return v as Canon;
}

function sortRows(rows: Record<string, Canon>[]): string[] {
  return rows.map((r) => JSON.stringify(Object.keys(r).sort().map((k) => [k, r[k]]))).sort();
}

const TABLES = ['customer_spend_5m', 'order_rate_10m', 'user_sessions', 'customer_inserts_1m'];

beforeAll(async () => {
  if (!READY) return;
  for (const variant of ['plain', 'schema']) {
    const dir = join(TMP, variant);
    mkdirSync(join(dir, 'data'), { recursive: true });
    for (const f of readdirSync(join(ROOT, 'examples/ecommerce')).filter((n) => n.endsWith('.sql')))
      cpSync(join(ROOT, 'examples/ecommerce', f), join(dir, f));
    const schemaBlock = variant === 'schema';
    const start = Date.UTC(2026, 10, 1, 8);
    await writeLines(
      join(dir, 'data/orders.jsonl'),
      generateOrders({ events: 20_000, customers: 300, seed: 5, schemaBlock, startMs: start, spanMs: 2 * 3_600_000, outOfOrderMs: 4_000 }),
    );
    await writeLines(
      join(dir, 'data/page_views.jsonl'),
      generatePageViews({ events: 5_000, users: 100, seed: 6, schemaBlock, startMs: start, outOfOrderMs: 2_000 }),
    );
    const r = await streamforge(['run', '.', '--once', '--warehouse', 'wh'], dir);
    if (r.status !== 0) throw new Error(`run failed: ${r.stderr}`);
  }
}, 300_000);

afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe.skipIf(!READY)('tables written by the engine, read by PyIceberg and DuckDB', () => {
  for (const variant of ['plain', 'schema'])
    for (const table of TABLES)
      it(`${variant}: features.${table}`, async () => {
        const dir = join(TMP, variant);
        const py = JSON.parse((await run(PY, [SCRIPT, join(dir, 'wh/features', table)], dir)).stdout) as { rows: Record<string, Canon>[]; duckdb_rows: Record<string, Canon>[]; count: number; field_ids_ok: boolean; column_size_errors: string[] };
        expect(py.field_ids_ok).toBe(true);
        expect(py.column_size_errors).toEqual([]);
        expect(py.count).toBeGreaterThan(0);
        expect(sortRows(py.duckdb_rows)).toEqual(sortRows(py.rows));

        const q = await streamforge(['query', `SELECT * FROM features.${table}`, '--warehouse', 'wh', '--format', 'json'], dir);
        expect(q.status).toBe(0);
        const types = await streamforge(
          ['query', `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM features.${table})`, '--warehouse', 'wh', '--format', 'json'],
          dir,
        );
        const typeOf = new Map(
          (JSON.parse(types.stdout) as { column_name: string; column_type: string }[]).map((t) => [t.column_name, t.column_type]),
        );
        const engineRows = (JSON.parse(q.stdout) as Record<string, unknown>[]).map((row) =>
          Object.fromEntries(Object.entries(row).map(([k, v]) => [k, canonFromQuery(v, typeOf.get(k) ?? '')])),
        );
        expect(engineRows.length).toBe(py.count);
        expect(sortRows(engineRows)).toEqual(sortRows(py.rows));
      });

  it('plain and schema-block inputs give identical feature tables', async () => {
    for (const table of TABLES) {
      const read = async (v: string) =>
        JSON.parse((await run(PY, [SCRIPT, join(TMP, v, 'wh/features', table)], TMP)).stdout) as { rows: Record<string, Canon>[] };
      expect(sortRows((await read('schema')).rows)).toEqual(sortRows((await read('plain')).rows));
    }
  });
});
