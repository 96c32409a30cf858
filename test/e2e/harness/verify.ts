// The check every e2e test ends with: the warehouse's feature tables, read by PyIceberg from MinIO,
// equal the values computed from the databases' final state; the last commit of each covers exactly
// the topic's end offsets (nothing lost, nothing read twice); no dead letter comes from this run; and
// every table's metadata history is one linear chain with nothing it references missing.
import { expect } from 'vitest';
import { FEATURE_TABLES, SOURCES, TOPICS, type Log, type SourceName } from './env.js';
import { listTables } from './engine.js';
import { resentBelow } from './history.js';
import { checkCustomerSpend, checkPaymentVolume } from './expected.js';
import type { EndOffsets, KafkaWatch } from './kafka-offsets.js';
import { checkHistory, commitState, openWarehouse, readTable, type History } from './warehouse.js';

export interface VerifyInput {
  readonly warehouse: string;
  readonly kafka: KafkaWatch;
  /** Topic end offsets before the workload (this run's events are at and above them). */
  readonly before: EndOffsets;
  readonly workloadStartMs: number;
  /**
   * Offsets of events Debezium delivered a second time (see waitDelivered): such a copy may arrive
   * after the watermark closed its window, so a dead letter 'late' for it is expected, not an error.
   */
  readonly resent?: Readonly<Record<SourceName, ReadonlySet<number>>>;
}

export interface Verified {
  readonly metadata: ReadonlyMap<string, string>;
  readonly histories: ReadonlyMap<string, History>;
}

const deadLetterTable = (s: SourceName): string => `default.${s}_dead_letter`;

export async function verifyWarehouse(v: VerifyInput, log: Log): Promise<Verified> {
  const store = openWarehouse(v.warehouse);
  const { metadata, text } = await listTables(v.warehouse);
  log(`streamforge tables --warehouse ${v.warehouse}:\n${text}`);
  for (const t of Object.values(FEATURE_TABLES)) expect(metadata.has(t), `${t} exists`).toBe(true);

  const histories = new Map<string, History>();
  for (const table of metadata.keys()) {
    const h = await checkHistory(store, table);
    histories.set(table, h);
    expect(h.problems, `${table}: metadata history`).toEqual([]);
    log(`${table}: versions v1..v${h.versions}, ${h.snapshots} snapshots, each version one snapshot on top of the previous one; ` +
      `every manifest list, live data file and the current checkpoint exist (${h.unreferencedDataFiles} unreferenced data files of interrupted or losing commits)`);
  }

  const historyClean: Record<SourceName, boolean> = { orders: true, payments: true };
  for (const source of SOURCES) {
    const topic = TOPICS[source];
    const ends = await v.kafka.partitionEnds(topic);
    const state = await commitState(store, FEATURE_TABLES[source]);
    expect(state?.positions[source], `${FEATURE_TABLES[source]}: the last commit covers exactly the end of ${topic}`).toEqual(ends);
    // Dead letters of this run are errors; older ones (manual edits of old rows) only mean that
    // earlier windows cannot be compared. Debezium's topics have one partition: offsets compare with `before`.
    const dl = metadata.get(deadLetterTable(source));
    const rows = dl ? readTable(dl).rows : [];
    const offset = (r: Record<string, unknown>): number => Number(/\/(\d+)$/.exec(String(r['position']))?.[1]);
    const ours = rows.filter((r) => offset(r) >= v.before[source]);
    const excused = ours.filter((r) => r['reason'] === 'late' && v.resent?.[source].has(offset(r)));
    const errors = ours.filter((r) => !excused.includes(r));
    expect(errors.map((r) => `${r['reason']} at ${r['position']}: ${r['message']}`), `${source}: dead letters of this run`).toEqual([]);
    // Events Debezium re-sent in earlier runs (a Kafka restart under Connect) are read again by this
    // run's fresh warehouse, and a re-sent delete retracts its row twice (SPEC's upsert rule retracts
    // the complete `before` of a key it no longer holds): then earlier windows cannot equal the databases.
    const resentEarlier = resentBelow(topic, v.before[source]);
    historyClean[source] = rows.length === ours.length && resentEarlier === 0;
    log(`${source}: the last commit of ${FEATURE_TABLES[source]} covers ${JSON.stringify(ends)} = the topic's end offsets; ` +
      (rows.length === 0 ? 'no dead letters' : `${rows.length - ours.length} dead letters from before this run (offsets < ${v.before[source]})`) +
      (excused.length > 0 ? `, ${excused.length} 'late' dead letters of events Debezium re-sent (their first copies counted)` : '') +
      (resentEarlier > 0 ? `; the topic holds ${resentEarlier} events Debezium re-sent in earlier runs` : ''));
  }

  const ctx = (s: SourceName) => ({ metadataUri: metadata.get(FEATURE_TABLES[s])!, workloadStartMs: v.workloadStartMs, historyClean: historyClean[s] });
  log(checkCustomerSpend(ctx('orders')));
  log(checkPaymentVolume(ctx('payments')));
  return { metadata, histories };
}
