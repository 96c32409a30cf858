// FsStore: the local-directory ObjectStore (keys, URIs, atomic create-if-absent, listing).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FsStore } from '../../catalog/store/fs-store.js';
import { ObjectStoreError } from '../../catalog/store/object-store.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function fresh(): { store: FsStore; dir: string } {
  mkdirSync(path.resolve('test/.tmp'), { recursive: true });
  const dir = mkdtempSync(path.resolve('test/.tmp/fs-'));
  made.push(dir);
  return { store: new FsStore(dir), dir };
}
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined): string | undefined => (b ? new TextDecoder().decode(b) : undefined);

describe('FsStore', () => {
  it('has a file:// root URI and full key URIs', () => {
    const { store, dir } = fresh();
    expect(store.rootUri).toBe('file://' + dir);
    expect(store.uri('a/b.json')).toBe('file://' + dir + '/a/b.json');
  });

  it('puts (creating directories), replaces, gets and deletes', async () => {
    const { store } = fresh();
    expect(await store.get('a/b/c.txt')).toBeUndefined();
    await store.put('a/b/c.txt', bytes('one'));
    expect(text(await store.get('a/b/c.txt'))).toBe('one');
    await store.put('a/b/c.txt', bytes('two'));
    expect(text(await store.get('a/b/c.txt'))).toBe('two');
    await store.put('a/b/c.txt', [bytes('th'), new Uint8Array(0), bytes('ree')]); // parts, one after the other
    expect(text(await store.get('a/b/c.txt'))).toBe('three');
    await store.delete('a/b/c.txt');
    await store.delete('a/b/c.txt');
    expect(await store.get('a/b/c.txt')).toBeUndefined();
  });

  it('putIfAbsent creates once and never overwrites, even when racing', async () => {
    const { store, dir } = fresh();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.putIfAbsent('m/v2.json', bytes(`w${i}`))));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(text(await store.get('m/v2.json'))).toBe(`w${winner}`);
    expect(await store.putIfAbsent('m/v2.json', bytes('late'))).toBe(false);
    expect(text(await store.get('m/v2.json'))).toBe(`w${winner}`);
    expect(readdirSync(path.join(dir, 'm'))).toEqual(['v2.json']); // temp files cleaned up
  });

  it('lists keys by prefix in lexicographic order, skipping temp files', async () => {
    const { store, dir } = fresh();
    for (const k of ['t/metadata/v10.metadata.json', 't/metadata/v9.metadata.json', 't/metadata/snap-1.avro', 't/data/x=1/f.parquet', 'u/z'])
      await store.put(k, bytes(k));
    writeFileSync(path.join(dir, 't/metadata/.v11.metadata.json.tmp-0123456789abcdef'), 'partial');
    expect(await store.list('t/metadata/v')).toEqual(['t/metadata/v10.metadata.json', 't/metadata/v9.metadata.json']);
    expect(await store.list('t/')).toEqual([
      't/data/x=1/f.parquet',
      't/metadata/snap-1.avro',
      't/metadata/v10.metadata.json',
      't/metadata/v9.metadata.json',
    ]);
    expect(await store.list('')).toHaveLength(5);
    expect(await store.list('t/da')).toEqual(['t/data/x=1/f.parquet']);
    expect(await store.list('nope/')).toEqual([]);
  });

  it('lists the directories directly below a prefix (listPrefixes)', async () => {
    const { store } = fresh();
    for (const k of ['ns1/t1/metadata/v1.metadata.json', 'ns1/t2/data/f.parquet', 'ns2/t3/x', 'top.txt']) await store.put(k, bytes(k));
    expect(await store.listPrefixes('')).toEqual(['ns1/', 'ns2/']);
    expect(await store.listPrefixes('ns1/')).toEqual(['ns1/t1/', 'ns1/t2/']);
    expect(await store.listPrefixes('ns1/t1/metadata/')).toEqual([]);
    expect(await store.listPrefixes('missing/')).toEqual([]);
    await expect(store.listPrefixes('ns1')).rejects.toBeInstanceOf(ObjectStoreError);
  });

  it('rejects keys that could escape the root', async () => {
    const { store } = fresh();
    for (const k of ['/abs', 'a/../b', 'a//b', '', './a'])
      await expect(store.put(k, bytes('x'))).rejects.toBeInstanceOf(ObjectStoreError);
  });
});
