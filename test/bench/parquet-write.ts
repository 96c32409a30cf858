// Benchmark: Parquet encoding and data-file writing for 1,000,000 rows of 7 columns
// (bigint, bigint, decimal(18,2), varchar, timestamp x2, double). Prints rows/s; asserts nothing.
// Run: npx tsc -p tsconfig.json && node dist/test/bench/parquet-write.js
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { columnBatchFromRows, computeColumnStats, createTable, FsStore, T, type Row, type Schema } from '../../catalog/index.js';
import { writeDataFiles } from '../../engine/sinks/data-file-writer.js';
import { encodeParquet, type ParquetCompression } from '../../engine/sinks/parquet-writer.js';

const N = Number(process.env['BENCH_ROWS'] ?? 1_000_000);

const schema: Schema = {
  fields: [
    { name: 'customer_id', type: T.bigint, nullable: false },
    { name: 'orders', type: T.bigint, nullable: false },
    { name: 'spend', type: T.decimal(18, 2), nullable: true },
    { name: 'status', type: T.varchar, nullable: true },
    { name: 'window_start', type: T.timestamp(6), nullable: false },
    { name: 'window_end', type: T.timestamp(6), nullable: false },
    { name: 'avg_amount', type: T.double, nullable: true },
  ],
};

function makeRows(n: number): Row[] {
  const statuses = ['paid', 'pending', 'shipped', 'cancelled', 'refunded'];
  const base = Date.UTC(2026, 10, 1) * 1000;
  const rows: Row[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const start = base + Math.floor(i / 1000) * 300_000_000;
    rows[i] = [
      BigInt(i % 50_000),
      BigInt(1 + (i % 17)),
      i % 97 === 0 ? null : BigInt((i * 7919) % 10_000_000),
      statuses[i % 5]!,
      start,
      start + 300_000_000,
      i % 89 === 0 ? null : (i % 1000) / 7,
    ];
  }
  return rows;
}

interface Timed<T> {
  readonly ms: number;
  /** CPU time of this process (user + system): less sensitive to other load on a shared machine. */
  readonly cpuMs: number;
  readonly value: T;
}

function time<T>(fn: () => T): Timed<T> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, value };
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<Timed<T>> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, value };
}

function best<T>(runs: number, fn: () => T): Timed<T> {
  let out = time(fn);
  for (let k = 1; k < runs; k++) {
    const r = time(fn);
    if (r.ms < out.ms) out = r;
  }
  return out;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function report(label: string, t: Timed<unknown>, extra = ''): void {
  console.log(
    `${label.padEnd(44)} ${t.ms.toFixed(0).padStart(6)} ms wall ${fmt((N / t.ms) * 1000).padStart(10)} rows/s | ` +
      `${t.cpuMs.toFixed(0).padStart(6)} ms cpu ${fmt((N / t.cpuMs) * 1000).padStart(10)} rows/s  ${extra}`,
  );
}

async function main(): Promise<void> {
  console.log(`parquet-write benchmark: ${N.toLocaleString('en-US')} rows x 7 columns (node ${process.version})`);
  const gen = time(() => makeRows(N));
  report('generate rows (not part of the sink)', gen);
  const rows = gen.value;

  const dir = mkdtempSync(path.join(tmpdir(), 'sf-bench-'));
  try {
    const store = new FsStore(dir);
    const table = await createTable(store, 'bench', 'flat', schema, []);
    const columns = table.schema.columns;

    // The first full-size call also grows the WASM heap (once per process).
    report('encodeParquet (zstd), first call', time(() => encodeParquet(columns, rows)));
    // The machine is shared: report the best of 3 runs.
    for (const compression of ['zstd', 'snappy', 'none'] as ParquetCompression[]) {
      const r = best(3, () => encodeParquet(columns, rows, { compression }));
      report(`encodeParquet (${compression}), best of 3`, r, `${(r.value.length / 1e6).toFixed(1)} MB`);
    }
    report('columnBatchFromRows (transpose)', best(3, () => columnBatchFromRows(rows, columns.length)));
    const batch = columnBatchFromRows(rows, columns.length);
    report('computeColumnStats', best(3, () => computeColumnStats(columns, batch)));

    const flat = await timeAsync(() => writeDataFiles(store, table, rows));
    report('writeDataFiles unpartitioned (zstd, to disk)', flat, `${flat.value.length} file(s)`);

    const byDay = await createTable(store, 'bench', 'by_day', schema, [{ column: 'window_start', transform: { kind: 'day' } }]);
    const day = await timeAsync(() => writeDataFiles(store, byDay, rows));
    report('writeDataFiles day(window_start)', day, `${day.value.length} file(s)`);

    const byBucket = await createTable(store, 'bench', 'by_bucket', schema, [
      { column: 'customer_id', transform: { kind: 'bucket', n: 16 } },
    ]);
    const bucket = await timeAsync(() => writeDataFiles(store, byBucket, rows));
    report('writeDataFiles bucket[16](customer_id)', bucket, `${bucket.value.length} file(s)`);
    console.log(`rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
