// The CDC happy path on the real native stack: PostgreSQL + MariaDB -> Debezium -> Kafka -> StreamForge
// (examples/cdc-stack, --once) -> Iceberg on MinIO, checked with PyIceberg against SQL over the databases'
// final state. Brings the stack up (deploy/local/up.sh) and stops it again only if it started it.
// Skipped with a visible message when the stack cannot start; STREAMFORGE_E2E_REQUIRE=1 makes that a failure.
// Run: npx vitest run --config /dev/null --dir test/e2e cdc-happy   (STREAMFORGE_E2E_KEEP=1 keeps the stack up)
import { describe, expect, it } from 'vitest';
import { FEATURE_TABLES, logger, MIN, newRunId, secs, SOURCES, TOPICS, workloadSeed } from './harness/env.js';
import { EngineProcess, runOnce, sourceSummary } from './harness/engine.js';
import { cents } from './harness/expected.js';
import type { EndOffsets } from './harness/kafka-offsets.js';
import { psql } from './harness/shell.js';
import { useStack } from './harness/stack.js';
import { verifyWarehouse, type Verified } from './harness/verify.js';
import { markReady, prepareDatabases, runWorkload, waitDelivered, type WorkloadSummary } from './harness/workload.js';

const log = logger('cdc-happy-path');
const RUN = newRunId('happy');
const SEED = workloadSeed();
const MINUTES = Number(process.env['STREAMFORGE_E2E_MINUTES'] ?? '') || 30;
const WAREHOUSE = `s3://warehouse/${RUN}`;
const stack = useStack(log, 'cdc-happy-path', RUN);

describe('CDC happy path: PostgreSQL + MariaDB -> Debezium -> Kafka -> StreamForge -> Iceberg on MinIO', () => {
  let workload: WorkloadSummary | undefined;
  let before: EndOffsets;
  let delivered: EndOffsets;
  let verified: Verified | undefined;

  it('creates the tables, registers the connectors and runs the seeded workload', async (ctx) => {
    if (stack.error) return ctx.skip();
    const kafka = stack.kafka!;
    prepareDatabases(log);
    before = await markReady(kafka, RUN, log);
    const w = await runWorkload(RUN, { seed: SEED, minutes: MINUTES }, log);
    expect(w.postgres.pkChanges).toBeGreaterThan(0);
    expect(w.postgres.transactions).toBeGreaterThan(0);
    delivered = (await waitDelivered(kafka, RUN, w, before, log)).ends;
    workload = w;
  }, 30 * MIN);

  it('runs examples/cdc-stack with --once into MinIO: every event read in one run', async (ctx) => {
    if (stack.error || !workload) return ctx.skip();
    const t0 = Date.now();
    const e = await runOnce('run --once', 'examples/cdc-stack', WAREHOUSE);
    log(`streamforge run examples/cdc-stack --once --warehouse ${WAREHOUSE} (${secs(t0)}):\n${e.stdout.trim()}`);
    for (const source of SOURCES) {
      const s = sourceSummary(e.stdout, source);
      expect(s, `summary line for source ${source}`).toBeDefined();
      expect(s!.read, `${source}: events read = end offset of ${TOPICS[source]}`).toBe(delivered[source]);
      expect(s!.skipped, `${source}: skipped records`).toBe(0);
      log(`${source}: ${s!.read} events read (= topic end offset), ${s!.late} late and ${s!.dead} dead-lettered (the verification below tells whose)`);
    }
  }, 25 * MIN);

  it('the feature tables equal SQL over the databases\' final state (PyIceberg from MinIO), nothing lost or doubled', async (ctx) => {
    if (stack.error || !workload) return ctx.skip();
    verified = await verifyWarehouse({ warehouse: WAREHOUSE, kafka: stack.kafka!, before, workloadStartMs: workload.startMs }, log);
    for (const t of Object.values(FEATURE_TABLES)) expect(verified.histories.get(t)!.snapshots, `${t}: one --once run`).toBeGreaterThanOrEqual(1);
  }, 15 * MIN);

  it('streamforge query answers over the MinIO warehouse', async (ctx) => {
    if (stack.error || !workload || !verified) return ctx.skip();
    const from = new Date(workload.startMs).toISOString().slice(0, 23).replace('T', ' ');
    const [[n, spend]] = psql(`SELECT count(*), sum(amount) FROM orders WHERE status <> 'cancelled' AND created_at >= '${from}'`) as [[string, string]];
    const sql = `SELECT SUM(orders) AS orders, SUM(spend) AS spend FROM features.customer_spend_5m WHERE window_start >= TIMESTAMP '${from}'`;
    const q = new EngineProcess('query', ['query', sql, '--warehouse', WAREHOUSE, '--format', 'json']);
    expect((await q.wait(5 * MIN)).code, q.output()).toBe(0);
    const rows = JSON.parse(q.stdout) as { orders: string | number; spend: string | number }[];
    expect(String(rows[0]?.orders)).toBe(n);
    expect(cents(String(rows[0]?.spend))).toBe(cents(spend));
    log(`streamforge query over ${WAREHOUSE}: this run's ${n} live orders, spend ${spend} (= PostgreSQL)`);
  }, 5 * MIN);
});
