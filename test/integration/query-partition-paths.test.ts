// `streamforge query` over a table partitioned by strings whose partition folders are
// percent-encoded on disk (spaces, '/', '%', non-ASCII) or hold glob characters: the data files are
// found as written (not URL-decoded, not read as DuckDB glob patterns) and every row comes back.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, streamforge } from '../harness/cli.js';

const TMP = join(REPO, 'test/.tmp', `query-paths-${process.pid}`);
const CITIES = ['São Paulo', 'a/b', 'x y', '100%', 'p%20q', 'star*', 'br[ack]et', 'plain'];

afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe('query over partition folders with escaped or glob-like names', () => {
  it('returns every row PyIceberg would read', async () => {
    mkdirSync(TMP, { recursive: true });
    const lines = CITIES.map((city, id) => JSON.stringify({ op: 'c', before: null, after: { id, city } }));
    writeFileSync(join(TMP, 'cities.jsonl'), lines.join('\n') + '\n');
    writeFileSync(
      join(TMP, 'p.sql'),
      `CREATE SOURCE cities (id BIGINT, city VARCHAR) WITH (connector = 'file', path = 'cities.jsonl', changelog = 'append');
       CREATE SINK by_city WITH (table = 'geo.by_city', partition_by = 'city') AS SELECT id, city FROM cities;`,
    );
    const run = await streamforge(['run', 'p.sql', '--once', '--warehouse', 'wh'], TMP);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // the folders are named as Iceberg writers name them: percent-encoded values
    expect(readdirSync(join(TMP, 'wh/geo/by_city/data'))).toContain('city=S%C3%A3o%20Paulo');
    const q = await streamforge(['query', 'SELECT id, city FROM geo.by_city ORDER BY id', '--warehouse', 'wh', '--format', 'json'], TMP);
    expect(q.stderr).toBe('');
    expect(q.status).toBe(0);
    expect(JSON.parse(q.stdout)).toEqual(CITIES.map((city, id) => ({ id: String(id), city })));
  }, 60_000);
});
