// IcebergSink with more text between two commits than one JavaScript string can hold in a sealed
// column (a dead-letter table collecting a million 3 KB raw events): write() seals batches of at
// most 64M characters, and the commit writes every row once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTable } from '../../catalog/iceberg/table.js';
import { FsStore } from '../../catalog/store/fs-store.js';
import { T, type Schema } from '../../catalog/types.js';
import { InThreadEncoder } from '../../engine/sinks/encoder-pool.js';
import { IcebergSink } from '../../engine/sinks/iceberg-sink.js';

const SCHEMA: Schema = {
  fields: [
    { name: 'n', type: T.bigint, nullable: false },
    { name: 'raw', type: T.varchar, nullable: true },
  ],
};
const dir = mkdtempSync(path.join(tmpdir(), 'sf-large-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('IcebergSink with large text', () => {
  it('seals batches of bounded text in write() and commits every row once', async () => {
    const store = new FsStore(path.join(dir, 'wh'));
    const sink = new IcebergSink({
      name: 'dl', store, namespace: 'ns', table: 'dl', schema: SCHEMA, partitionBy: [], format: 'append', planFingerprint: 'fp',
      encoder: new InThreadEncoder(),
    });
    await sink.open();
    const text = 'x'.repeat(3 << 20); // 3M characters per row: 22 rows pass the 64M seal threshold
    for (let i = 0; i < 50; i++) sink.write([BigInt(i), i === 7 ? null : text], 1);
    expect(sink.pending()).toBe(50);
    expect(await sink.commit({ positions: { src: { f: 50 } }, operators: {}, final: true })).toBe(true);
    expect(sink.pending()).toBe(0);
    await sink.close();
    const table = (await loadTable(store, 'ns', 'dl'))!;
    const summary = table.currentSnapshot!.summary;
    expect(summary['added-records']).toBe('50');
    // three batches (22 + 22 + 6 rows), each in its own data file
    expect(Number(summary['added-data-files'])).toBe(3);
  }, 60_000);
});
