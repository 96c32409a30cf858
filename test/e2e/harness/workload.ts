// The database side of an e2e run: creates the example tables, registers the Debezium connectors,
// marks the run's starting offsets with a 'ready' sentinel, runs examples/cdc-stack/workload.mjs
// (at once, or paced so that it produces while an engine runs) and waits until Debezium delivered
// exactly the events it caused. Knows nothing about the engine or the warehouse.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pipelineCopy } from './engine.js';
import { LOCAL, MIN, ROOT, secs, SOURCES, TOPICS, type Log, type SourceName } from './env.js';
import { recordResent } from './history.js';
import type { EndOffsets, KafkaWatch } from './kafka-offsets.js';
import { mariadb, psql, sh } from './shell.js';

export interface DbCounts {
  readonly events: number;
  readonly inserts: number;
  readonly updates: number;
  readonly deletes: number;
  readonly pkChanges: number;
  readonly transactions: number;
}

export interface WorkloadSummary {
  readonly runId: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly seconds: number;
  readonly postgres: DbCounts;
  readonly mariadb: DbCounts;
}

export interface WorkloadOptions {
  readonly seed: number;
  /** Event-time minutes to generate (each is one chunk of SQL per database). */
  readonly minutes: number;
  /** Milliseconds between chunks; 0 runs everything at once. */
  readonly paceMs?: number;
}

/** Tables (idempotent DDL) and connectors (idempotent PUT; waits until RUNNING). */
export function prepareDatabases(log: Log): void {
  const t0 = Date.now();
  sh('bash', [`${LOCAL}/postgres.sh`, 'psql', '-f', 'examples/cdc-stack/db/postgres.ddl']);
  sh('bash', [`${LOCAL}/mariadb.sh`, 'sql'], { input: readFileSync(resolve(ROOT, 'examples/cdc-stack/db/mariadb.ddl'), 'utf8') });
  log('tables ready: PostgreSQL public.orders (REPLICA IDENTITY DEFAULT), MariaDB shop.payments (db/*.ddl)');
  sh('bash', [`${LOCAL}/register-connectors.sh`], { timeoutMs: 5 * MIN });
  log(`Debezium connectors shop-pg and shop-my RUNNING (${secs(t0)})`);
}

/**
 * A 'ready' sentinel through both connectors: once it is in Kafka, snapshots are over and the
 * connectors stream; the end offsets taken after it are this run's starting point.
 */
export async function markReady(kafka: KafkaWatch, runId: string, log: Log): Promise<EndOffsets> {
  const t0 = Date.now();
  psql(`INSERT INTO workload_runs (run_id, phase) VALUES ('${runId}', 'ready')`);
  mariadb(`INSERT INTO workload_runs (run_id, phase) VALUES ('${runId}', 'ready')`);
  await kafka.waitForMark(`"${runId}"`, 3 * MIN);
  const before = await kafka.waitForQuiet(2000, 3 * MIN);
  log(`ready sentinel of run ${runId} arrived (${secs(t0)}); topic ends before the workload: ${JSON.stringify(before)}`);
  return before;
}

/**
 * The failure tests' common start: databases and connectors ready, the ready sentinel through, and
 * a copy of the example pipelines committing every second. Returns the topics' ends before the
 * workload and the pipelines' directory.
 */
export async function prepareFailureRun(kafka: KafkaWatch, runId: string, warehouse: string, log: Log): Promise<{ before: EndOffsets; dir: string }> {
  prepareDatabases(log);
  const before = await markReady(kafka, runId, log);
  const dir = pipelineCopy(runId, '1s');
  log(`pipelines: examples/cdc-stack/*.sql with commit_interval = '1s' in ${dir}; warehouse ${warehouse}`);
  return { before, dir };
}

/** The long, paced workload the failure tests break things under; `producing` turns false when it ends. */
export function startLongWorkload(runId: string, seed: number, log: Log): { readonly done: Promise<WorkloadSummary>; readonly producing: () => boolean } {
  let producing = true;
  const done = runWorkload(runId, { seed, minutes: 40, paceMs: 700 }, log).finally(() => (producing = false));
  return { done, producing: () => producing };
}

