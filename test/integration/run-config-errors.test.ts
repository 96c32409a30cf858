// Configuration errors `run` can only find in the warehouse (a sink's table has another schema; a
// sink's query changed since its state was committed) are user errors like plan-time ones: exit 1,
// printed as path:line:col: error[code] at the sink's statement, with the line, a caret and help.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, streamforge } from '../harness/cli.js';

const TMP = join(REPO, 'test/.tmp', `config-errors-${process.pid}`);
const SOURCE = `-- events
CREATE SOURCE ev (id BIGINT, v VARCHAR, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH (path = 'e.jsonl', changelog = 'append');
`;

afterAll(() => rmSync(TMP, { recursive: true, force: true }));

async function runWith(sql: string) {
  writeFileSync(join(TMP, 'p.sql'), sql);
  return streamforge(['run', 'p.sql', '--once', '--warehouse', 'wh'], TMP);
}

describe('run-time configuration errors', () => {
  it('are diagnostics at the sink statement, exit 1', async () => {
    mkdirSync(TMP, { recursive: true });
    writeFileSync(join(TMP, 'e.jsonl'), '{"op":"c","after":{"id":1,"v":"a","ts":1000}}\n');
    const first = await runWith(SOURCE + `\nCREATE SINK t1 AS SELECT id, v FROM ev;\nCREATE SINK w1 AS SELECT v, window_start, COUNT(*) AS n FROM TUMBLE(ev, ts, INTERVAL '1' MINUTE) GROUP BY v, window_start, window_end;\n`);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);

    const swapped = await runWith(SOURCE + `\nCREATE SINK t1 AS SELECT v, id FROM ev;\n`);
    expect(swapped.status).toBe(1);
    expect(swapped.stderr).toContain("p.sql:4:1: error[table-schema-mismatch]: sink 't1' writes table 'default.t1' whose schema differs from its query");
    expect(swapped.stderr).toContain('4 | CREATE SINK t1 AS SELECT v, id FROM ev;\n  | ^^^');
    expect(swapped.stderr).toContain("= help: write to a new table (WITH table = '...') or drop the old one");

    const changed = await runWith(SOURCE + `\n\nCREATE SINK w1 AS SELECT v, window_start, COUNT(*) AS n FROM TUMBLE(ev, ts, INTERVAL '2' MINUTE) GROUP BY v, window_start, window_end;\n`);
    expect(changed.status).toBe(1);
    expect(changed.stderr).toMatch(/^p\.sql:5:1: error\[changed-query\]: the query of sink 'w1' \(or a source or view it reads\) changed since table 'default\.w1'/);
  }, 60_000);

  it('a source path that names no file is a configuration error: exit 1', async () => {
    const r = await runWith(SOURCE.replace("'e.jsonl'", "'missing.jsonl'") + `\nCREATE SINK m1 AS SELECT id, v FROM ev;\n`);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("configuration error: source 'ev': cannot open");
    expect(r.stderr).toContain('missing.jsonl\': no such file');
  }, 60_000);
});
