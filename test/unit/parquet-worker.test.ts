// The Parquet encoder thread (built from the TypeScript sources with esbuild): same files and
// metrics as encoding in-thread, encode errors reach the caller and the worker keeps serving, a
// worker that dies or cannot start never leaves an encode hanging, close() stops it; and the
// Iceberg sink staging through it commits the same rows and fails its commit on a bad batch.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledScript } from '../../engine/core/compiled-script.js';
import { readCheckpoint } from '../../engine/state/checkpoint.js';
import { loadTable } from '../../catalog/iceberg/table.js';
import { FsStore } from '../../catalog/store/fs-store.js';
import { T, type Schema, type Value } from '../../catalog/types.js';
import { encodeDataFiles, type EncodeJob } from '../../engine/sinks/data-file-encode.js';
import { InThreadEncoder, WorkerEncoder } from '../../engine/sinks/encoder-pool.js';
import { IcebergSink, SUMMARY_CHECKPOINT } from '../../engine/sinks/iceberg-sink.js';
import { decodeParquet, ParquetEncodeError } from '../../engine/sinks/parquet-writer.js';
import { packRows } from '../../engine/sinks/row-packer.js';
import { buildIcebergSchema } from '../../catalog/iceberg/schema.js';
import { buildPartitionSpec } from '../../catalog/iceberg/partition.js';

let dir = '';
let workerUrl: URL;
const encoders: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  mkdirSync(path.resolve('test/.tmp'), { recursive: true });
  dir = mkdtempSync(path.resolve('test/.tmp', 'pqw-'));
  // Inside the repository, so the bundle resolves apache-arrow and parquet-wasm from node_modules.
  const out = path.join(dir, 'parquet-worker.mjs');
  await build({ entryPoints: [path.resolve('engine/sinks/parquet-worker.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: out, logLevel: 'error' });
  workerUrl = pathToFileURL(out);
});

afterAll(async () => {
  for (const e of encoders) await e.close();
  rmSync(dir, { recursive: true, force: true });
});

function track<E extends { close(): Promise<void> }>(e: E): E {
  encoders.push(e);
  return e;
}

const SCHEMA: Schema = {
  fields: [
    { name: 'id', type: T.bigint, nullable: false },
    { name: 'day', type: T.date, nullable: true },
    { name: 'amount', type: T.decimal(38, 2), nullable: true },
    { name: 'name', type: T.varchar, nullable: true },
  ],
};
const ICE = buildIcebergSchema(SCHEMA);

function rows(n: number, from = 0): Value[][] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return [BigInt(i), i % 3 === 0 ? null : 19000 + (i % 4), BigInt(i) * 10n ** 30n, `n${i % 5}é`];
  });
}

function job(n: number, partitioned = true): EncodeJob {
  const spec = buildPartitionSpec(ICE, partitioned ? [{ column: 'day', transform: { kind: 'identity' } }] : []);
  return { schema: ICE, spec, batch: packRows(ICE.columns, rows(n)), maxRowsPerFile: 100, compression: 'snappy' };
}

/** Encodes job(n) through the worker at `url` and in-thread, expects the same files; returns the worker's. */
async function encodeBothWays(url: URL, n: number) {
  const w = track(new WorkerEncoder({ workerUrl: url }));
  const viaWorker = await w.encode(job(n));
  expect(w.usesWorker).toBe(true);
  const local = encodeDataFiles(job(n));
  expect(viaWorker.map((f) => [f.partition, f.partitionPath, f.recordCount, f.stats])).toEqual(
    local.map((f) => [f.partition, f.partitionPath, f.recordCount, f.stats]),
  );
  expect(viaWorker.map((f) => decodeParquet(f.bytes))).toEqual(local.map((f) => decodeParquet(f.bytes)));
  return viaWorker;
}