/** Runs workload.mjs (run id `<runId>-wl`) and resolves with its summary once it has finished. */
export function runWorkload(runId: string, o: WorkloadOptions, log: Log): Promise<WorkloadSummary> {
  const args = ['examples/cdc-stack/workload.mjs', '--json', '--seed', String(o.seed), '--minutes', String(o.minutes), '--run-id', `${runId}-wl`];
  if (o.paceMs) args.push('--pace', String(o.paceMs));
  log(`workload: node ${args.join(' ')}`);
  const t0 = Date.now();
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * MIN);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return fail(new Error(`workload failed (exit ${code}):\n${`${out}\n${err}`.trim().split('\n').slice(-20).join('\n')}`));
      const w = JSON.parse(out.trim().split('\n').pop()!) as WorkloadSummary;
      const p = w.postgres;
      const m = w.mariadb;
      log(`workload seed ${o.seed} done in ${secs(t0)}, event time ${new Date(w.startMs).toISOString()} .. ${new Date(w.endMs).toISOString()}`);
      log(`  orders:   ${p.inserts} inserts, ${p.updates} updated rows, ${p.deletes} deletes, ${p.pkChanges} primary-key changes, ${p.transactions} multi-row transactions -> ${p.events} events`);
      log(`  payments: ${m.inserts} inserts, ${m.updates} updated rows, ${m.deletes} deletes, ${m.pkChanges} primary-key changes, ${m.transactions} multi-row transactions -> ${m.events} events`);
      ok(w);
    });
  });
}

/** What Debezium delivered for this run: the topics' end offsets and the offsets of re-sent events. */
export interface Delivery {
  readonly ends: EndOffsets;
  /** Source -> offsets (at or above `before`) holding an event already delivered at a lower offset. */
  readonly resent: Readonly<Record<SourceName, ReadonlySet<number>>>;
}

/**
 * The identity of a change event: its key and payload without the connector's processing times, so
 * that an event Debezium sends again (after a Kafka Connect restart, at-least-once) is equal to the
 * first copy while two different changes never are (their source positions differ).
 */
export function eventIdentity(key: string, value: string): string {
  const v = JSON.parse(value) as { payload?: Record<string, unknown> } & Record<string, unknown>;
  const { ts_ms: _ms, ts_us: _us, ts_ns: _ns, ...rest } = (v.payload ?? v) as Record<string, unknown>;
  return `${key}\n${JSON.stringify(rest)}`;
}

/**
 * Waits for the workload's 'done' sentinel and for the topics to reach exactly the starting offsets
 * plus the events the workload caused (none lost by Debezium, none added by anyone else). With
 * `allowResent`, Debezium may deliver some events twice (its at-least-once delivery when Kafka
 * restarts under Connect): then every event beyond the expected count must be an exact duplicate,
 * and the distinct events must be exactly the workload's.
 */
export async function waitDelivered(kafka: KafkaWatch, runId: string, w: WorkloadSummary, before: EndOffsets, log: Log, allowResent = false): Promise<Delivery> {
  const t0 = Date.now();
  await kafka.waitForMark(`"${runId}-wl"`, 5 * MIN);
  const want = { orders: before.orders + w.postgres.events, payments: before.payments + w.mariadb.events };
  const ends = await kafka.waitForQuiet(3000, 5 * MIN, want);
  log(`Debezium delivered everything (${secs(t0)}): end offsets ${JSON.stringify(ends)} (expected ${JSON.stringify(want)})`);
  const resent: Record<SourceName, Set<number>> = { orders: new Set(), payments: new Set() };
  for (const source of SOURCES) {
    if (ends[source] === want[source]) continue;
    if (!allowResent || ends[source] < want[source])
      throw new Error(`${TOPICS[source]} holds other events than the workload caused: end offset ${ends[source]}, expected ${want[source]}`);
    const seen = new Set<string>();
    for (const m of await kafka.readRange(TOPICS[source], before[source], ends[source], 2 * MIN)) {
      const id = eventIdentity(m.key, m.value);
      if (seen.has(id)) resent[source].add(m.offset);
      seen.add(id);
    }
    const offsets = [...resent[source]];
    recordResent(TOPICS[source], offsets);
    log(`${TOPICS[source]}: ${seen.size} distinct events (= the workload's ${want[source] - before[source]}) and ${offsets.length} ` +
      `re-sent by Debezium (at-least-once after the restart) at offsets ${offsets[0]}..${offsets[offsets.length - 1]}`);
    if (seen.size !== want[source] - before[source])
      throw new Error(`${TOPICS[source]}: ${seen.size} distinct events at ${before[source]}..${ends[source] - 1}, the workload caused ${want[source] - before[source]}`);
  }
  return { ends, resent };
}
