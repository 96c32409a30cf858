// End-to-end runs of the compiled CLI on the embedded default (file source, local warehouse):
// exactly-once after kill -9 at random points, `--once` twice writes nothing, two pipelines in one
// warehouse, dead letters and on_error = 'fail'. Reads results back with `streamforge query`.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrders, writeLines } from '../../examples/ecommerce/generate.js';

import { CLI, REPO as ROOT, streamforge } from '../harness/cli.js';

const TMP = join(ROOT, 'test/.tmp', `run-${process.pid}`);

function cli(args: string[], cwd = TMP) {
  return streamforge(args, cwd);
}

async function query(sql: string, warehouse: string): Promise<Record<string, unknown>[]> {
  const r = await cli(['query', sql, '--warehouse', warehouse, '--format', 'json']);
  if (r.status !== 0) throw new Error(`query failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>[];
}

const SOURCE = (path: string, extra = ''): string => `
CREATE SOURCE orders (
  id BIGINT, customer_id BIGINT, amount DECIMAL(10,2), status VARCHAR, created_at TIMESTAMP(3),
  PRIMARY KEY (id),
  WATERMARK FOR created_at AS created_at - INTERVAL '5' SECOND
) WITH (connector = 'file', path = '${path}'${extra});
`;

const SINK = (name: string, interval: string): string => `
CREATE SINK ${name} WITH (table = 'features.${name}', partition_by = 'day(window_start)', commit_interval = '${interval}') AS
SELECT customer_id, window_start, window_end, COUNT(*) AS orders, SUM(amount) AS spend, MAX(amount) AS top
FROM TUMBLE(orders, created_at, INTERVAL '5' MINUTE)
GROUP BY customer_id, window_start, window_end;
`;

const ALL = (table: string): string =>
  `SELECT customer_id, window_start, window_end, orders, spend, top FROM ${table} ORDER BY customer_id, window_start`;

beforeAll(async () => {
  mkdirSync(TMP, { recursive: true });
  await writeLines(
    join(TMP, 'orders.jsonl'),
    generateOrders({
      events: 150_000,
      customers: 500,
      seed: 11,
      schemaBlock: false,
      startMs: Date.UTC(2026, 10, 1),
      spanMs: 3 * 3_600_000,
      outOfOrderMs: 4_000,
      lateFraction: 0.002,
    }),
  );
  for (const d of ['a', 'b', 'crash']) mkdirSync(join(TMP, d), { recursive: true });
  writeFileSync(join(TMP, 'a/pipeline.sql'), SOURCE('../orders.jsonl') + SINK('spend_a', '10s'));
  writeFileSync(join(TMP, 'b/pipeline.sql'), SOURCE('../orders.jsonl') + SINK('spend_b', '10s'));
  writeFileSync(join(TMP, 'crash/pipeline.sql'), SOURCE('../orders.jsonl') + SINK('spend_crash', '30ms'));
}, 120_000);

afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe('streamforge run on the embedded default', () => {
  it('writes the table once; a second --once run writes nothing', async () => {
    const r1 = await cli(['run', 'a', '--once', '--warehouse', 'wh']);
    expect(r1.stderr).toBe('');
    expect(r1.status).toBe(0);
    expect(r1.stdout).toMatch(/sink spend_a: [\d,]+ rows written in 1 snapshots/);
    const rows = await query(ALL('features.spend_a'), 'wh');
    expect(rows.length).toBeGreaterThan(1000);
    const r2 = await cli(['run', 'a', '--once', '--warehouse', 'wh']);
    expect(r2.status).toBe(0);
    expect(r2.stdout).toMatch(/sink spend_a: 0 rows written in 0 snapshots/);
    expect(await query(ALL('features.spend_a'), 'wh')).toEqual(rows);
    const meta = readdirSync(join(TMP, 'wh/features/spend_a/metadata')).filter((f) => /^v\d+\.metadata\.json$/.test(f));
    expect(meta.sort()).toEqual(['v1.metadata.json', 'v2.metadata.json']);
  });

  it('two pipelines in one warehouse do not interfere', async () => {
    const r = await cli(['run', 'b', '--once', '--warehouse', 'wh']);
    expect(r.status).toBe(0);
    const a = await query(ALL('features.spend_a'), 'wh');
    const b = await query(ALL('features.spend_b'), 'wh');
    expect(b).toEqual(a);
  });

  it('resumes exactly once after kill -9 at random points', async () => {
    let kills = 0;
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const versions = (): number => {
      try {
        return readdirSync(join(TMP, 'wh/features/spend_crash/metadata')).filter((f) => /^v\d+\.metadata\.json$/.test(f)).length;
      } catch {
        return 0; // not created yet
      }
    };
    // The engine reads this input in about a second, so a kill must land before a run completes (a
    // completed run leaves nothing for later attempts): odd attempts kill at a random time early in
    // the run, even ones a random 0-150 ms after the attempt's first commit (mid-batch, mid-commit).
    let attempts = 0;
    for (let attempt = 0; attempt < 40 && (kills < 5 || versions() < 3); attempt++) {
      attempts++;
      const child = spawn(process.execPath, [CLI, 'run', 'crash', '--once', '--warehouse', 'wh'], { cwd: TMP, stdio: 'ignore' });
      const before = versions();
      const afterCommit = attempt % 2 === 0;
      const delay = afterCommit ? Math.floor(rand() * 150) : 150 + Math.floor(rand() * 500);
      const exited = await new Promise<boolean>((res) => {
        let timer: NodeJS.Timeout | undefined;
        const kill = (): void => {
          child.kill('SIGKILL');
          res(false);
        };
        const watch = afterCommit
          ? setInterval(() => {
              if (timer === undefined && versions() > before) timer = setTimeout(kill, delay);
            }, 5)
          : undefined;
        if (!afterCommit) timer = setTimeout(kill, delay);
        child.on('exit', () => {
          clearInterval(watch);
          clearTimeout(timer);
          res(true);
        });
      });
      if (!exited) kills++;
    }
    console.log(`[kill -9] ${kills} kills in ${attempts} runs, table at ${versions()} metadata versions`);
    // At least 5 kills, some of them after commits had happened.
    expect(kills).toBeGreaterThanOrEqual(5);
    expect(versions()).toBeGreaterThanOrEqual(3);
    const final = await cli(['run', 'crash', '--once', '--warehouse', 'wh']);
    expect(final.status).toBe(0);
    const crash = await query(ALL('features.spend_crash'), 'wh');
    const clean = await query(ALL('features.spend_a'), 'wh');
    expect(crash.length).toBe(clean.length);
    expect(crash).toEqual(clean);
  });
});

describe('bad input', () => {
  const lines = [
    '{"op":"c","after":{"id":1,"customer_id":7,"amount":"10.00","status":"paid","created_at":1793491200000}}',
    '{"op":"c","after":{"id":2,"customer_id":7,"amount":"12,50!","status":"paid","created_at":1793491201000}}',
    '{"op":"c","after":{"id":3,',
    '{"op":"x","after":{"id":4,"customer_id":7,"amount":"1.00","status":"paid","created_at":1793491202000}}',
    '{"op":"c","after":{"id":5,"customer_id":8,"amount":"2.50","status":"paid","created_at":1793491900000}}',
    '{"op":"c","after":{"id":6,"customer_id":7,"amount":"3.00","status":"paid","created_at":1793491203000}}',
    // late for both sinks, and both its changes (the retraction of id 1 and the insert) are late: one dead letter
    '{"op":"u","before":null,"after":{"id":1,"customer_id":7,"amount":"11.00","status":"paid","created_at":1793491200000}}',
  ];

  it('dead-letters them with reason, raw text and file:line, and carries on', async () => {
    mkdirSync(join(TMP, 'bad'), { recursive: true });
    writeFileSync(join(TMP, 'bad/orders.jsonl'), lines.join('\n') + '\n');
    writeFileSync(join(TMP, 'bad/pipeline.sql'), SOURCE('orders.jsonl') + SINK('bad_spend', '10s') + SINK('bad_spend_b', '10s'));
    const r = await cli(['run', 'bad', '--once', '--warehouse', 'whbad']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/source orders: 7 events read, 2 late, 3 dead-lettered/);
    const dl = await query('SELECT reason, position, raw FROM orders_dead_letter ORDER BY position', 'whbad');
    expect(dl.map((d) => [d['reason'], d['position']])).toEqual([
      ['type', 'orders.jsonl:2'],
      ['malformed', 'orders.jsonl:3'],
      ['unknown-op', 'orders.jsonl:4'],
      ['late', 'orders.jsonl:6'],
      ['late', 'orders.jsonl:7'],
    ]);
    expect(dl[1]!['raw']).toBe(lines[2]);
    const out = await query('SELECT customer_id, orders, spend FROM features.bad_spend ORDER BY customer_id', 'whbad');
    expect(out).toEqual([
      { customer_id: '7', orders: '1', spend: '10.00' },
      { customer_id: '8', orders: '1', spend: '2.50' },
    ]);
  });

  it('two pipelines reading a source of the same name, at once, each put their dead letters into its table once', async () => {
    for (const d of ['dl1', 'dl2']) {
      mkdirSync(join(TMP, d), { recursive: true });
      writeFileSync(join(TMP, d, 'orders.jsonl'), lines.join('\n') + '\n');
      writeFileSync(join(TMP, d, 'pipeline.sql'), SOURCE('orders.jsonl') + SINK(`${d}_spend`, '10s'));
    }
    const runs = await Promise.all(['dl1', 'dl2'].map((d) => cli(['run', d, '--once', '--warehouse', 'whdl'])));
    for (const r of runs) {
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/dead letters of orders: 5 rows/);
    }
    const positions = async () =>
      (await query('SELECT position FROM orders_dead_letter ORDER BY position', 'whdl')).map((d) => d['position']);
    const each = ['orders.jsonl:2', 'orders.jsonl:3', 'orders.jsonl:4', 'orders.jsonl:6', 'orders.jsonl:7'];
    expect(await positions()).toEqual(each.flatMap((p) => [p, p]));
    // again: each pipeline resumes after its own dead letters, so nothing is written twice
    for (const d of ['dl1', 'dl2']) {
      const again = await cli(['run', d, '--once', '--warehouse', 'whdl']);
      expect(again.status).toBe(0);
      expect(again.stdout).toMatch(/source orders: 0 events read, 0 late, 0 dead-lettered/);
    }
    expect(await positions()).toEqual(each.flatMap((p) => [p, p]));
  }, 120_000);

  it("stops with exit 2 naming file:line when on_error = 'fail'", async () => {
    mkdirSync(join(TMP, 'fail'), { recursive: true });
    writeFileSync(join(TMP, 'fail/orders.jsonl'), lines.join('\n') + '\n');
    writeFileSync(join(TMP, 'fail/pipeline.sql'), SOURCE('orders.jsonl', ", on_error = 'fail'") + SINK('fail_spend', '10s'));
    const r = await cli(['run', 'fail', '--once', '--warehouse', 'whfail']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/orders\.jsonl:2/);
  });
});
