// Benchmark: the sink's data-file path for 1,000,000 rows of 7 columns (bigint, bigint,
// decimal(18,2), varchar, timestamp x2, double): packing rows into typed columns (main thread),
// then metrics + Parquet per codec, partitioned encodes, and the worker-thread round trip.
// Prints rows/s (wall and CPU of this thread); asserts nothing.
// Run: npx tsc -p tsconfig.json && node dist/test/bench/parquet-write.js
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createTable, FsStore, T, type IcebergTable, type Row, type Schema } from '../../catalog/index.js';
import { encodeDataFiles, type EncodeJob } from '../../engine/sinks/data-file-encode.js';
import { uploadEncodedFiles } from '../../engine/sinks/data-file-upload.js';
import { WorkerEncoder } from '../../engine/sinks/encoder-pool.js';
import type { PackedBatch } from '../../engine/sinks/packed-batch.js';
import { packedColumnStats } from '../../engine/sinks/packed-stats.js';
import { encodeParquetPacked, type ParquetCompression } from '../../engine/sinks/parquet-writer.js';
import { packRows } from '../../engine/sinks/row-packer.js';

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
  /** CPU time of this thread's process (user + system): less sensitive to other load on a shared machine. */
  readonly cpuMs: number;
  readonly value: T;
}

async function time<T>(fn: () => T | Promise<T>): Promise<Timed<T>> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, value };
}

/** The machine is shared: keep the fastest of `runs`. */
async function best<T>(runs: number, fn: () => T | Promise<T>): Promise<Timed<T>> {
  let out = await time(fn);
  for (let k = 1; k < runs; k++) {
    const r = await time(fn);
    if (r.cpuMs < out.cpuMs) out = r;
  }
  return out;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function report(label: string, t: Timed<unknown>, extra = ''): void {
  console.log(
    `${label.padEnd(48)} ${t.ms.toFixed(0).padStart(6)} ms wall ${fmt((N / t.ms) * 1000).padStart(11)} rows/s | ` +
      `${t.cpuMs.toFixed(0).padStart(6)} ms cpu ${fmt((N / t.cpuMs) * 1000).padStart(11)} rows/s  ${extra}`,
  );
}

function job(table: IcebergTable, batch: PackedBatch, compression: ParquetCompression): EncodeJob {
  return { schema: table.schema, spec: table.spec, batch, maxRowsPerFile: 1_000_000, compression };
}

async function main(): Promise<void> {
  console.log(`parquet-write benchmark: ${N.toLocaleString('en-US')} rows x 7 columns (node ${process.version})`);
  const gen = await time(() => makeRows(N));
  report('generate rows (not part of the sink)', gen);
  const rows = gen.value;

  const dir = mkdtempSync(path.join(tmpdir(), 'sf-bench-'));
  try {
    const store = new FsStore(dir);
    const table = await createTable(store, 'bench', 'flat', schema, []);
    const columns = table.schema.columns;

    // Main thread: the only per-row work the sink does before handing the batch over.
    report('pack rows into typed columns (main thread)', await best(3, () => packRows(columns, rows)));
    const batch = packRows(columns, rows);
    report('packedColumnStats', await best(3, () => packedColumnStats(columns, batch)));
    // The first full-size call also grows the WASM heap (once per process).
    report('encodeParquetPacked (zstd), first call', await time(() => encodeParquetPacked(columns, batch)));
    for (const compression of ['zstd', 'snappy', 'none'] as ParquetCompression[]) {
      const r = await best(3, () => encodeParquetPacked(columns, batch, { compression }));
      report(`encodeParquetPacked (${compression}), best of 3`, r, `${(r.value.length / 1e6).toFixed(1)} MB`);
    }

    const byDay = await createTable(store, 'bench', 'by_day', schema, [{ column: 'window_start', transform: { kind: 'day' } }]);
    const day = await best(3, () => encodeDataFiles(job(byDay, batch, 'snappy')));
    report('encodeDataFiles day(window_start), snappy', day, `${day.value.length} file(s)`);
    const byBucket = await createTable(store, 'bench', 'by_bucket', schema, [{ column: 'customer_id', transform: { kind: 'bucket', n: 16 } }]);
    const bucket = await best(3, () => encodeDataFiles(job(byBucket, batch, 'snappy')));
    report('encodeDataFiles bucket[16](customer_id), snappy', bucket, `${bucket.value.length} file(s)`);

    // The sink's path: pack here, encode on the worker thread, upload here. CPU is this thread's
    // process time, which includes the worker: compare wall time with the in-thread line.
    const worker = new WorkerEncoder();
    worker.start();
    await worker.encode(job(table, packRows(columns, rows.slice(0, 1000)), 'snappy')); // wait until loaded
    for (const compression of ['snappy', 'zstd'] as ParquetCompression[]) {
      const inThread = await best(3, async () => uploadEncodedFiles(store, table, encodeDataFiles(job(table, packRows(columns, rows), compression))));
      report(`pack + encode + upload, in-thread (${compression})`, inThread, `${inThread.value.length} file(s)`);
      const viaWorker = await best(3, async () => uploadEncodedFiles(store, table, await worker.encode(job(table, packRows(columns, rows), compression))));
      report(`pack + encode on worker + upload (${compression})`, viaWorker, worker.usesWorker ? 'worker' : `in-thread: ${worker.fallbackReason}`);
    }
    await worker.close();
    console.log(`rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
