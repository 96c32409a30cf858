// Optimistic concurrency: two commits racing for the same metadata version — exactly one wins,
// the loser gets CommitConflictError, leaves nothing referenced, and succeeds after reloading.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DataFile } from '../../catalog/iceberg/data-file.js';
import { CommitConflictError, commitAppend, createTable, loadTable } from '../../catalog/iceberg/table.js';
import { FsStore } from '../../catalog/store/fs-store.js';
import { T } from '../../catalog/types.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function setup(): { store: FsStore; dir: string } {
  mkdirSync(path.resolve('test/.tmp'), { recursive: true });
  const dir = mkdtempSync(path.resolve('test/.tmp/conflict-'));
  made.push(dir);
  return { store: new FsStore(dir), dir };
}

const schema = { fields: [{ name: 'id', type: T.bigint, nullable: false }] };
const file = (store: FsStore, name: string, rows: number): DataFile => ({
  path: store.uri(`ns/t/data/${name}.parquet`),
  fileFormat: 'PARQUET',
  specId: 0,
  partition: [],
  recordCount: rows,
  fileSizeInBytes: 100,
});

describe('commit conflicts', () => {
  it('lets exactly one of two racing commits create the next version', async () => {
    const { store, dir } = setup();
    const base = await createTable(store, 'ns', 't', schema, []);
    for (let round = 0; round < 5; round++) {
      const current = (await loadTable(store, 'ns', 't'))!;
      const results = await Promise.allSettled([
        commitAppend(current, [file(store, `a${round}`, 1)], { writer: 'a' }),
        commitAppend(current, [file(store, `b${round}`, 2)], { writer: 'b' }),
      ]);
      const ok = results.filter((r) => r.status === 'fulfilled');
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok).toHaveLength(1);
      expect(failed).toHaveLength(1);
      expect(failed[0]!.reason).toBeInstanceOf(CommitConflictError);
      expect((failed[0]!.reason as CommitConflictError).version).toBe(current.version + 1);
    }
    const final = (await loadTable(store, 'ns', 't'))!;
    expect(final.version).toBe(base.version + 5);
    expect(final.snapshots).toHaveLength(5);
    // The loser's manifest list and manifest were removed: only winners' Avro files remain.
    const avro = readdirSync(path.join(dir, 'ns/t/metadata')).filter((f) => f.endsWith('.avro'));
    expect(avro.filter((f) => f.startsWith('snap-'))).toHaveLength(5);
    expect(avro.filter((f) => f.endsWith('-m0.avro'))).toHaveLength(5);
    expect((await final.liveDataFiles()).length).toBe(5);
  });

  it('a stale table view conflicts; the caller reloads and commits on top', async () => {
    const { store } = setup();
    const t1 = await createTable(store, 'ns', 't', schema, []);
    await commitAppend(t1, [file(store, 'x', 1)], {});
    await expect(commitAppend(t1, [file(store, 'y', 1)], {})).rejects.toBeInstanceOf(CommitConflictError);
    const reloaded = (await loadTable(store, 'ns', 't'))!;
    const t3 = await commitAppend(reloaded, [file(store, 'y', 1)], {});
    expect(t3.version).toBe(3);
    expect((await t3.liveDataFiles()).map((f) => f.path.split('/').pop()).sort()).toEqual(['x.parquet', 'y.parquet']);
    expect(t3.currentSnapshot!.summary['total-records']).toBe('2');
  });
});