describe('WorkerEncoder', () => {
  it("runs the build's bundle of the encoder (apache-arrow inside it, parquet-wasm beside it) like in-thread", async () => {
    const url = compiledScript('sinks/parquet-worker.js');
    expect(url?.pathname).toMatch(/dist\/engine\/sinks\/parquet-worker\.bundle\.cjs$/);
    await encodeBothWays(url!, 500);
  });

  it('produces the same files and metrics as encoding in-thread', async () => {
    const viaWorker = await encodeBothWays(workerUrl, 1000);
    // one group per day (first seen first), split into files of at most 100 rows
    const days = new Map<Value, number>();
    for (const r of rows(1000)) days.set(r[1]!, (days.get(r[1]!) ?? 0) + 1);
    const sizes = [...days.values()].flatMap((n) => [...Array<number>(Math.floor(n / 100)).fill(100), ...(n % 100 ? [n % 100] : [])]);
    expect(viaWorker.map((f) => f.recordCount)).toEqual(sizes);
  });

  it('rejects an encode that fails with the worker error, then keeps serving', async () => {
    const w = track(new WorkerEncoder({ workerUrl }));
    const bad = job(10);
    const cols = bad.schema.columns.map((c, i) => (i === 1 ? { ...c, required: true } : c));
    await expect(w.encode({ ...bad, schema: { ...bad.schema, columns: cols } })).rejects.toSatisfy(
      (e: unknown) => e instanceof ParquetEncodeError && /column 'day' is NOT NULL but row 0 is NULL/.test(e.message),
    );
    expect((await w.encode(job(50))).reduce((s, f) => s + f.recordCount, 0)).toBe(50);
  });

  it('fails the pending encodes of a worker that dies, and encodes in-thread afterwards', async () => {
    const script = path.join(dir, 'dies.mjs');
    writeFileSync(
      script,
      "import { parentPort } from 'node:worker_threads';\n" +
        "parentPort.postMessage({ kind: 'ready' });\nparentPort.on('message', () => process.exit(7));\n",
    );
    const w = track(new WorkerEncoder({ workerUrl: pathToFileURL(script) }));
    const results = await Promise.allSettled([w.encode(job(20)), w.encode(job(20))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/encoder thread .*exited with code 7/);
    expect((await w.encode(job(20))).length).toBeGreaterThan(0);
    expect(w.usesWorker).toBe(false);
  });

  it('falls back to in-thread encoding when the worker cannot start', async () => {
    const script = path.join(dir, 'broken.mjs');
    writeFileSync(script, "throw new Error('cannot load');\n");
    const broken = track(new WorkerEncoder({ workerUrl: pathToFileURL(script) }));
    const files = await broken.encode(job(30));
    expect(files.reduce((s, f) => s + f.recordCount, 0)).toBe(30);
    expect(broken.fallbackReason).toMatch(/did not start: cannot load/);
    const missing = track(new WorkerEncoder({ workerUrl: pathToFileURL(path.join(dir, 'nope.mjs')) }));
    expect((await missing.encode(job(30))).length).toBeGreaterThan(0);
    expect(missing.fallbackReason).toMatch(/not found/);
  });

  it('close() rejects what is pending and refuses new work', async () => {
    const w = new WorkerEncoder({ workerUrl });
    const pending = w.encode(job(100_000, false)).then(
      () => 'resolved',
      (e: unknown) => String(e),
    );
    await w.close();
    expect(await pending).toMatch(/closed before the encode finished/);
    await expect(w.encode(job(1))).rejects.toThrow(/closed/);
  });
});

describe('IcebergSink with the worker encoder', () => {
  function sink(store: FsStore, encoder: WorkerEncoder | InThreadEncoder, table = 't'): IcebergSink {
    return new IcebergSink({ name: 'out', store, namespace: 'ns', table, schema: SCHEMA, partitionBy: [], format: 'append', planFingerprint: 'fp', encoder });
  }

  it('stages batches without waiting for them and commits every row once', async () => {
    const store = new FsStore(mkdtempSync(path.join(dir, 'wh-')));
    const s = sink(store, track(new WorkerEncoder({ workerUrl })));
    await s.open();
    const all = rows(2500);
    for (let i = 0; i < all.length; i++) {
      s.write(all[i]!, 1);
      if (i % 500 === 499) await s.stage(500);
    }
    expect(s.pending()).toBe(2500);
    expect(await s.commit({ positions: { src: { f: 2500 } }, operators: { op: { x: 1 } }, final: true })).toBe(true);
    expect(s.pending()).toBe(0);
    await s.close();
    const table = (await loadTable(store, 'ns', 't'))!;
    expect(table.properties['write.parquet.compression-codec']).toBe('snappy');
    const files = await table.liveDataFiles();
    expect(files).toHaveLength(5);
    const read: Value[][] = [];
    for (const f of files) read.push(...decodeParquet((await store.get(table.keyOf(f.path)))!).rows);
    expect(read.sort((a, b) => Number((a[0] as bigint) - (b[0] as bigint)))).toEqual(all);
    const ckpt = await readCheckpoint(store, table.currentSnapshot!.summary![SUMMARY_CHECKPOINT]!);
    expect(ckpt.operators).toEqual({ op: { x: 1 } });
  });

  it('fails the commit when a staged batch cannot be encoded, and commits nothing', async () => {
    const store = new FsStore(mkdtempSync(path.join(dir, 'wh-')));
    const s = sink(store, track(new WorkerEncoder({ workerUrl })));
    await s.open();
    s.write([1n, 19000, 5n, 'a'], 1);
    s.write([null, 19000, 5n, 'b'], 1); // id is NOT NULL: only the encoder knows
    await s.stage(1);
    s.write([2n, 19000, 5n, 'c'], 1);
    await expect(s.commit({ positions: {}, operators: {}, final: true })).rejects.toThrow(
      /while committing snapshot 1 of table 'ns.t': column 'id' is NOT NULL but row 1 is NULL/,
    );
    await s.close();
    expect((await loadTable(store, 'ns', 't'))!.currentSnapshot).toBeUndefined();
  });

  it('fails the commit on a value of the wrong type (checked as rows arrive)', async () => {
    const store = new FsStore(mkdtempSync(path.join(dir, 'wh-')));
    const s = sink(store, new InThreadEncoder());
    await s.open();
    s.write([1n, 'monday', 5n, 'a'], 1);
    await expect(s.commit({ positions: {}, operators: {}, final: true })).rejects.toThrow(/column 'day' \(date\) cannot store "monday"/);
  });
});
